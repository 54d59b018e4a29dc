"""The site owner's personal-data page: export or erase what is stored for an email address."""

import json

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from .privacy import ANONYMOUS_NAME, erase_personal_data, export_personal_data


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label="Email address")
    confirm_erase = forms.BooleanField(
        required=False,
        label=f'Yes, erase: sign this person\'s comments "{ANONYMOUS_NAME}" and remove their '
        "email, website, IP address and account link. This cannot be undone.",
    )
    delete_account = forms.BooleanField(
        required=False, label="Also delete their account (never a staff account)."
    )


@staff_member_required
def personal_data(request):
    if not request.user.is_superuser:
        raise PermissionDenied("Only the site owner may see or erase personal data.")
    form = PersonalDataForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            if "export" in request.POST:
                return _export_response(email)
            if "erase" in request.POST:
                if form.cleaned_data["confirm_erase"]:
                    result = erase_personal_data(
                        email, delete_accounts=form.cleaned_data["delete_account"]
                    )
                    messages.success(
                        request,
                        f"Erased {email}: {result.comments} comment(s) now signed "
                        f"{ANONYMOUS_NAME}, {result.likes} like(s) made anonymous, "
                        f"{result.accounts_deleted} account(s) deleted"
                        + "".join(f", {n} {name} removed" for name, n in result.other.items())
                        + ".",
                    )
                    return redirect("comments:personal_data")
                form.add_error("confirm_erase", "Tick this box to erase.")
        status = 400
    return render(request, "comments/personal_data.html", {"form": form}, status=status)


def _export_response(email):
    data = export_personal_data(email)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    name = f"personal-data-{slugify(email)}-{timezone.now():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
