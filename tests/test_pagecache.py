"""Readers without cookies get shared, cached pages that are never stale."""

import datetime
import re
import time

import pytest
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments.forms import CommentForm
from comments.spam import services as spam_services
from comments.spam.models import Moderation
from infra import filecache
from infra import pages as pagecache
from infra.filecache import FileCache
from tests.comment_helpers import POST_URL, add_comment, comment_data
from tests.factories import make_post, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_spam_holds(settings):
    settings.SPAM_FIRST_COMMENT_HOLD = False
    settings.SPAM_MIN_SUBMIT_SECONDS = 0


def read(url, **headers):
    """An anonymous reader with no cookies at all, as a crawler or a first visit is."""
    response = Client().get(url, **headers)
    assert response.status_code == 200, url
    return response


def test_an_anonymous_page_sets_no_cookie_and_may_be_shared(demo):
    first = read(demo.get_absolute_url())
    assert first.cookies == {}
    assert "public" in first["Cache-Control"] and "s-maxage=1" in first["Cache-Control"]
    assert first["X-Page-Cache"] == "miss"
    assert "csrfmiddlewaretoken" not in first.content.decode()
    again = read(demo.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content


def test_a_logged_in_page_is_private_and_never_shared(demo, client):
    client.force_login(make_staff())
    response = client.get(demo.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in response
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_an_unchanged_page_answers_304(demo):
    first = read(demo.get_absolute_url())
    unchanged = Client().get(demo.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304
    add_comment(demo, "Something new.")
    changed = Client().get(demo.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def test_feeds_are_cached_and_answer_conditional_gets(demo):
    feed = reverse("comments:feed")
    first = read(feed)
    assert read(feed)["X-Page-Cache"] == "hit"
    assert Client().get(feed, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_new_comment_shows_on_the_next_anonymous_request(demo):
    read(demo.get_absolute_url())
    read("/")
    response = Client().post(
        POST_URL, comment_data(demo, comment="Posted just now.", name="Zelda Quick")
    )
    assert response.status_code == 302
    assert "Posted just now." in read(demo.get_absolute_url()).content.decode()
    assert "Zelda Quick" in read("/").content.decode()  # the latest comments
    assert "Posted just now." in read(reverse("comments:feed")).content.decode()


def test_approving_editing_and_deleting_a_comment_show_at_once(demo, admin_client):
    url = demo.get_absolute_url()
    held = add_comment(demo, "Waiting for a moderator.", is_public=False)
    moderation = Moderation.objects.create(comment=held, status="pending")
    assert "Waiting for a moderator." not in read(url).content.decode()
    spam_services.apply(moderation, spam_services.APPROVE, None)
    assert "Waiting for a moderator." in read(url).content.decode()

    held.comment = "Changed in the admin."
    held.save()
    assert "Changed in the admin." in read(url).content.decode()

    held.delete()
    assert "Changed in the admin." not in read(url).content.decode()


def test_a_like_shows_on_the_next_anonymous_request(demo):
    url = demo.get_absolute_url()
    before = read(url).content.decode()
    Client().post(reverse("comments:like_post", args=[demo.pk]))
    after = read(url).content.decode()
    assert after != before
    assert "Liked by" in after


def test_edits_of_the_post_its_review_and_documentary_show_at_once(demo):
    url = demo.get_absolute_url()
    # A reader with a cookie skips the page cache but gets the page's kept frame.
    liker = Client(cookies={"reader": "x"})

    def pages():
        return read(url).content.decode(), liker.get(url).content.decode()

    pages()
    demo.title = "A new title for the seed"
    demo.save()
    assert all("A new title for the seed" in page for page in pages())
    review = demo.review
    review.watched_via = "A festival screen"
    review.save()
    assert all("A festival screen" in page for page in pages())
    documentary = review.documentary
    documentary.production_companies.create(name="Brand New Films")
    assert all("Brand New Films" in page for page in pages())


def test_a_scheduled_post_appears_when_its_time_comes():
    soon = timezone.now() + datetime.timedelta(seconds=2)
    make_post("Scheduled to appear", published_at=soon)
    assert "Scheduled to appear" not in read("/").content.decode()
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.2)
    assert "Scheduled to appear" in read("/").content.decode()


def test_a_form_from_a_page_cached_hours_ago_posts_first_time(demo):
    data = comment_data(demo, comment="I kept the tab open all afternoon.")
    stamp = int(time.time()) - 3 * 3600
    form = CommentForm(demo)
    data["timestamp"] = str(stamp)
    data["security_hash"] = form.initial_security_hash(stamp)
    response = Client().post(POST_URL, data)
    assert response.status_code == 302
    assert XtdComment.objects.filter(comment="I kept the tab open all afternoon.").exists()


def test_two_readers_of_one_cached_form_post_two_comments(demo):
    page = read(demo.get_absolute_url()).content.decode()
    assert 'name="form_token"' in page
    shared = comment_data(demo)  # the same form token, as a cached page gives everyone
    first = dict(shared, comment="First reader.", email="one@example.org")
    second = dict(shared, comment="Second reader.", email="two@example.org")
    assert Client().post(POST_URL, first).status_code == 302
    assert Client().post(POST_URL, second).status_code == 302
    assert XtdComment.objects.filter(comment__endswith="reader.").count() == 2


def test_readers_with_our_cookies_get_their_own_page(demo):
    reader = Client()
    reader.post(POST_URL, comment_data(demo, comment="Mine, held.", email="new@example.org"))
    read(demo.get_absolute_url())
    own = reader.get(demo.get_absolute_url())
    assert "X-Page-Cache" not in own
    assert "private" in own["Cache-Control"]


def test_every_process_files_pages_under_the_same_deployment():
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django; django.setup(); from django.conf import settings; print(settings.RELEASE)"
    )
    prints = {
        subprocess.run(  # noqa: S603 (this interpreter)
            [sys.executable, "-c", script],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in range(3)
    }
    assert len(prints) == 1


def form_stamp(page):
    return re.search(r'name="timestamp" value="(\d+)"', page).group(1)


def test_the_blank_form_is_stamped_anew_every_hour(demo, monkeypatch):
    now = time.time()
    first = read(demo.get_absolute_url()).content.decode()
    # A reader with a cookie gets a form rendered for them, never older than the shared one.
    assert form_stamp(
        Client(cookies={"reader": "x"}).get(demo.get_absolute_url()).content.decode()
    ) >= form_stamp(first)
    monkeypatch.setattr(time, "time", lambda: now + pagecache.FORM_STAMP_SECONDS)
    later = read(demo.get_absolute_url()).content.decode()
    assert int(form_stamp(later)) >= int(form_stamp(first)) + pagecache.FORM_STAMP_SECONDS - 1


def test_a_message_shows_once_and_only_to_its_reader(demo):
    url = demo.get_absolute_url()
    reader = Client()
    storage = CookieStorage(RequestFactory().get("/"))
    reader.cookies["messages"] = storage._encode([Message(INFO, "Only for this reader.")])
    with_message = reader.get(url).content.decode()
    assert "Only for this reader." in with_message
    # That page was built whole, with its comment section in place.
    assert 'id="comments-title"' in with_message
    assert "<!--comments-" not in with_message
    assert "Only for this reader." not in read(url).content.decode()
    assert "Only for this reader." not in reader.get(url).content.decode()


def test_the_file_cache_culls_once_a_minute_not_on_every_write(tmp_path, monkeypatch):
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10}})
    clock = [1000.0]
    monkeypatch.setattr(filecache.time, "monotonic", lambda: clock[0])
    for n in range(30):
        cache.set(f"page-{n}", "x" * 100)
    # Past MAX_ENTRIES, but the folder was listed only at the first write.
    assert len(list(tmp_path.glob("*.djcache"))) == 30
    clock[0] += filecache.CULL_EVERY_SECONDS
    cache.set("one-more", "x")
    assert len(list(tmp_path.glob("*.djcache"))) < 30
    assert cache.get("one-more") == "x"
