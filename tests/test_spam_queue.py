"""A queue a person can clear: the surest first, "approve and trust this commenter", and a
daily digest mail to the owner when something waits (through the task queue, to a real SMTP
server on 127.0.0.1)."""

import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from django_tasks_db.models import DBTaskResult

from comments.forms import CommentForm
from comments.spam.models import Moderation, TrustedCommenter
from tests.comment_helpers import POST_URL, add_comment
from tests.factories import make_post, make_staff
from tests.smtp_servers import WorkingServer
from tests.task_helpers import run_tasks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_spam_site")]

QUEUE = "admin:spam_moderation_changelist"


def send(
    client, post, text, *, name="Rosemary Quinn", email="rosemary@example.org", url="", age=60
):
    form = CommentForm(post)
    timestamp = int(time.time()) - age
    data = {
        "content_type": form.initial["content_type"],
        "object_pk": form.initial["object_pk"],
        "timestamp": str(timestamp),
        "security_hash": form.initial_security_hash(timestamp),
        "form_token": form.initial["form_token"],
        "reply_to": 0,
        "name": name,
        "email": email,
        "url": url,
        "comment": text,
    }
    assert client.post(POST_URL, data).status_code == 302
    comment = XtdComment.objects.filter(comment=text).latest("pk")
    return comment, Moderation.objects.get(comment=comment)


def waiting(post, scores):
    """Pending comments with these classifier scores."""
    rows = []
    for n, score in enumerate(scores):
        comment = add_comment(post, f"Waiting comment {n}", is_public=False)
        rows.append(Moderation.objects.create(comment=comment, status="pending", score=score))
    return rows


def test_the_queue_lists_the_surest_first(admin_client):
    post = make_post()
    waiting(post, [0.45, None, 0.99, 0.7])
    page = admin_client.get(reverse(QUEUE) + "?status=pending").content.decode()
    rows = page.split('id="result_list"')[1]
    order = [rows.index(f"Waiting comment {n}") for n in (2, 3, 0, 1)]
    assert order == sorted(order)


def test_approve_and_trust_this_commenter_publishes_their_next_comments(client, admin_client):
    post = make_post()
    text = "Good job! My shop: https://cheap-replica-bags.example/shop"
    _, held = send(client, post, text, name="Tess Ray", email="Tess@Example.org")
    assert held.status != Moderation.Status.APPROVED

    admin_client.post(reverse("admin:spam_moderation_decide", args=[held.pk, "trust_commenter"]))
    held.refresh_from_db()
    assert held.status == Moderation.Status.APPROVED
    assert TrustedCommenter.objects.filter(email="tess@example.org").exists()

    again = "Good job again! https://cheap-replica-bags.example/shop"
    comment, moderation = send(client, post, again, name="Tess Ray", email="tess@example.org")
    assert moderation.status == Moderation.Status.APPROVED
    assert moderation.check_name == "trusted"
    assert comment.is_public


def test_the_time_trap_is_a_second_key_for_a_certain_classifier(client, settings):
    settings.SPAM_MIN_SUBMIT_SECONDS = 3
    post = make_post()
    praise = "Great post! Very informative. Visit https://sunny-pages.example/best for the best."
    _, slow = send(client, post, praise, name="Mary Quist", email="m@example.org")
    assert slow.status == Moderation.Status.PENDING  # certain, but nothing else agrees
    assert slow.score >= settings.SPAM_CLASSIFIER_SPAM
    _, fast = send(
        client, post, praise + " Again.", name="Mary Quist", email="n@example.org", age=1
    )
    assert fast.status == Moderation.Status.SPAM
    assert "sent too soon after the form appeared" in fast.reason


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 2
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    with WorkingServer() as server:
        settings.EMAIL_PORT = server.port
        yield server


def test_the_daily_digest_tells_the_owner_what_waits_surest_first(smtp):
    make_staff("owner", email="owner@example.org")
    post = make_post()
    waiting(post, [0.5, 0.97])
    out = io.StringIO()
    call_command("spam_digest", stdout=out)
    assert "Digest of 2 waiting comment(s) queued." in out.getvalue()
    assert smtp.messages == []  # the command only queues; the worker sends

    run_tasks()
    assert smtp.recipients() == ["owner@example.org"]
    mail = smtp.messages[0].content.decode()
    assert "2 comments awaiting moderation" in mail
    assert mail.index("Waiting comment 1") < mail.index("Waiting comment 0")
    assert reverse(QUEUE) in mail


def test_no_digest_when_nothing_waits(smtp):
    make_staff("owner", email="owner@example.org")
    post = make_post()
    comment = add_comment(post, "Published already")
    Moderation.objects.create(comment=comment, status="approved")
    out = io.StringIO()
    call_command("spam_digest", stdout=out)
    assert "no digest" in out.getvalue()
    assert not DBTaskResult.objects.exists()
    run_tasks()
    assert smtp.messages == []
