"""The one rate limiter: counts in Django's default cache, per fixed window."""

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def over_limit(bucket, value, limit, window, *, when_unknown=False):
    """Count one event for `value` in `bucket`; True when it is past `limit` in this window
    of `window` seconds. `value` (an address, an email) is kept only as a digest.

    When the cache cannot count, `when_unknown` is the answer: False where refusing would cost a
    reader (a comment, a like), True where nothing is lost (a report to a log).
    """
    if not limit or not value:
        return False  # no limit set, or nothing to count by
    digest = hashlib.sha256(str(value).lower().encode()).hexdigest()[:32]
    key = f"rate:{bucket}:{digest}:{int(time.time() // window)}"
    try:
        # add() is atomic on every backend; incr() too (Redis INCR, a lock in LocMem).
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            count = 1
    except Exception:  # noqa: BLE001
        logger.warning("Rate limit %s not counted: the cache did not answer", bucket)
        return when_unknown
    return count > limit
