"""Counting the queries of a page as it is built afresh."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def build_afresh(client):
    """Let `client`'s pages skip the page cache: a cookie of ours makes them its own."""
    client.cookies["reader"] = "counting-queries"
    return client


def count_queries(client, url):
    build_afresh(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)
