"""Nothing outside stalls the site: Redis, PostgreSQL and S3 that hang, refuse or cut
connections, put between the site and the real server by tests/faultproxy.py.

The bounds here are generous (a slow machine must not flake); the exact figures are measured by
`manage.py bench_faults` and listed in the README.
"""

import contextlib
import io
import os
import secrets
import time
import uuid

import boto3
import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from PIL import Image as PILImage

from comments.benchmarks import form_fields
from comments.models import Like
from infra.cachebreaker import BreakerRedisCache, CacheUnavailable
from tests.comment_helpers import POST_URL, comment_data
from tests.factories import make_post
from tests.faultproxy import FaultProxy
from tests.smtp_servers import free_port

REDIS = ("127.0.0.1", 6379)
PAGE_BOUND = 5.0  # seconds: what a reader may wait at most while something hangs
HEALTH_BOUND = 1.5  # /healthz promises one second; a little room for a busy machine
BUCKET = "atoz-faults"


def redis_answers():
    try:
        import redis

        return redis.Redis(*REDIS, socket_timeout=1).ping()
    except Exception:  # noqa: BLE001 (any failure means: no Redis here)
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="Redis does not answer on :6379")


def timed(call, *args, **kwargs):
    start = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - start


def jpeg():
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 450), (20, 60, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


# --- In this process: the breaker, the outage answers, /healthz ------------------------------


@pytest.fixture
def redis_proxy():
    with FaultProxy(*REDIS) as proxy:
        yield proxy


def breaker_cache(proxy, **options):
    return BreakerRedisCache(
        f"redis://{proxy.address}/15",
        {
            "KEY_PREFIX": f"faults-{secrets.token_hex(4)}",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "breaker_failures": 3,
                "breaker_window": 10,
                **options,
            },
        },
    )


@needs_redis
@pytest.mark.parametrize("fault", ["hang", "refuse", "cut"])
def test_the_breaker_stops_asking_a_failing_redis_and_tries_again_by_itself(redis_proxy, fault):
    cache = breaker_cache(redis_proxy, breaker_open=1.0)
    cache.set("film", "Grizzly Man")
    getattr(redis_proxy, fault)()
    for _ in range(3):
        with pytest.raises(Exception) as failure:  # noqa: B017 (redis' own errors)
            cache.get("film")
        assert not isinstance(failure.value, CacheUnavailable)
    # Open: no call reaches the network any more, each fails at once.
    for _ in range(20):
        with pytest.raises(CacheUnavailable):
            cache.get("film")
    assert cache.breaker.is_open
    redis_proxy.pass_()
    deadline = time.monotonic() + 10
    while True:
        try:
            assert cache.get("film") == "Grizzly Man"
            break
        except CacheUnavailable:
            assert time.monotonic() < deadline, "the breaker never tried Redis again"
            time.sleep(0.1)
    assert not cache.breaker.is_open


@needs_redis
def test_a_redis_that_hangs_costs_each_call_its_socket_timeout_until_the_breaker_opens(
    redis_proxy,
):
    cache = breaker_cache(redis_proxy, breaker_open=30.0)
    cache.set("film", "Grizzly Man")
    redis_proxy.hang()
    waits = []
    for _ in range(10):
        start = time.monotonic()
        with contextlib.suppress(Exception):  # each call fails: the time is what is measured
            cache.get("film")
        waits.append(time.monotonic() - start)
    assert all(wait < 2.0 for wait in waits[:3]), waits  # 0.5 s each, give or take
    assert sum(waits[3:]) < 0.1, waits  # open: nothing waits


@needs_redis
def test_a_trial_call_that_redis_answers_with_an_error_closes_the_breaker(redis_proxy):
    cache = breaker_cache(redis_proxy, breaker_open=0.2)
    redis_proxy.refuse()
    for _ in range(3):
        with pytest.raises(Exception):  # noqa: B017 (redis' own error)
            cache.get("film")
    assert cache.breaker.is_open
    redis_proxy.pass_()
    time.sleep(0.3)
    with pytest.raises(ValueError):  # Redis answered: the key is not there to increment
        cache.incr("no-such-counter")
    assert not cache.breaker.is_open
    assert cache.get("film", "none") == "none"


