"""Headers every response carries, pages, errors and static files alike.

Django's SecurityMiddleware sets HSTS (on HTTPS), Referrer-Policy, nosniff and
Cross-Origin-Opener-Policy; django-csp sets Content-Security-Policy. This adds the two it lacks.
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse


def permissions_policy(features):
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    return ", ".join(f"{name}=({' '.join(origins)})" for name, origins in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
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
