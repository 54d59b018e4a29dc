"""Readers follow the blog by email: double opt-in, the mail, delivery that holds, the admin."""

import datetime
import email
import email.policy
import re

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.models import Post
from comments.privacy import erase_personal_data, export_personal_data
from followers import delivery, services
from followers.forms import new_stamp
from followers.models import Announcement, Delivery, Digest, Follower
from tests.factories import make_documentary, make_post, make_review
from tests.smtp_servers import HangingServer, free_port
from tests.task_helpers import run_tasks

pytestmark = pytest.mark.django_db
FOLLOW_URL = "/follow/"


class _Inbox:
    """An aiosmtpd handler: refuses the recipients named in `answers` with their answer."""

    def __init__(self):
        self.messages = []
        self.answers = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        answer = self.answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        for rcpt in envelope.rcpt_tos:
            self.messages.append(
                (rcpt, email.message_from_bytes(envelope.content, policy=email.policy.default))
            )
        return "250 OK"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def inbox(settings):
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    settings.FOLLOWERS_PER_SECOND = 0
    settings.FOLLOWERS_MIN_SUBMIT_SECONDS = 0
    settings.TASKS_RETRY_DELAYS = [60, 60, 60]
    settings.SITE_URL = "https://reviews.example.org"
    yield handler
    controller.stop()


def to(handler, address):
    return [message for rcpt, message in handler.messages if rcpt == address]


def follow_data(address, **extra):
    return {"email": address, "frequency": "each", "source": "post", "stamp": new_stamp(), **extra}


def confirmed(address, **extra):
    return Follower.objects.create(
        email=address, state="confirmed", confirmed_at=timezone.now(), **extra
    )


def live_review(title="Ai Weiwei: Never Sorry", **extra):
    post = make_post(title, published_at=timezone.now() - datetime.timedelta(minutes=5), **extra)
    documentary = make_documentary("Ai Weiwei: Never Sorry", directors=["Alison Klayman"])
    make_review(post=post, documentary=documentary, rating="4.5")
    return post


def publish_and_deliver():
    services.sweep()
    run_tasks()


def link_in(message, name):
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https://reviews\.example\.org(/follow/{name}/[^/\s]+/)", text).group(1)


# --- Following: double opt-in -----------------------------------------------------------------


def test_the_home_page_has_a_follow_form_without_a_csrf_token(client, demo):
    html = client.get("/").content.decode()
    assert 'action="/follow/"' in html
    assert 'name="stamp"' in html and "csrfmiddlewaretoken" not in html


def test_follow_from_a_cached_page_confirm_from_the_mail_then_get_posts(inbox, demo):
    reader = Client(enforce_csrf_checks=True)
    reader.get("/")
    reader.get("/")  # served from the page cache now
    response = reader.post(FOLLOW_URL, follow_data("Reader@Example.org"))
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    run_tasks()
    (mail,) = to(inbox, "reader@example.org")
    assert "Confirm" in mail["Subject"]
    confirm_path = link_in(mail, "confirm")

    follower = Follower.objects.get(email="reader@example.org")
    assert follower.state == "pending"
    page = reader.get(confirm_path)  # a GET shows a button and changes nothing
    assert page.status_code == 200 and "Yes, follow" in page.content.decode()
    follower.refresh_from_db()
    assert follower.state == "pending"

    # Nobody is mailed a post before confirming.
    live_review("Before confirming")
    publish_and_deliver()
    assert len(to(inbox, "reader@example.org")) == 1

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert reader.post(confirm_path, {"csrfmiddlewaretoken": token.group(1)}).status_code == 200
    follower.refresh_from_db()
    assert follower.state == "confirmed" and follower.confirmed_at
    live_review("After confirming")
    publish_and_deliver()
    assert [m["Subject"] for m in to(inbox, "reader@example.org")][1:] == ["After confirming"]


def test_a_bad_address_keeps_what_was_typed(client):
    response = client.post(FOLLOW_URL, follow_data("not an address"))
    assert response.status_code == 400
    assert 'value="not an address"' in response.content.decode()


def test_a_forged_or_old_stamp_is_refused_and_the_address_kept(client, settings):
    response = client.post(FOLLOW_URL, follow_data("a@example.org", stamp="123:forged"))
    assert response.status_code == 400
    assert 'value="a@example.org"' in response.content.decode()
    assert not Follower.objects.exists()


def test_the_honeypot_mails_nobody(client, settings):
    settings.FOLLOWERS_MIN_SUBMIT_SECONDS = 0
    response = client.post(FOLLOW_URL, follow_data("a@example.org", nickname="bot"))
    assert response.status_code == 200
    assert not Follower.objects.exists() and not DBTaskResult.objects.exists()


