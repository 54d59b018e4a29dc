"""`GET /healthz` for load balancers: does this app server reach its database and cache?

Touches no session and no template, and is never cached (PAGE_CACHE_SKIP_PATHS), so it stays
fast and says how this server is now.
"""

import logging

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("Health check: the database did not answer", exc_info=True)
        return False


def caches_answer():
    try:
        for alias in ("default", "pages"):
            cache = caches[alias]
            cache.set("healthz", "ok", timeout=10)
            if cache.get("healthz") != "ok":
                return False
        return True
    except Exception:
        logger.warning("Health check: the cache did not answer", exc_info=True)
        return False


@never_cache
@require_safe
def healthz(request):
    checks = {"database": database_answers(), "cache": caches_answer()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503
    )
