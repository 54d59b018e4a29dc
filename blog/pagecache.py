"""Whole pages for readers without cookies, from a cache that is never stale.

Every cached page is filed under the site's content version. Any write to what pages show
(posts, reviews, documentaries, comments, likes, …) moves the version when its transaction
commits, so the next request renders afresh; nothing waits for a timeout. Time-driven changes
move it too: a scheduled post going live, comments closing after COMMENTS_CLOSE_AFTER_DAYS.

The cache ("pages" in CACHES) is shared by every worker: files in DATA_DIR by default, Redis with
REDIS_URL. Requests that carry one of our cookies (a session, a remembered name, a like, a
message) or come from a logged-in reader are rendered for them alone and marked private.
"""

import contextlib
import datetime
import hashlib
import logging
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Min
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags

logger = logging.getLogger(__name__)

VERSION_KEY = "pages:version"
# Moved only by writes to posts and what they show (not by comments or likes): the key of what
# comments do not change, such as a post page's frame (blog.pageshell) and `remembered` values.
POSTS_VERSION_KEY = "pages:posts-version"
# Writes to these apps change threads, not posts.
COMMENT_APPS = {"blog_comments", "django_comments", "django_comments_xtd"}
# A cached page carries a comment form stamped when it was rendered; pages are rendered anew
# every FORM_STAMP_SECONDS so that a form is never older than that when a reader gets it.
FORM_STAMP_SECONDS = 3600
# Headers a cached response keeps.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


def cache():
    return caches["pages"]


def _next_change():
    """When the pages change by the clock alone (a scheduled post, comments closing), or None."""
    from .models import Post

    now = timezone.now()
    published = Post.objects.filter(status=Post.Status.PUBLISHED)
    moments = [published.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"]]
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days:
        since = now - datetime.timedelta(days=days)
        opened = published.filter(allow_comments=True, published_at__gt=since)
        first = opened.aggregate(at=Min("published_at"))["at"]
        moments.append(first + datetime.timedelta(days=days) if first else None)
    moments = [moment for moment in moments if moment is not None]
    return min(moments).timestamp() if moments else None


def bump_posts():
    with contextlib.suppress(Exception):
        cache().set(POSTS_VERSION_KEY, secrets.token_hex(8), timeout=None)


def posts_version():
    try:
        version = cache().get(POSTS_VERSION_KEY)
    except Exception:  # noqa: BLE001 (what it keys is then built every time)
        return secrets.token_hex(8)
    if version is None:
        version = secrets.token_hex(8)
        with contextlib.suppress(Exception):
            cache().add(POSTS_VERSION_KEY, version, timeout=None)
            version = cache().get(POSTS_VERSION_KEY) or version
    return f"{version}-{fingerprint()}"


_MISSING = object()


def remembered(name, compute, timeout=7 * 24 * 3600):
    """`compute()`, kept in the cache until the posts' version moves (None is kept too).

    `timeout` only bounds how long a value nobody asks for any more takes room.
    """
    key = f"remembered:{name}:{posts_version()}"
    try:
        value = cache().get(key, _MISSING)
    except Exception:  # noqa: BLE001 (computed every time while the cache is away)
        return compute()
    if value is _MISSING:
        value = compute()
        with contextlib.suppress(Exception):
            cache().set(key, value, timeout=timeout)
    return value


def bump(schedule=True):
    """A new content version: every page cached so far is out of reach.

    `schedule=False` when no post changed, so when pages change by the clock stays as it was.
    A cache that cannot be reached must not stop the write that called this; it cannot serve
    stale pages either while it is down.
    """
    previous = None
    if not schedule:
        with contextlib.suppress(Exception):
            previous = cache().get(VERSION_KEY)
    next_change = previous[1] if previous else _next_change()
    version = (secrets.token_hex(8), next_change)
    try:
        cache().set(VERSION_KEY, version, timeout=None)
    except Exception:
        logger.warning("The page cache did not take a new version", exc_info=True)
    return version


def bump_threads():
    """A new content version after a write to comments or likes."""
    return bump(schedule=False)


def current_version():
    version = cache().get(VERSION_KEY)
    now = timezone.now().timestamp()
    if version is None or (version[1] is not None and now >= version[1]):
        version = bump()
    return f"{version[0]}-{fingerprint()}"


_fingerprint = None


def _stable_repr(value):
    """repr() that is the same in every process: sets in order, no memory addresses."""
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(_stable_repr(item) for item in value)) + "}"
    if isinstance(value, dict):
        items = (f"{_stable_repr(k)}: {_stable_repr(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_stable_repr(item) for item in value) + "]"
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def fingerprint():
    """This deployment's settings and code: a restart with other ones renders pages anew."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256()
        for name in sorted(dir(settings)):
            if name.isupper():
                digest.update(f"{name}={_stable_repr(getattr(settings, name))}".encode())
        for folder in settings.PAGE_CACHE_CODE_DIRS:
            for path in sorted(Path(folder).rglob("*")):
                if path.suffix in (".py", ".html", ".txt", ".xml"):
                    digest.update(f"{path}:{path.stat().st_mtime_ns}".encode())
        _fingerprint = digest.hexdigest()[:12]
    return _fingerprint


@receiver(setting_changed)
def _settings_changed(**kwargs):
    global _fingerprint
    _fingerprint = None


def changed(posts=True):
    """Something pages show was written: move the version now and when the transaction commits.

    The second move is what makes it exact: a page rendered from the old rows between the two
    is filed under a version nobody asks for any more. `posts=False` for comments and likes,
    which leave what is kept under the posts' version as it is.
    """
    moves = [bump_posts, bump] if posts else [bump_threads]
    connection = transaction.get_connection()
    for move in moves:
        move()
        # Once per transaction is enough; a rollback clears this list with the callback.
        if connection.in_atomic_block and not any(
            func is move for _sids, func, _robust in connection.run_on_commit
        ):
            transaction.on_commit(move)


def on_model_change(sender, **kwargs):
    """post_save, post_delete and m2m_changed of every model in PAGE_CACHE_APPS."""
    if kwargs.get("raw"):
        return
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a login changes nothing a page shows
    label = sender._meta.app_label
    if label in settings.PAGE_CACHE_APPS:
        changed(posts=label not in COMMENT_APPS)


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


def page_key(request, version):
    stamp = int(time.time() // FORM_STAMP_SECONDS)
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{version}:{stamp}:{digest}"


def mark_shared(response):
    patch_cache_control(response, public=True, max_age=0, s_maxage=1, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])


def stored(response):
    etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
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
        for name, value in entry["headers"].items():
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
            version = current_version()
            key = page_key(request, version)
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
            cache().set(key, entry, timeout=FORM_STAMP_SECONDS * 2)
        response = from_stored(request, entry)
        response["X-Page-Cache"] = "miss"
        return response