def test_nobody_can_mail_bomb_an_address(inbox, settings):
    settings.FOLLOWERS_RATE_LIMIT_PER_IP = 100
    for _ in range(5):
        assert Client().post(FOLLOW_URL, follow_data("victim@example.org")).status_code == 200
    run_tasks()
    assert len(to(inbox, "victim@example.org")) == 1


def test_the_rate_limit_per_address_of_the_client(client, settings):
    settings.FOLLOWERS_MIN_SUBMIT_SECONDS = 0
    settings.FOLLOWERS_RATE_LIMIT_PER_IP = 2
    for n in range(2):
        assert client.post(FOLLOW_URL, follow_data(f"r{n}@example.org")).status_code == 200
    response = client.post(FOLLOW_URL, follow_data("r9@example.org"))
    assert response.status_code == 429
    assert 'value="r9@example.org"' in response.content.decode()


def test_bad_tokens_are_not_found_not_errors(client):
    for name in ("confirm", "manage", "unsubscribe"):
        assert client.get(reverse(f"followers:{name}", args=["nope"])).status_code == 404
        assert client.post(reverse(f"followers:{name}", args=["x" * 300])).status_code == 404


# --- The mail ---------------------------------------------------------------------------------


def test_the_mail_has_both_parts_the_card_and_one_click_unsubscribe(inbox):
    follower = confirmed("fan@example.org")
    post = live_review()
    publish_and_deliver()
    (message,) = to(inbox, "fan@example.org")
    assert message["Subject"] == post.title
    unsubscribe = f"https://reviews.example.org/follow/unsubscribe/{follower.token}/"
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Alison Klayman" in part and "Read more" in part and unsubscribe in part
        assert "★★★★½" in part
    assert "<style" not in html and 'style="' in html  # CSS inlined

    # RFC 8058: the mail client's POST unsubscribes at once, without any token of ours.
    one_click = Client(enforce_csrf_checks=True).post(
        f"/follow/unsubscribe/{follower.token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200
    live_review("The next one")
    publish_and_deliver()
    assert len(to(inbox, "fan@example.org")) == 1


def test_editing_or_republishing_a_post_sends_nothing_more(inbox):
    confirmed("fan@example.org")
    post = live_review()
    publish_and_deliver()
    post.body = "Edited."
    post.save()
    publish_and_deliver()
    Post.objects.filter(pk=post.pk).update(status="draft")
    publish_and_deliver()
    Post.objects.filter(pk=post.pk).update(status="published")
    publish_and_deliver()
    assert len(to(inbox, "fan@example.org")) == 1
    assert Announcement.objects.count() == 1


def test_a_scheduled_post_is_sent_when_it_goes_live_and_old_ones_never(inbox):
    confirmed("fan@example.org")
    make_post("Imported long ago", published_at=timezone.now() - datetime.timedelta(days=400))
    scheduled = make_post("Tomorrow", published_at=timezone.now() + datetime.timedelta(hours=1))
    publish_and_deliver()
    assert to(inbox, "fan@example.org") == []
    Post.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    publish_and_deliver()
    assert [m["Subject"] for m in to(inbox, "fan@example.org")] == ["Tomorrow"]


def test_a_weekly_follower_gets_one_digest(inbox, settings):
    confirmed("weekly@example.org", frequency="weekly")
    confirmed("each@example.org")
    first, second = live_review("First"), live_review("Second")
    publish_and_deliver()
    assert to(inbox, "weekly@example.org") == []
    next_week = timezone.now() + datetime.timedelta(days=7)
    Follower.objects.update(confirmed_at=timezone.now() - datetime.timedelta(days=1))
    services.make_digest(next_week)
    assert services.make_digest(next_week) is None  # once per week
    run_tasks()
    (digest,) = to(inbox, "weekly@example.org")
    text = digest.get_body(("plain",)).get_content()
    assert first.title in text and second.title in text
    assert len(to(inbox, "each@example.org")) == 2
    assert Digest.objects.filter(period_end=services.digest_period_end(next_week)).count() == 1


def test_a_follower_switches_to_the_digest_and_leaves_from_their_page(client):
    follower = confirmed("fan@example.org")
    path = reverse("followers:manage", args=[follower.token])
    assert "fan@example.org" in client.get(path).content.decode()
    client.post(path, {"frequency": "weekly", "save": ""})
    follower.refresh_from_db()
    assert follower.frequency == "weekly"
    client.post(path, {"frequency": "weekly", "unsubscribe": ""})
    follower.refresh_from_db()
    assert follower.state == "unsubscribed"


# --- Delivery that holds ----------------------------------------------------------------------


def test_a_worker_killed_mid_batch_then_restarted_sends_each_mail_once(inbox, settings):
    settings.FOLLOWERS_BATCH_SIZE = 7
    for n in range(30):
        confirmed(f"f{n}@example.org")
    live_review()
    services.sweep()
    run_tasks(limit=1)  # the fan-out: 30 records
    assert Delivery.objects.filter(status="queued").count() == 30
    delivery.send_batch()  # 7 sent
    # The worker dies having claimed one more, before its mail went out.
    in_flight = Delivery.objects.filter(status="queued").order_by("pk").first()
    Delivery.objects.filter(pk=in_flight.pk).update(
        status="sending", claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    DBTaskResult.objects.filter(status="READY").update(status="RUNNING", started_at=timezone.now())

    # Restarted: the stale task and the stale record go back to the queue.
    from infra.tasks import requeue_stale

    requeue_stale(seconds=0)
    services.sweep()
    run_tasks()
    received = sorted(rcpt for rcpt, _ in inbox.messages)
    assert received == sorted(f"f{n}@example.org" for n in range(30))
    assert Delivery.objects.filter(status="sent").count() == 30


def test_hard_bounces_stop_mail_to_an_address(inbox, settings):
    settings.FOLLOWERS_HARD_BOUNCE_LIMIT = 2
    inbox.answers["gone@example.org"] = "550 5.1.1 No such user"
    follower = confirmed("gone@example.org")
    confirmed("fine@example.org")
    for title in ("One", "Two", "Three"):
        live_review(title)
        publish_and_deliver()
    follower.refresh_from_db()
    assert follower.state == "bouncing" and follower.hard_bounces == 2
    assert "No such user" in follower.last_bounce
    assert Delivery.objects.filter(follower=follower).count() == 2  # none for the third post
    assert Delivery.objects.filter(follower=follower, status="failed").count() == 2
    assert len(to(inbox, "fine@example.org")) == 3


def test_a_soft_bounce_is_tried_again_later_and_sent_once(inbox):
    inbox.answers["busy@example.org"] = "451 4.3.0 Try again later"
    confirmed("busy@example.org")
    live_review()
    publish_and_deliver()
    record = Delivery.objects.get()
    assert record.status == "queued" and record.attempts == 1
    assert record.next_attempt_at > timezone.now()
    del inbox.answers["busy@example.org"]
    run_tasks()  # not due yet
    assert to(inbox, "busy@example.org") == []
    Delivery.objects.update(next_attempt_at=timezone.now())
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_tasks()
    services.sweep()
    run_tasks()
    assert len(to(inbox, "busy@example.org")) == 1


def test_a_hanging_server_is_given_up_on_and_retried(inbox, settings):
    confirmed("fan@example.org")
    live_review()
    with HangingServer() as hanging:
        settings.EMAIL_PORT = hanging.port
        publish_and_deliver()
    record = Delivery.objects.get()
    assert record.status == "queued" and record.attempts == 1 and record.error


def test_publishing_returns_at_once_and_the_count_is_in_the_admin(inbox, staff_client):
    for n in range(3):
        confirmed(f"f{n}@example.org")
    live_review()
    services.sweep()
    assert inbox.messages == []  # only tasks were written
    run_tasks()
    page = staff_client.get(reverse("admin:followers_announcement_changelist")).content.decode()
    assert re.search(r'class="field-sent">3<', page)


# --- For the author ---------------------------------------------------------------------------


WPCOM_CSV = (
    "email_address,subscribed,status\n"
    "one@example.org,2019-04-02 10:00:00,active\n"
    "Two@Example.org,2020-01-05,active\n"
)


def upload(client, content, dry_run):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("followers.csv", content.encode(), "text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("admin:followers_import"), data)


def test_csv_import_with_dry_run_then_export(staff_client):
    response = upload(staff_client, WPCOM_CSV, dry_run=True)
    assert response.status_code == 200
    assert "2 new followers would be imported" in response.content.decode()
    assert not Follower.objects.exists()
    response = upload(staff_client, WPCOM_CSV, dry_run=False)
    assert response.status_code == 302
    one = Follower.objects.get(email="one@example.org")
    assert one.state == "confirmed" and one.source == "import"
    assert one.followed_at.date() == datetime.date(2019, 4, 2)
    assert Follower.objects.filter(email="two@example.org").exists()
    exported = staff_client.get(reverse("admin:followers_export")).content.decode()
    assert exported.splitlines()[0].startswith("email,state")
    assert "one@example.org,confirmed,each,import,2019-04-02" in exported


def test_a_bad_line_is_named_and_nothing_is_imported(staff_client):
    content = WPCOM_CSV + "not-an-address,2020-01-01,active\nthree@example.org,someday,active\n"
    response = upload(staff_client, content, dry_run=False)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 4: “not-an-address” is not an email address." in page
    assert "Line 5: “someday” is not a date" in page
    assert not Follower.objects.exists()
    response = upload(staff_client, "name\nx\n", dry_run=True)
    assert "no email column" in response.content.decode()


def test_an_unsubscribed_follower_is_not_brought_back_by_an_import(staff_client):
    Follower.objects.create(email="one@example.org", state="unsubscribed")
    upload(staff_client, WPCOM_CSV, dry_run=False)
    assert Follower.objects.get(email="one@example.org").state == "unsubscribed"


def test_send_a_test_to_me(inbox, staff_client):
    post = live_review()
    response = staff_client.post(reverse("admin:followers_test_mail"), {"post": post.pk})
    assert response.status_code == 302
    run_tasks()
    (message,) = to(inbox, "editor@example.com")
    assert message["Subject"] == f"[Test] {post.title}"
    html = message.get_body(("html",)).get_content()
    assert "Alison Klayman" in html
    # Its settings and unsubscribe links open a page that says it was a test; nothing changes.
    links = set(re.findall(r'href="https?://[^/"]+(/follow/[^"]+)"', html))
    assert links
    for link in links:
        for method in (Client().get, Client().post):
            page = method(link)
            assert page.status_code == 200, link
            assert "A link from a test mail" in page.content.decode()
    assert not Follower.objects.exists()


def test_personal_data_export_and_erase_include_the_follow():
    follower = confirmed("fan@example.org")
    assert export_personal_data("Fan@example.org")["follows"]["state"] == "Confirmed"
    result = erase_personal_data("fan@example.org")
    assert result.other == {"follows": 1}
    assert not Follower.objects.filter(pk=follower.pk).exists()


def test_the_privacy_page_mentions_follows(client):
    assert "follow" in client.get(reverse("comments:privacy")).content.decode().lower()


def test_the_admin_index_counts_confirmed_followers(staff_client):
    confirmed("a@example.org")
    confirmed("b@example.org")
    Follower.objects.create(email="c@example.org")
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "2 followers by email" in page
    listing = staff_client.get(reverse("admin:followers_follower_changelist")).content.decode()
    assert "a@example.org" in listing and "Import CSV" in listing


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "a@example.org", "frequency": "hourly", "source": "post"},
        {"email": "a@example.org", "frequency": "each", "source": "nowhere"},
        {"email": "a\x00@example.org", "frequency": "each", "source": "post"},
        {"email": "a@example.org" * 40, "frequency": "each", "source": "post"},
    ],
)
def test_odd_follow_requests_get_a_form_back_not_an_error(client, data):
    response = client.post(FOLLOW_URL, {"stamp": new_stamp(), **data})
    assert response.status_code == 400
    assert 'action="/follow/"' in response.content.decode()
    assert not Follower.objects.exists()


