"""Headers every response carries (pages, errors and static files alike), and addresses no
page can have.

Django's SecurityMiddleware sets HSTS (on HTTPS), Referrer-Policy, nosniff and
Cross-Origin-Opener-Policy; django-csp sets Content-Security-Policy. SecurityHeadersMiddleware
adds Permissions-Policy, Reporting-Endpoints and the admin's social logins to form-action.
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import Http404
from django.urls import reverse

from .oauth import social_app_hosts


def permissions_policy(features):
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    return ", ".join(f"{name}=({' '.join(origins)})" for name, origins in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            hosts = social_app_hosts()
            if hosts:  # read by django-csp's middleware, which runs after this one
                response._csp_update = response._csp_update_ro = {"form-action": hosts}
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        # The endpoint the policy's report-to names; the Reporting API wants an absolute URL.
        try:
            endpoint = request.build_absolute_uri(reverse("security:csp_report"))
        except DisallowedHost:  # already answered 400; no address of ours to name
            return response
        response.headers.setdefault(
            "Reporting-Endpoints", f'{settings.CSP_REPORT_GROUP}="{endpoint}"'
        )
        return response


# The largest id any of our tables can hold (64-bit); SQLite raises past it, not "no such row".
MAX_ID = 2**63 - 1


class ImpossibleAddressMiddleware:
    """Addresses no page can have answer 404 before a view takes them to the database.

    An id no table can hold (/comments/reply/99999999999999999999/: ids come from <int:...>
    routes as ints and from django-comments' regex routes as digit strings), and a NUL
    character in the path (%00, which PostgreSQL refuses in any text it is asked to compare).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "\x00" in request.path_info:
            raise Http404("No such address.")
        for value in (*view_args, *view_kwargs.values()):
            too_big = isinstance(value, int) and abs(value) > MAX_ID
            if isinstance(value, str) and value.isascii() and value.isdigit():
                too_big = int(value) > MAX_ID
            if too_big:
                raise Http404("No such id.")
        return None
