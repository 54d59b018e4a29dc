"""The comment form: xtd's form with WordPress's fields and wording, and a per-form token."""

import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import validators
from django_comments_xtd.forms import XtdCommentForm
from django_comments_xtd.models import XtdComment


def new_form_token():
    return secrets.token_urlsafe(24)


class CommentForm(XtdCommentForm):
    remember = forms.BooleanField(
        required=False,
        label="Save my name, email and website in this browser for the next time I comment.",
    )
    form_token = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, target_object, *args, **kwargs):
        super().__init__(target_object, *args, **kwargs)
        self.fields["comment"].label = "Comment"
        self.fields["comment"].widget.attrs.update(
            {"rows": 8, "placeholder": "", "class": "", "aria-describedby": "comment-help"}
        )
        self.fields["name"].label = "Name"
        self.fields["email"].label = "Email"
        self.fields["email"].help_text = "Required, never shown."
        self.fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        self.fields["url"].label = "Website"
        self.fields["url"].help_text = "Optional."
        self.fields["url"].widget = forms.URLInput(attrs={"autocomplete": "url"})
        self.fields["name"].widget.attrs.update(
            {"autocomplete": "name", "placeholder": "", "class": ""}
        )
        # The database columns' sizes, so that a long value is a form error and not a crash.
        for name, limit in (("name", 50), ("email", 254), ("url", 200)):
            field = self.fields[name]
            if field.max_length is None or field.max_length > limit:
                field.max_length = limit
                field.validators.append(validators.MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = limit
        self.fields["followup"].label = "Notify me of follow-up comments by email."
        self.fields["followup"].widget.attrs["class"] = ""
        self.fields["honeypot"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())

    @property
    def identity_fields(self):
        """Name, email and website with their input type and autocomplete token."""
        return [
            (self[name], kind, name)
            for name, kind in (("name", "text"), ("email", "email"), ("url", "url"))
        ]

    def clean_timestamp(self):
        """A form is good for COMMENTS_FORM_MAX_AGE_HOURS: pages are cached, and a reader may
        take their time; a stamp from the future is forged."""
        stamp = self.cleaned_data["timestamp"]
        age = time.time() - stamp
        if age > settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600 or age < -60:
            raise forms.ValidationError("Timestamp check failed")
        return stamp

    def submission_key(self):
        """What makes a retry of this very comment: the form it came from (shared by every
        reader of a cached page) and what was typed into it."""
        data = self.cleaned_data
        parts = [data.get("form_token") or ""]
        parts += [str(data.get(name) or "") for name in ("name", "email", "reply_to", "comment")]
        if not parts[0]:
            return None
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def clean_reply_to(self):
        """A reply must answer a visible comment on the same post, above the depth limit."""
        parent_id = self.cleaned_data.get("reply_to") or 0
        if parent_id == 0:
            return 0
        if abs(parent_id) >= 2**63:  # a forged id past 64 bits: the database refuses the query
            raise forms.ValidationError("The comment you are replying to is not there any more.")
        parent = (
            XtdComment.norel_objects.filter(
                pk=parent_id,
                content_type__app_label=self.target_object._meta.app_label,
                content_type__model=self.target_object._meta.model_name,
                object_pk=str(self.target_object.pk),
                is_public=True,
                is_removed=False,
            )
            .only("pk", "level")
            .first()
        )
        if parent is None:
            raise forms.ValidationError("The comment you are replying to is not there any more.")
        if parent.level >= settings.COMMENTS_XTD_MAX_THREAD_LEVEL:
            raise forms.ValidationError(
                "This thread is as deep as it goes: reply to an earlier comment instead."
            )
        return parent_id

    def clean_comment(self):
        text = super().clean_comment()
        if not text.strip():
            raise forms.ValidationError("Write a comment first.")
        return text
