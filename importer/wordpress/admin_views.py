"""The admin's "Export to WordPress" button on the posts list."""

import io
import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import timezone

from importer.letterboxd.export import site_address

from .export import export_wordpress


def may_export(user):
    """The export holds every draft and every commenter's address: editors only."""
    return user.is_active and user.is_staff and user.has_perm("blog.edit_any_post")


def export_view(request):
    if not may_export(request.user):
        raise PermissionDenied
    # Written to a temporary file, then streamed: memory stays flat however large the blog.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="\n")
    export_wordpress(text, site_url=site_address())
    text.flush()
    text.detach()
    spool.seek(0)
    name = f"wordpress-export-{timezone.localdate():%Y-%m-%d}.xml"
    return FileResponse(
        spool, as_attachment=True, filename=name, content_type="application/xml; charset=utf-8"
    )
