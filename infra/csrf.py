"""CSRF for forms on pages that are cached and shared between readers."""

import urllib.parse
from functools import wraps

from django.conf import settings
from django.http import HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt, csrf_protect

CROSS_SITE_REFUSAL = (
    "This form was sent from another website, so it was not accepted. "
    "To comment or like, use the form on this site."
)


def sent_from_another_site(request):
    """The browser says the form came from another site (old clients say nothing: allowed)."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return False
    # "null" (a sandboxed frame, a data: page) has no host and is never this site. Ports are
    # not compared: a proxy may pass the host without it (nginx's $host), and another port of
    # this host is the same site to a browser as well.
    ours = urllib.parse.urlsplit(f"//{request.get_host()}").hostname
    return urllib.parse.urlsplit(origin).hostname != ours


def csrf_for_signed_in(view):
    """CSRF checks for readers who are logged in; for anonymous readers, the browser's word.

    Cached pages carry no per-reader token, so anonymous forms cannot have one. What a browser
    says of where a form came from (Sec-Fetch-Site, Origin) still keeps another site from
    making its visitors comment, like or follow here; the signed form, its honeypot, rate
    limits and the spam filter guard the rest. A logged-in reader's session is what a forgery
    would abuse most, so their requests keep Django's check.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        if sent_from_another_site(request):
            return HttpResponseForbidden(CROSS_SITE_REFUSAL, content_type="text/plain")
        return view(request, *args, **kwargs)

    return checked
