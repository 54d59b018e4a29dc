"""Counting the queries of a page as it is built afresh."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def build_afresh(client):
    """Let `client`'s pages skip the page cache: a cookie of ours makes them its own."""
    client.cookies["reader"] = "counting-queries"
    return client


def count_queries(client, url):
    """Queries of `url` built afresh, once what outlives a request (the site's menu, a post's
    cached parts, the per-process content types) has been filled by a first request."""
    build_afresh(client)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)
