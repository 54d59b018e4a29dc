"""Counting requests per key in fixed windows, in the shared cache."""

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def hit(kind, value, limit, window):
    """Count one request for `value` in the current window; True when that is over `limit`.

    An unreachable cache counts nothing: a reader is never refused because the cache is down.
    """
    if not limit or not value:
        return False
    digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
    key = f"rate:{kind}:{digest}:{int(time.time() // window)}"
    try:
        # add() is atomic on every backend; incr() too (Redis INCR, a lock in LocMem).
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            count = 1
    except Exception:
        logger.exception("Rate limit not counted: the cache did not answer")
        return False
    return count > limit
