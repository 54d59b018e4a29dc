"""One page cache: whole pages for readers without cookies, never stale.

Two versions name what a page shows, each a token in the "pages" cache (files in DATA_DIR by
default, Redis with REDIS_URL, shared by every worker):

- "content": everything a page can show. A page is filed under it, so any write makes every
  cached page unreachable and the next reader gets a fresh render. It also moves by the clock,
  when a scheduled post goes live or comments close (the domain tells when: `set_clock`).
- "posts": everything but comments and likes. Parts of a page that comments do not change (a
  post's article, its head) are kept with Django's `{% cache %}` tag under this version, so the
  render after a new comment costs its comment section only.

A version moves once, when the write's transaction commits: a page rendered from the old rows
meanwhile is filed under the old version, which nobody asks for any more. The services that
write say so with `changing()`; every other write to a watched model (the admin, xtd's own
views, a shell) is heard by `watch()`'s receivers. Keys also carry settings.RELEASE, so a deploy
renders every page anew.
"""

import contextlib
import hashlib
import logging
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags

from .cachebreaker import when_writes_lost

logger = logging.getLogger(__name__)

CONTENT = "content"
POSTS = "posts"
# A cached page carries a comment form stamped when it was rendered; pages are rendered anew
# every FORM_STAMP_SECONDS so that a form is never older than that when a reader gets it.
FORM_STAMP_SECONDS = 3600
# Entries filed under a version left behind are never asked for again: they expire instead of
# filling the cache.
KEEP_SECONDS = 2 * FORM_STAMP_SECONDS
# Headers a response gets again when it is served from the cache, not kept with it.
NOT_KEPT = {"set-cookie", "content-length", "etag", "last-modified", "vary", "cache-control"}

_clock = None  # () -> when pages next change by the clock alone (a timestamp), or None
_local = threading.local()


def cache():
    return caches["pages"]


def set_clock(next_change):
    """The domain's answer to "when do pages change with no write?" (blog.schedule)."""
    global _clock
    _clock = next_change


def _token():
    return secrets.token_hex(8)


def move(*names, clock=True):
    """New versions for `names`: what was cached under the old ones is out of reach.

    A cache that cannot be reached must not stop the write that called this; it cannot serve
    stale pages either while it is down.
    """
    for name in names:
        # Without the clock (no database to ask), the next read of the version asks it.
        when = (_clock() if clock else 0) if _clock and name == CONTENT else None
        value = (_token(), when)
        try:
            cache().set(f"version:{name}", value, timeout=None)
        except Exception:  # noqa: BLE001
            logger.warning("The page cache did not take a new %s version", name, exc_info=True)


def version(name=CONTENT):
    """The current version of `name`, with the release it was rendered by."""
    try:
        value = cache().get(f"version:{name}")
    except Exception:  # noqa: BLE001 (what it keys is then built every time)
        return f"{settings.RELEASE}-{_token()}"
    if value is None or (value[1] is not None and timezone.now().timestamp() >= value[1]):
        move(name)
        with contextlib.suppress(Exception):
            value = cache().get(f"version:{name}")
        if value is None:
            return f"{settings.RELEASE}-{_token()}"
    return f"{settings.RELEASE}-{value[0]}"


def changed(posts=True):
    """What pages show was written: move the versions once the transaction commits."""
    names = (CONTENT, POSTS) if posts else (CONTENT,)
    transaction.on_commit(lambda: move(*names))


@contextlib.contextmanager
def changing(posts=True):
    """A service's write: the versions move once, on commit, however many rows it saves."""
    _local.quiet = getattr(_local, "quiet", 0) + 1
    try:
        yield
    finally:
        _local.quiet -= 1
    changed(posts=posts)


def watch(*models, posts=True):
    """Writes to `models` that no service announced (the admin, xtd, the shell) move the
    versions too; `posts=False` for models that only comment sections show."""

    def heard(sender, **kwargs):
        if kwargs.get("raw") or getattr(_local, "quiet", 0):
            return
        if kwargs.get("update_fields") == frozenset({"last_login"}):
            return  # a login changes nothing a page shows
        changed(posts=posts)

    # The receiver is kept alive by this list: signals hold it weakly.
    _receivers.append(heard)
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(heard, sender=model)
        for field in model._meta.many_to_many:
            m2m_changed.connect(heard, sender=field.remote_field.through)


_receivers = []


def _move_all():
    move(CONTENT, POSTS)


# A write made while Redis was away could not move a version: move them once it is back.
when_writes_lost(_move_all)


@receiver(setting_changed)
def _settings_changed(**kwargs):
    # Tests that change a setting expect pages rendered with it (the clock is asked again
    # by the next version read).
    move(CONTENT, POSTS, clock=False)


# --- Serving --------------------------------------------------------------------------------


def shareable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if any(name in request.COOKIES for name in settings.PAGE_CACHE_COOKIES):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return not request.path.startswith(settings.PAGE_CACHE_SKIP_PATHS)


def shareable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-cache", "no-store"))


def page_key(request):
    stamp = int(time.time() // FORM_STAMP_SECONDS)
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{version(CONTENT)}:{stamp}:{digest}"


def mark_shared(response):
    patch_cache_control(response, public=True, max_age=0, s_maxage=1, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])


def stored(response):
    etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
    headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_KEPT]
    return {
        "content": response.content,
        "headers": headers,
        "etag": etag,
        "last_modified": http_date(time.time()),
    }


def from_stored(request, entry):
    if request.META.get("HTTP_IF_NONE_MATCH") and entry["etag"] in parse_etags(
        request.META["HTTP_IF_NONE_MATCH"]
    ):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = entry["last_modified"]
    mark_shared(response)
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not shareable_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not response.has_header("Cache-Control"):
                # Rendered for this reader: no shared cache may keep it.
                patch_cache_control(response, private=True)
            return response
        try:
            key = page_key(request)
            entry = cache().get(key)
        except Exception:  # noqa: BLE001 (an unreachable cache must not stop readers)
            return self.get_response(request)
        if entry is not None:
            response = from_stored(request, entry)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if not shareable_response(response):
            return response
        entry = stored(response)
        # Served anyway when the cache cannot keep it; the next reader renders again.
        with contextlib.suppress(Exception):
            cache().set(key, entry, timeout=KEEP_SECONDS)
        response = from_stored(request, entry)
        response["X-Page-Cache"] = "miss"
        return response