@needs_redis
def test_writes_lost_while_redis_was_away_are_made_good_once_it_answers(redis_proxy, monkeypatch):
    from infra import cachebreaker

    calls = []
    monkeypatch.setattr(cachebreaker, "_lost_write_hooks", [lambda: calls.append(1)])
    cache = breaker_cache(redis_proxy, breaker_open=0.2)
    cache.set("version", 1)
    cache.get("version")
    assert calls == []  # nothing was lost
    redis_proxy.refuse()
    with pytest.raises(Exception):  # noqa: B017 (redis' own error)
        cache.set("version", 2)
    redis_proxy.pass_()
    assert cache.get("version") == 1  # the write never arrived: what Redis holds is stale
    assert calls == [1]
    cache.get("version")
    assert calls == [1]  # once


@pytest.mark.django_db
def test_a_comment_that_meets_a_database_outage_comes_back_with_its_text(client, monkeypatch):
    from comments.spam import pipeline

    monkeypatch.setattr(pipeline, "decide", lambda *args: pipeline.Decision())
    post = make_post("Grizzly Man")
    text = "The bear footage stays with you for days."
    data = comment_data(post, comment=text, name="Ana Lima", url="https://ana.example")

    def database_locked(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_locked):
        response = client.post(POST_URL, data)
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    page = response.content.decode()
    assert "We could not save this, please try again" in page
    assert text in page and 'value="Ana Lima"' in page and "https://ana.example" in page
    assert not XtdComment.objects.exists()
    # The same form, sent again once the database is back, is posted.
    again = client.post(
        POST_URL,
        {
            **form_fields(page),
            "comment": text,
            "name": "Ana Lima",
            "email": data["email"],
            "url": data["url"],
        },
    )
    assert again.status_code == 302
    assert XtdComment.objects.get().comment == text


@needs_redis
@pytest.mark.django_db
def test_a_like_that_meets_a_cache_outage_counts_and_never_fails(client, settings, redis_proxy):
    from tests.test_likes import JSON, like_post_url

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "infra.cachebreaker.BreakerRedisCache",
            "LOCATION": f"redis://{redis_proxy.address}/15",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    post = make_post("Grizzly Man")
    redis_proxy.refuse()
    # The like limit is counted in the cache; a cache that cannot count lets the like through.
    response = client.post(like_post_url(post), **JSON)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert Like.objects.filter(post=post).count() == 1


@needs_redis
@pytest.mark.django_db
def test_with_the_cache_refusing_middlewares_that_ask_it_do_not_fail(client, settings, redis_proxy):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "infra.cachebreaker.BreakerRedisCache",
            "LOCATION": f"redis://{redis_proxy.address}/15",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    make_post("Grizzly Man")
    redis_proxy.refuse()
    # The old-addresses redirects ask a cached flag on "/?…" and on every 404.
    assert client.get("/?utm_source=newsletter").status_code == 200
    assert client.get("/no-such-page/").status_code == 404


@pytest.mark.django_db
def test_with_the_database_away_middlewares_that_ask_it_do_not_fail(client):
    def database_gone(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(database_gone):
        for path in ("/?p=12", "/2011/01/01/an-old-address/"):
            response = client.get(path)
            assert response.status_code == 503, path


@pytest.mark.django_db
def test_a_page_that_meets_a_database_outage_is_a_plain_503(client):
    post = make_post("Grizzly Man")

    def database_gone(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(database_gone):
        response = client.get(post.get_absolute_url() + "?uncached")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Back in a moment" in response.content.decode()


@pytest.fixture
def s3_behind_proxy(settings):
    """A real S3 server (moto) reached through the proxy, as the settings configure it."""
    from botocore.config import Config
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    credentials = {"aws_access_key_id": "faults", "aws_secret_access_key": "faults"}
    boto3.client(
        "s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", **credentials
    ).create_bucket(Bucket=BUCKET)
    with FaultProxy("127.0.0.1", port) as proxy:
        storage = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": f"http://{proxy.address}",
                "region_name": "us-east-1",
                "access_key": "faults",
                "secret_key": "faults",
                "querystring_auth": False,
                "file_overwrite": False,
                # The defaults of config/settings.py.
                "client_config": Config(
                    s3={"addressing_style": "path"},
                    connect_timeout=2.0,
                    read_timeout=2.0,
                    retries={"total_max_attempts": 2, "mode": "standard"},
                ),
            },
        }
        settings.STORAGES = {**settings.STORAGES, "default": storage}
        settings.MEDIA_URL = f"http://{proxy.address}/{BUCKET}/"
        yield proxy
    server.stop()


