"""A comment is written whole or not at all, and its mail arrives once, whatever the mail server
does: hang, refuse, or come back."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from django_tasks_db.models import DBTaskResult

from comments.models import CommentDetails
from comments.spam import pipeline
from comments.spam.models import Moderation
from infra.tasks import requeue_stale
from tests.comment_helpers import POST_URL, comment_data
from tests.factories import make_post
from tests.smtp_servers import HangingServer, WorkingServer, free_port
from tests.task_helpers import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp(settings):
    """Point the site at a mail server on 127.0.0.1: `smtp(port)`."""
    settings.TASKS_RETRY_DELAYS = [60, 60, 60, 60]
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    # Comments are published at once here, so that followers have something to hear of.
    settings.SPAM_FIRST_COMMENT_HOLD = False
    settings.SPAM_MIN_SUBMIT_SECONDS = 0

    def point_at(port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port

    return point_at


def make_retries_due():
    """Time passes: every task waiting for its next attempt is due now."""
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )


def post_comment(client, post, **fields):
    response = client.post(POST_URL, comment_data(post, **fields))
    assert response.status_code == 302, response.content.decode()[:500]
    return XtdComment.objects.get(comment=fields["comment"])


def test_a_hanging_then_refusing_mail_server_delays_the_mail_never_the_commenter(client, smtp):
    post = make_post("Man on Wire")
    with HangingServer() as hanging:
        smtp(hanging.port)
        comment = post_comment(client, post, comment="Breathtaking walk.")
        assert hanging.connections == []  # the request never talked to the mail server
        # The comment is whole: its HTML, its moderation record and its mail's task.
        assert CommentDetails.objects.get(comment=comment).body_html
        assert Moderation.objects.get(comment=comment).status == "approved"
        assert DBTaskResult.objects.filter(task_path__endswith="send_email").count() == 1

        run_tasks()  # the author's mail: queued, then the send times out after EMAIL_TIMEOUT
        assert len(hanging.connections) == 1
    assert DBTaskResult.objects.ready().count() == 0  # waiting for its retry, not due yet
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after > timezone.now()

    smtp(free_port())  # nothing listens: connection refused
    make_retries_due()
    run_tasks()
    with WorkingServer(answer="451 4.3.0 Try again later") as busy:
        smtp(busy.port)
        make_retries_due()
        run_tasks()
        assert busy.messages == []
    assert DBTaskResult.objects.filter(status="FAILED").count() == 0

    with WorkingServer() as working:
        smtp(working.port)
        make_retries_due()
        run_tasks()
        make_retries_due()
        run_tasks()
        assert working.recipients() == [post.author.email]
        assert b"Breathtaking walk." in working.messages[0].content
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_a_mail_server_that_refuses_for_good_fails_the_task_visibly(client, smtp):
    post = make_post()
    with WorkingServer(answer="554 5.7.1 Rejected") as rejecting:
        smtp(rejecting.port)
        post_comment(client, post, comment="Hello there.")
        run_tasks()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.task_path.endswith("send_email")
    assert "554" in failed.traceback


def test_followers_hear_once_after_the_server_recovers(client, smtp):
    post = make_post()
    with WorkingServer() as working:
        smtp(working.port)
        post_comment(client, post, comment="I follow this.", email="f@example.org", followup="on")
        run_tasks()
        working.messages.clear()
    with HangingServer() as hanging:
        smtp(hanging.port)
        post_comment(client, post, comment="A second voice.", email="s@example.org")
        run_tasks()
    with WorkingServer() as working:
        smtp(working.port)
        for _ in range(3):
            make_retries_due()
            run_tasks()
        assert sorted(working.recipients()) == sorted([post.author.email, "f@example.org"])


def test_a_failure_inside_the_write_leaves_nothing_and_the_retry_posts_once(
    client, monkeypatch, smtp
):
    post = make_post()
    data = comment_data(post, comment="Written whole or not at all.")

    def dies(comment, decision):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(pipeline, "record", dies)
    with pytest.raises(RuntimeError):
        client.post(POST_URL, data)
    assert not XtdComment.objects.exists()
    assert not CommentDetails.objects.exists()
    assert not DBTaskResult.objects.exists()

    monkeypatch.undo()
    first = client.post(POST_URL, data)
    again = client.post(POST_URL, data)  # the same form once more: finds the comment
    comment = XtdComment.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    assert Moderation.objects.get(comment=comment)
    assert DBTaskResult.objects.filter(task_path__endswith="send_email").count() == 1


def test_a_task_left_running_by_a_dead_worker_runs_again(client, mailoutbox, smtp):
    post = make_post()
    post_comment(client, post, comment="Killed mid-mail.")
    task = DBTaskResult.objects.get(task_path__endswith="send_email")
    task.claim("worker-that-died")
    assert requeue_stale() == 0  # a running task is left alone while it may still be running

    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert requeue_stale() == 1
    run_tasks()
    assert [message.to for message in mailoutbox] == [[post.author.email]]
    run_tasks()
    assert len(mailoutbox) == 1
