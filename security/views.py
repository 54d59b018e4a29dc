import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import reports

logger = logging.getLogger("security.csp")

MAX_BODY_BYTES = 64 * 1024


@csrf_exempt  # browsers send reports without a token
@require_POST
def csp_report(request):
    """Logs the violations a browser reports; 204 whatever the body, 429 past the limit."""
    if reports.over_limit(request):
        return HttpResponse(status=429)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return HttpResponse(status=413)
    for violation in reports.parse(request.body[:MAX_BODY_BYTES]):
        logger.warning(
            "CSP violation: %s",
            " ".join(f"{key}={value}" for key, value in violation.items()) or "(empty report)",
        )
    return HttpResponse(status=204)