@pytest.mark.django_db
def test_healthz_names_a_hanging_storage_within_a_second_and_pages_are_served(
    client, s3_behind_proxy, demo
):
    response, seconds = timed(client.get, "/healthz")
    assert response.status_code == 200, response.json()
    s3_behind_proxy.hang()
    for _ in range(3):  # the check stuck from the request before is not waited for again
        response, seconds = timed(client.get, "/healthz")
        assert response.status_code == 503
        assert response.json()["down"] == ["storage"]
        assert seconds < HEALTH_BOUND
    page, seconds = timed(client.get, demo.get_absolute_url())
    assert page.status_code == 200 and seconds < PAGE_BOUND
    s3_behind_proxy.pass_()
    deadline = time.monotonic() + 30
    while client.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline, "/healthz never saw the storage again"
        time.sleep(0.3)


@pytest.mark.django_db
def test_a_poster_upload_to_a_hanging_storage_is_refused_with_a_message(
    staff_client, s3_behind_proxy
):
    from reviews.models import Documentary

    s3_behind_proxy.hang()
    response, seconds = timed(
        staff_client.post,
        reverse("admin:reviews_documentary_add"),
        {
            "title": "Grizzly Man",
            "slug": "grizzly-man",
            "release_year": 2005,
            "poster": SimpleUploadedFile("grizzly.jpg", jpeg(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 503
    assert "media storage is not answering" in response.content.decode()
    assert seconds < 10
    assert not Documentary.objects.filter(slug="grizzly-man").exists()


@needs_redis
@pytest.mark.django_db
def test_healthz_names_a_hanging_cache_within_a_second(client, settings, redis_proxy):
    location = f"redis://{redis_proxy.address}/15"
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "breaker_open": 60}
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "infra.cachebreaker.BreakerRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"faults-{uuid.uuid4().hex[:8]}",
            "OPTIONS": options,
        },
    }
    assert client.get("/healthz").status_code == 200
    redis_proxy.hang()
    for _ in range(4):
        response, seconds = timed(client.get, "/healthz")
        assert response.status_code == 503
        assert response.json()["down"] == ["cache"]
        assert seconds < HEALTH_BOUND


# --- The site in its own processes (gunicorn) -------------------------------------------------


def fetch(site, path, **kwargs):
    start = time.monotonic()
    response = httpx.get(site.url + path, timeout=30, **kwargs)
    return response, time.monotonic() - start


def send_comment(site, fields, text):
    data = dict(fields, comment=text, name="Fault Reader", email="fault@example.org")
    start = time.monotonic()
    response = httpx.post(site.url + "/comments/post/", data=data, timeout=30)
    return response, time.monotonic() - start


def stored(site, text):
    code = (
        "from django_comments_xtd.models import XtdComment\n"
        f"result = XtdComment.objects.filter(comment={text!r}).count()"
    )
    return site.query(code)


def wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds}s"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def redis_site():
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    from tests.live_site import LiveSite

    with FaultProxy(*REDIS) as proxy:
        site = LiveSite(
            REDIS_URL=f"redis://{proxy.address}/15",
            CACHE_KEY_PREFIX=f"faults-{secrets.token_hex(4)}",
            CACHE_BREAKER_OPEN="1",
        )
        try:
            site.prepare()
            site.serve(workers=2)
            yield site, proxy
        finally:
            site.remove()


@pytest.mark.live
@pytest.mark.parametrize("fault", ["hang", "refuse", "cut"])
def test_with_redis_failing_readers_get_pages_and_comments_are_stored(redis_site, fault):
    site, proxy = redis_site
    proxy.pass_()
    path = site.seed_path()
    fields = form_fields(fetch(site, path)[0].text)
    getattr(proxy, fault)()
    try:
        for n in range(6):
            page, seconds = fetch(site, f"{path}?{fault}-{n}")
            assert page.status_code == 200 and "Ai Weiwei" in page.text
            assert seconds < PAGE_BOUND, f"page {n} took {seconds:.1f}s"
        text = f"Stored while Redis fails ({fault}) {secrets.token_hex(4)}."
        answer, seconds = send_comment(site, fields, text)
        assert answer.status_code == 302, answer.text[:500]
        assert seconds < PAGE_BOUND
        health, seconds = fetch(site, "/healthz")
        assert health.status_code == 503 and health.json()["down"] == ["cache"]
        assert seconds < HEALTH_BOUND
    finally:
        proxy.pass_()
    assert stored(site, text) == 1
    # Back to normal without a restart: the comment shows, /healthz is well again.
    wait_until(lambda: fetch(site, "/healthz")[0].status_code == 200, 30, "/healthz 200")
    wait_until(lambda: text in fetch(site, path)[0].text, 30, "the comment on the page")
    time.sleep(1.5)  # every breaker has closed: pages come from the page cache again
    assert all(text in fetch(site, path)[0].text for _ in range(6))


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


