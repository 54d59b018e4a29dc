from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services

MAX_BODY = 1024


@csrf_exempt  # sent from cached pages, which hold no token; it can only add a capped count
@require_POST
@never_cache
def beacon(request):
    """navigator.sendBeacon(url, path): count one view; always an empty 204, never a cookie."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if 0 < length <= MAX_BODY:
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            path = request.POST.get("path", "")
        else:
            path = request.body.decode("utf-8", "replace")
        services.count_view(request, path.strip().split("?", 1)[0].split("#", 1)[0])
    return HttpResponse(status=204)
