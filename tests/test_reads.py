"""Reading never writes: a reader's GET changes nothing in the database, and the plumbing that
serves it is the same for every caller (the client's address behind a proxy, cached headers)."""

import re
from collections import deque

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments.demo import load_demo_comments
from comments.models import Like
from tests.comment_helpers import add_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
SKIPPED = ("/admin/", "/accounts/", "/static/", "/media/", "/privacy/personal-data/")


def crawl(client, start="/", limit=250):
    """Every page reachable from `start` by links on this site: {path: status}."""
    seen = {start: None}
    queue = deque([start])
    while queue and len(seen) <= limit:
        path = queue.popleft()
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in re.findall(r'href="(/[^"#]*)', response.content.decode()):
            link = link.replace("&amp;", "&")
            if link not in seen and not link.startswith(SKIPPED):
                seen[link] = None
                queue.append(link)
    return seen


def test_anonymous_reads_of_every_public_page_write_nothing(demo):
    load_demo_comments()
    add_comment(make_post("Another documentary"), "A second thread.")
    writes = []

    def refuse_writes(execute, sql, params, many, context):
        if WRITES.match(sql):
            writes.append(sql)
        return execute(sql, params, many, context)

    client = Client()
    with connection.execute_wrapper(refuse_writes):
        pages = crawl(client)
        # and the pages a reader reaches by query: search, paged threads, a reply form
        for path in ["/search/?q=weiwei", f"{demo.get_absolute_url()}?replytocom=1"]:
            pages[path] = client.get(path).status_code
    assert len(pages) > 30, "the crawl found the site's pages"
    assert all(status in (200, 301, 302, 404) for status in pages.values()), pages
    assert writes == []


def test_two_readers_behind_the_proxy_each_count_their_like(settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.COMMENTS_LIKES_PER_IP = 1
    post = make_post()
    url = reverse("comments:like_post", args=[post.pk])
    proxy = {"REMOTE_ADDR": "127.0.0.1"}  # every request reaches us from the proxy
    Client(**proxy).post(url, HTTP_X_FORWARDED_FOR="198.51.100.1")
    Client(**proxy).post(url, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert Like.objects.filter(post=post).count() == 2
    # and a third from an address that already liked is still held to the limit
    Client(**proxy).post(url, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.2")
    assert Like.objects.filter(post=post).count() == 2


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Content-Type",
)


def test_a_cached_page_carries_the_headers_of_a_fresh_one(demo):
    fresh = Client().get(demo.get_absolute_url())
    cached = Client().get(demo.get_absolute_url())
    assert (fresh["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
    present = [name for name in SECURITY_HEADERS if fresh.has_header(name)]
    assert {"X-Frame-Options", "Content-Security-Policy", "Content-Type"} <= set(present)
    for name in present:
        if name == "Content-Security-Policy":
            # the policy's nonce is new for every response; the rest is the same
            def strip(value):
                return re.sub(r"'nonce-[^']+'", "'nonce'", value)

            assert strip(cached[name]) == strip(fresh[name])
        else:
            assert cached[name] == fresh[name], name