@pytest.mark.django_db
@pytest.mark.skipif(not postgres_url(), reason="PostgreSQL faults need DATABASE_URL=postgres://…")
def test_after_postgres_failed_to_answer_connecting_fails_at_once_for_a_while():
    from infra import dbwatch
    from infra.postgresql.base import DatabaseWrapper

    real = connection.settings_dict
    with FaultProxy(real["HOST"] or "127.0.0.1", int(real["PORT"] or 5432)) as proxy:
        proxy.hang()
        faulty = DatabaseWrapper({**real, "HOST": "127.0.0.1", "PORT": proxy.port}, "faults")
        try:
            start = time.monotonic()
            with pytest.raises(OperationalError):
                faulty.ensure_connection()
            assert time.monotonic() - start < PAGE_BOUND  # connect_timeout
            first = time.monotonic()
            with pytest.raises(OperationalError):
                faulty.ensure_connection()
            assert time.monotonic() - first < 0.1  # the breaker is open: not even tried
            proxy.pass_()
            # After the pause a connect is tried in the background; then requests connect again.
            time.sleep(float(os.environ.get("DATABASE_BREAKER_OPEN") or 3.0))
            with pytest.raises(OperationalError):
                faulty.ensure_connection()  # still refused at once, the trial runs meanwhile
            wait_until(lambda: not dbwatch.breaker().is_open, 10, "the trial connect")
            faulty.ensure_connection()
        finally:
            dbwatch.breaker().succeeded()
            faulty.close()


@pytest.mark.live
@pytest.mark.skipif(
    not postgres_url(),
    reason="PostgreSQL faults need DATABASE_URL=postgres://… (the PostgreSQL leg of .ci/run)",
)
def test_with_postgres_hanging_cached_pages_are_served_and_the_rest_is_503_at_once():
    import urllib.parse

    from tests.live_site import LiveSite

    site = LiveSite()
    try:
        site.prepare()
        server = urllib.parse.urlsplit(site.env["DATABASE_URL"])
        with FaultProxy(server.hostname, server.port or 5432) as proxy:
            site.env["DATABASE_URL"] = server._replace(
                netloc=f"{server.username}@{proxy.address}"
            ).geturl()
            site.serve(workers=2)
            path = site.seed_path()
            for _ in range(4):  # both workers hold a connection, the page is cached
                assert fetch(site, path)[0].headers.get("X-Page-Cache") == "hit"
            fields = form_fields(fetch(site, path)[0].text)
            proxy.hang()
            try:
                page, seconds = fetch(site, path)
                assert page.status_code == 200 and page.headers["X-Page-Cache"] == "hit"
                for n in range(4):
                    other, seconds = fetch(site, f"/documentaries/?n={n}")
                    assert other.status_code == 503, other.text[:300]
                    assert int(other.headers["Retry-After"]) > 0
                    assert seconds < PAGE_BOUND, f"a 503 after {seconds:.1f}s"
                health, seconds = fetch(site, "/healthz")
                assert health.status_code == 503 and "database" in health.json()["down"]
                assert seconds < HEALTH_BOUND
                text = f"Written while the database hangs {secrets.token_hex(4)}."
                answer, seconds = send_comment(site, fields, text)
                assert answer.status_code == 503
                assert "We could not save this" in answer.text and text in answer.text
                assert seconds < PAGE_BOUND
            finally:
                proxy.pass_()
            wait_until(
                lambda: fetch(site, "/documentaries/")[0].status_code == 200, 30, "pages again"
            )
            wait_until(lambda: fetch(site, "/healthz")[0].status_code == 200, 30, "/healthz 200")
            assert stored(site, text) == 0  # nothing half-written

            # A database that refuses (stopped, restarting) or cuts replies: the same answers.
            for fault in ("refuse", "cut"):
                getattr(proxy, fault)()
                try:
                    other, seconds = fetch(site, f"/documentaries/?{fault}")
                    assert other.status_code == 503 and seconds < PAGE_BOUND
                    assert int(other.headers["Retry-After"]) > 0
                finally:
                    proxy.pass_()
                wait_until(
                    lambda: fetch(site, "/documentaries/")[0].status_code == 200, 30, "pages"
                )
    finally:
        site.remove()
