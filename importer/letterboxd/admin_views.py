"""The Letterboxd import and export in the admin: upload, read the dry run, confirm.

The upload is kept in a private folder under a random name between the dry run and the
confirmation; the confirmation carries that name signed, so nothing else can be named.
"""

import secrets
import tempfile
import time
from pathlib import Path

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .export import reviews_to_export, write_csv
from .forms import ExportForm, ImportForm
from .importer import LetterboxdImporter, LetterboxdImportError

SALT = "importer.letterboxd.upload"
MAX_AGE = 60 * 60  # an hour to read the summary and confirm


def upload_folder():
    folder = Path(tempfile.gettempdir()) / "letterboxd-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _keep_upload(upload):
    # Uploads never confirmed go once they could no longer be confirmed.
    for stale in upload_folder().iterdir():
        if time.time() - stale.stat().st_mtime > MAX_AGE:
            stale.unlink(missing_ok=True)
    suffix = ".csv" if upload.name.lower().endswith(".csv") else ".zip"
    path = upload_folder() / f"{secrets.token_hex(16)}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _run(request, path, name, options, *, dry_run):
    importer = LetterboxdImporter(path, name=name, author=request.user, dry_run=dry_run, **options)
    return importer.run()


def import_view(request, admin_site, opts):
    if not request.user.is_superuser:
        raise PermissionDenied
    context = {**admin_site.each_context(request), "opts": opts, "title": "Import from Letterboxd"}
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, context, opts)
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["export"]
        options = {
            "publish": form.cleaned_data["publish"],
            "keep_ratings": form.cleaned_data["keep_ratings"],
        }
        path = _keep_upload(upload)
        try:
            summary = _run(request, path, upload.name, options, dry_run=True)
        except LetterboxdImportError as exc:
            path.unlink(missing_ok=True)
            form.add_error("export", str(exc))
        else:
            token = signing.dumps({"file": path.name, "name": upload.name, **options}, salt=SALT)
            context.update(summary_lines=summary.lines(), token=token, upload_name=upload.name)
            return TemplateResponse(request, "admin/importer/letterboxd_confirm.html", context)
    context["form"] = form
    return TemplateResponse(request, "admin/importer/letterboxd_import.html", context)


def _confirm(request, context, opts):
    try:
        data = signing.loads(request.POST["token"], salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        messages.error(request, "That upload has expired or is not known: upload it again.")
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")
    path = upload_folder() / Path(data["file"]).name
    if not path.is_file():
        messages.error(request, "That upload was already imported or has expired.")
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")
    options = {"publish": data["publish"], "keep_ratings": data["keep_ratings"]}
    try:
        summary = _run(request, path, data["name"], options, dry_run=False)
    except LetterboxdImportError as exc:
        messages.error(request, str(exc))
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")
    finally:
        path.unlink(missing_ok=True)
    for line in summary.lines()[1:3]:
        messages.success(request, line)
    return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def export_view(request, admin_site, opts):
    if not request.user.is_superuser:
        raise PermissionDenied
    form = ExportForm(request.GET if "download" in request.GET else None)
    if form.is_valid():
        reviews = reviews_to_export(
            since=form.cleaned_data["since"],
            until=form.cleaned_data["until"],
            challenge_year=form.cleaned_data["challenge_year"],
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="letterboxd-reviews.csv"'
        write_csv(response, reviews, request.build_absolute_uri)
        return response
    context = {
        **admin_site.each_context(request),
        "opts": opts,
        "title": "Export for Letterboxd",
        "form": form,
    }
    return TemplateResponse(request, "admin/importer/letterboxd_export.html", context)
