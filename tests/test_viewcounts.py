"""Views without tracking: a beacon counts a post's view with no cookie, no stored address or
browser, and leaves out bots, the author and readers who ask not to be counted."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.factories import make_post, make_staff
from tests.task_helpers import run_tasks
from viewcounts import services
from viewcounts.models import DailySalt, DailyViews, Hit

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture
def post(db):
    return make_post("Counted post")


def send(client, path, *, address=None, agent=BROWSER, **headers):
    return client.post(
        reverse("viewcounts:beacon"),
        data=path,
        content_type="text/plain",
        REMOTE_ADDR=address or next(_addresses),
        HTTP_USER_AGENT=agent,
        **headers,
    )


def test_a_view_is_counted_without_a_cookie_or_anything_that_names_the_reader(client, post):
    address = next(_addresses)
    response = send(client, post.get_absolute_url(), address=address)
    assert response.status_code == 204
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    (hit,) = Hit.objects.all()
    assert hit.post == post and hit.day == timezone.localdate()
    stored = " ".join(str(v) for v in Hit.objects.values_list("day", "post", "visitor")[0])
    assert address not in stored and "Firefox" not in stored
    assert len(hit.visitor) == 32


def test_a_form_encoded_beacon_with_a_query_string_counts_too(client, post):
    response = client.post(
        reverse("viewcounts:beacon"),
        {"path": post.get_absolute_url() + "?utm_source=x"},
        REMOTE_ADDR=next(_addresses),
        HTTP_USER_AGENT=BROWSER,
    )
    assert response.status_code == 204
    assert Hit.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
        {"agent": "curl/8.5.0"},
        {"agent": ""},
        {"HTTP_DNT": "1"},
        {"HTTP_SEC_GPC": "1"},
    ],
)
def test_bots_and_readers_who_opt_out_are_not_counted(client, post, headers):
    assert send(client, post.get_absolute_url(), **headers).status_code == 204
    assert not Hit.objects.exists()


def test_the_logged_in_author_is_not_counted(client, post):
    client.force_login(make_staff())
    send(client, post.get_absolute_url())
    assert not Hit.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/", "/about/", "/2099/01/01/nothing/", "not-a-path", "/" + "a" * 5000, "\x00", ""],
)
def test_a_path_that_is_not_a_published_post_is_ignored(client, post, path):
    assert send(client, path).status_code == 204
    assert not Hit.objects.exists()


def test_drafts_and_scheduled_posts_are_not_counted(client, db):
    draft = make_post("Draft", status=Post.Status.DRAFT)
    later = make_post("Later", published_at=timezone.now() + datetime.timedelta(days=3))
    send(client, draft.get_absolute_url())
    send(client, later.get_absolute_url())
    assert not Hit.objects.exists()


def test_a_get_or_a_huge_body_is_refused_or_ignored_never_a_500(client, post):
    url = reverse("viewcounts:beacon")
    assert client.get(url).status_code == 405
    huge = post.get_absolute_url() + "x" * 100_000
    assert send(client, huge).status_code == 204
    assert not Hit.objects.exists()


def test_a_flood_from_one_address_cannot_inflate_a_post(client, post):
    address = next(_addresses)
    for _ in range(services.HITS_PER_MINUTE_PER_ADDRESS + 20):
        assert send(client, post.get_absolute_url(), address=address).status_code == 204
    assert Hit.objects.count() == services.HITS_PER_MINUTE_PER_ADDRESS
    services.roll_up(today=timezone.localdate() + datetime.timedelta(days=1))
    counted = DailyViews.objects.get(post=post)
    assert (counted.views, counted.visitors) == (services.MAX_VIEWS_PER_VISITOR, 1)


def test_a_days_roll_up_equals_the_raw_count_and_forgets_hits_and_salts(client, post):
    other = make_post("Another")
    for n in range(5):
        send(client, post.get_absolute_url(), agent=f"{BROWSER} reader{n}")
    send(client, other.get_absolute_url())
    raw = {p: Hit.objects.filter(post=p).count() for p in (post, other)}
    today = timezone.localdate()

    assert services.roll_up(today=today) == 0  # today is not over: nothing moves
    assert services.roll_up(today=today + datetime.timedelta(days=1)) == 1

    for p, count in raw.items():
        row = DailyViews.objects.get(post=p, day=today)
        assert row.views == row.visitors == count
    assert not Hit.objects.exists()
    assert not DailySalt.objects.exists()


def test_the_same_reader_is_someone_else_tomorrow(db):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    args = ("203.0.113.9", BROWSER, "blog.example")
    assert services.visitor_hash(today, *args) == services.visitor_hash(today, *args)
    assert services.visitor_hash(today, *args) != services.visitor_hash(tomorrow, *args)


def test_counting_is_one_lookup_and_one_insert(client, post):
    send(client, post.get_absolute_url())  # the day's salt is made once
    with CaptureQueriesContext(connection) as queries:
        send(client, post.get_absolute_url())
    assert len(queries) == 2
    assert queries[-1]["sql"].upper().startswith("INSERT")


def test_the_worker_rolls_up_finished_days_in_a_task(client, post):
    send(client, post.get_absolute_url())
    services.enqueue_roll_up()
    assert run_tasks() == 0  # today's hits wait for the day to end
    Hit.objects.update(day=timezone.localdate() - datetime.timedelta(days=1))
    services.enqueue_roll_up()
    assert run_tasks() == 1
    assert DailyViews.objects.get(post=post).views == 1
    assert not Hit.objects.exists()


def test_every_reader_page_carries_the_beacon_and_staff_pages_do_not(client, demo):
    page = client.get(demo.get_absolute_url()).content.decode()
    assert f'data-beacon="{reverse("viewcounts:beacon")}"' in page
    assert "js/viewcount" in page
    client.force_login(make_staff())
    assert "data-beacon" not in client.get(demo.get_absolute_url()).content.decode()
