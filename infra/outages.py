"""A service that is down answers readers a plain 503 with Retry-After, never a 500.

(The cache, too, where a caller lets its error through.)

The database gone or silent (django.db's OperationalError or InterfaceError, bounded by
infra.dbwatch and the connection settings): "back in a moment". Media storage that does not
answer (botocore's errors) when something is uploaded: the upload is refused with a message and
the transaction that would have kept it is rolled back. Pages served from the page cache never
reach this far, so readers keep getting them while the database is away.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from . import dbwatch

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)

try:
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    STORAGE_ERRORS = (BotoCoreError, ClientError, Boto3Error)
except ImportError:  # pragma: no cover (boto is installed with django-storages[s3])
    STORAGE_ERRORS = ()

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    # Callers treat the cache as optional; one that does not (an error escaping to here) must
    # still not become a 500. CacheUnavailable (infra.cachebreaker) is a ConnectionError.
    CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover (redis is a dependency)
    CACHE_ERRORS = ()

DATABASE_DOWN = "The site cannot reach its database right now. Nothing you sent was saved."
CACHE_DOWN = "A part of the site is not answering right now, so this was not saved."
STORAGE_DOWN = (
    "The media storage is not answering, so the file could not be stored. "
    "Nothing was saved: please send it again in a moment."
)


def retry_after():
    return int(getattr(settings, "OUTAGE_RETRY_AFTER", 30))


def unavailable(reason):
    """A 503 page that needs no database, cache or storage to render."""
    seconds = retry_after()
    # No request: no context processor runs, so nothing here reaches for the database.
    page = render_to_string("503.html", {"reason": reason, "retry_after": seconds})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with dbwatch.watching():
            return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning(
                "Database outage: %s %s answered 503 (%s)", request.method, request.path, exception
            )
            return unavailable(DATABASE_DOWN)
        if CACHE_ERRORS and isinstance(exception, CACHE_ERRORS):
            logger.warning(
                "Cache outage: %s %s answered 503 (%s)", request.method, request.path, exception
            )
            return unavailable(CACHE_DOWN)
        if STORAGE_ERRORS and isinstance(exception, STORAGE_ERRORS):
            logger.warning(
                "Storage outage: %s %s answered 503 (%s)", request.method, request.path, exception
            )
            return unavailable(STORAGE_DOWN)
        return None