def test_reading_the_follow_address_or_a_settings_page_writes_nothing(client):
    follower = Follower.objects.create(email="fan@example.org")
    assert client.get(FOLLOW_URL).status_code == 405
    bad = client.post(reverse("followers:manage", args=[follower.token]), {"frequency": "x"})
    assert bad.status_code == 400
    follower.refresh_from_db()
    assert follower.state == "pending" and follower.frequency == "each"


def test_the_announcement_list_counts_in_a_fixed_number_of_queries(staff_client):
    from tests.queries import count_queries

    url = reverse("admin:followers_announcement_changelist")
    follower = confirmed("fan@example.org")

    def announce(count):
        for _ in range(count):
            announcement = Announcement.objects.create(post=make_post())
            Delivery.objects.create(follower=follower, announcement=announcement, status="sent")

    announce(1)
    one = count_queries(staff_client, url)
    announce(30)
    assert count_queries(staff_client, url) == one


def test_the_box_beside_the_comment_form_is_its_own_form():
    from django.template import Context, Template

    html = Template('{% load follow_tags %}{% follow_form "comment" %}').render(Context())
    assert "Notify me of new posts by email" in html
    assert 'action="/follow/"' in html and 'value="comment"' in html
    assert "csrfmiddlewaretoken" not in html
