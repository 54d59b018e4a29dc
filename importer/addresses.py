"""Whether this site has old addresses to answer at all, kept in the cache.

A site that never imported has nothing to redirect, so the redirect middleware asks this flag
instead of the database. The importer raises the flag when it records old addresses (at once and
again on commit); nothing lowers it, since a raised flag only costs a lookup.
"""

import contextlib

from django.core.cache import cache
from django.db import DatabaseError, transaction

from .models import WordPressItem

FLAG_KEY = "importer:old-addresses:v1"


def has_old_addresses():
    # Asked by a middleware, where an error is a 500 for the reader: an unreachable cache asks
    # the database, an unreachable database means no redirect for now.
    try:
        flag = cache.get(FLAG_KEY)
    except Exception:  # noqa: BLE001
        flag = None
    if flag is None:
        try:
            flag = WordPressItem.objects.exists()
        except DatabaseError:
            return False
        # add(), not set(): an import that raised the flag meanwhile wins.
        with contextlib.suppress(Exception):
            cache.add(FLAG_KEY, flag, timeout=None)
    return flag


def old_addresses_recorded():
    cache.set(FLAG_KEY, True, timeout=None)
    transaction.on_commit(lambda: cache.set(FLAG_KEY, True, timeout=None))
