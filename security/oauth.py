"""Where the social login forms end up: the providers added as a Social application in the admin.

Providers with keys in the environment are in the policy from settings already. The admin's
Social applications can change at any time, so their hosts are looked up (once, then cached
until a Social application changes) and added to the page's form-action.
"""

import contextlib

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction

CACHE_KEY = "security:social-app-form-action"
# Dropped when a Social application changes; the timeout only bounds how long another process
# can lag when the cache is each process's own memory (no REDIS_URL).
CACHE_SECONDS = 600


def social_app_hosts():
    try:
        hosts = cache.get(CACHE_KEY)
    except Exception:  # an unreachable cache must not take the page down: ask the database
        hosts = None
    if hosts is None:
        providers = (
            SocialApp.objects.filter(sites__id=settings.SITE_ID)
            .values_list("provider", flat=True)
            .distinct()
        )
        try:
            hosts = sorted(
                {host for p in providers for host in settings.OAUTH_FORM_ACTION_HOSTS.get(p, [])}
            )
        except DatabaseError:
            # The database is away (the page is its 503): the hosts from settings only, and the
            # next page asks again. Runs outside infra.outages, so it must not raise.
            return []
        # An unreachable cache: the next page asks the database again.
        with contextlib.suppress(Exception):
            cache.set(CACHE_KEY, hosts, CACHE_SECONDS)
    return hosts


def forget_social_app_hosts(**kwargs):
    transaction.on_commit(_forget)


def _forget():
    with contextlib.suppress(Exception):  # an unreachable cache holds nothing to forget
        cache.delete(CACHE_KEY)
