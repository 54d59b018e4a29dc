"""The follow form. It sits on cached pages shared by every reader, so it carries no CSRF
token: a signed stamp of when its page was rendered, a honeypot and rate limits guard it, and
nobody is mailed more than a confirmation link before they click it."""

import time

from django import forms
from django.conf import settings
from django.core import signing

from .models import Follower

STAMP_SALT = "followers.form-stamp"


def new_stamp():
    return signing.Signer(salt=STAMP_SALT).sign(str(int(time.time())))


def stamp_age(value):
    """Seconds since the stamp was made; None when it is not ours."""
    try:
        return time.time() - int(signing.Signer(salt=STAMP_SALT).unsign(value or ""))
    except (signing.BadSignature, ValueError):
        return None


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
    )
    frequency = forms.ChoiceField(
        label="Send me",
        choices=Follower.Frequency.choices,
        initial=Follower.Frequency.EACH,
        widget=forms.RadioSelect,
    )
    source = forms.ChoiceField(
        choices=[(k, v) for k, v in Follower.Source.choices if k != Follower.Source.IMPORT],
        initial=Follower.Source.POST,
        widget=forms.HiddenInput,
    )
    stamp = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    # Hidden from people by CSS; robots that fill in every field fill this one too.
    nickname = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("stamp", new_stamp())

    def stamp_problem(self):
        """'forged', 'old', 'quick' or None, from the stamp the page was rendered with."""
        age = stamp_age(self.data.get("stamp"))
        if age is None or age < -60:
            return "forged"
        if age > settings.FOLLOWERS_FORM_MAX_AGE_HOURS * 3600:
            return "old"
        if age < settings.FOLLOWERS_MIN_SUBMIT_SECONDS:
            return "quick"
        return None

    def fresh(self):
        """A new form (new stamp) that keeps what was typed."""
        typed = {
            name: self.data.get(name, "")
            for name in ("email", "frequency", "source")
            if self.data.get(name)
        }
        form = FollowForm(initial=typed, auto_id="follow-page-%s")
        form.fields["source"].initial = typed.get("source", Follower.Source.POST)
        return form


class SettingsForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Send me", choices=Follower.Frequency.choices, widget=forms.RadioSelect
    )
