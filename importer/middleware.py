"""Old WordPress addresses answer with a permanent redirect to the imported page.

Only an address that would otherwise be "not found" is looked up (plus `/?p=ID`, which WordPress
answers at the home page), so the table costs nothing on pages that exist, and a site that never
imported asks a cached flag, not the database. A redirect never reveals a draft: the target has
to be visible to everyone.
"""

import re

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri

from .addresses import has_old_addresses
from .models import WordPressItem

# WordPress's query-string addresses: ?p=12, ?page_id=3, ?attachment_id=7, ?cat=4.
QUERY_KINDS = {
    "p": ["post", "page", "attachment"],
    "page_id": ["page"],
    "attachment_id": ["attachment"],
    "cat": ["category"],
}
FEED_SUFFIX_RE = re.compile(r"^(?P<base>/.*?/)?(?:feed|rss2?|atom)/?$")


def site_feed_url():
    for name in ("blog:feed", "blog:post_feed", "blog:latest_feed", "feed"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def public_url(item):
    """The address of the object the item became, when everyone may see it; else None."""
    if item.kind in ("attachment", "file"):
        return item.data.get("url") or None
    target = item.target
    if target is None:
        return None
    manager = type(target)._default_manager
    published = getattr(manager, "published", None)
    if published is not None and not published().filter(pk=target.pk).exists():
        return None
    try:
        get_url = getattr(target, "get_absolute_url", None)
        if get_url is not None:
            return get_url()
        # Tags and categories have archive pages named after their kind.
        if item.kind in ("tag", "category"):
            return reverse(f"blog:{item.kind}", kwargs={"slug": target.slug})
    except NoReverseMatch:
        return None
    return None


def redirect_for_path(path):
    for item in WordPressItem.objects.for_old_path(path)[:3]:
        url = public_url(item)
        if url and url != path:
            return url
    match = FEED_SUFFIX_RE.match(path)
    if match:
        base = match["base"]
        if base is None:
            feed = site_feed_url()
            return feed if feed and feed != path else None
        # A post's or an archive's feed: the page itself is the nearest thing we have.
        return redirect_for_path(base) or _existing_item_url(base)
    return None


def _existing_item_url(path):
    for item in WordPressItem.objects.for_old_path(path)[:3]:
        url = public_url(item)
        if url:
            return url
    return None


def redirect_for_query(query):
    for key, kinds in QUERY_KINDS.items():
        value = query.get(key, "")
        if value.isdigit():
            for item in WordPressItem.objects.for_old_id(kinds, value)[:3]:
                url = public_url(item)
                if url:
                    return url
    return None


def _unless_database_away(lookup, argument):
    """A middleware's error is a 500 for the reader: no redirect while the database is away."""
    try:
        return lookup(argument)
    except DatabaseError:
        return None


class WordPressRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path == "/" and request.GET and has_old_addresses():
            url = _unless_database_away(redirect_for_query, request.GET)
            if url:
                return HttpResponsePermanentRedirect(iri_to_uri(url))
        response = self.get_response(request)
        # No old address holds a NUL, and PostgreSQL refuses one in a query.
        if (
            response.status_code == 404
            and request.method in ("GET", "HEAD")
            and "\x00" not in request.path
            and has_old_addresses()
        ):
            path = request.path if request.path.endswith("/") else request.path + "/"
            url = _unless_database_away(redirect_for_path, request.path) or (
                _unless_database_away(redirect_for_path, path) if path != request.path else None
            )
            if url:
                return HttpResponsePermanentRedirect(iri_to_uri(url))
        return response
