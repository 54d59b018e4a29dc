"""The site as it runs in production, in separate processes: two gunicorn workers sharing the
page cache, the task worker killed halfway through a mail, a backup taken while people comment."""

import threading
import time

import pytest

from tests.live_site import LiveSite
from tests.smtp_servers import HangingServer, WorkingServer

pytestmark = pytest.mark.live


@pytest.fixture
def site():
    live = LiveSite().prepare()
    yield live
    live.remove()


def test_two_workers_share_the_page_cache_and_see_each_change_at_once(site):
    site.serve(workers=2)
    path = site.seed_path()
    answers = [site.get(path)[1].get("X-Page-Cache") for _ in range(12)]
    assert answers == ["hit"] * 12  # rendered once (when it started), then both serve the copy
    fields = site.form_fields()
    for n in range(5):
        text = f"Seen by every worker, number {n}."
        site.post_comment(fields, text)
        # Whichever worker answers next, the comment is there.
        for _ in range(4):
            status, headers, page = site.get(path)
            assert status == 200 and text in page
            assert "Set-Cookie" not in headers


def test_a_worker_killed_during_a_mail_leaves_it_to_the_next_worker(site):
    with HangingServer() as hanging, WorkingServer() as working:
        mail = {"EMAIL_HOST": "127.0.0.1", "EMAIL_USE_TLS": "0", "EMAIL_TIMEOUT": "30"}
        site.env.update(mail, EMAIL_PORT=str(hanging.port))
        site.serve(workers=1)
        site.post_comment(site.form_fields(), "A comment whose mail is interrupted.")
        worker = site.start_worker()
        deadline = time.monotonic() + 60
        while not hanging.connections:  # the worker is in the middle of sending the mail
            assert time.monotonic() < deadline, "the worker never tried to send the mail"
            time.sleep(0.1)
        worker.kill()
        worker.wait()
        running = "from django_tasks_db.models import DBTaskResult\n"
        running += (
            "result = list(DBTaskResult.objects.running().values_list('task_path', flat=True))"
        )
        assert site.query(running) == ["infra.tasks.send_email"]

        site.start_worker(EMAIL_PORT=str(working.port), TASKS_STALE_SECONDS="1")
        deadline = time.monotonic() + 60
        while not working.messages:
            assert time.monotonic() < deadline, "the mail was never sent"
            time.sleep(0.2)
        time.sleep(2)  # time enough for a duplicate to show up
        assert len(working.messages) == 1
        assert b"A comment whose mail is interrupted." in working.messages[0].content


def test_a_backup_taken_while_people_comment_restores_every_answered_comment(site, tmp_path):
    site.serve(workers=2)
    fields = site.form_fields()
    answered = []  # (time the POST was answered, text)
    stop = threading.Event()
    errors = []

    def commenter(n):
        i = 0
        while not stop.is_set():
            text = f"Commenter {n} says thing {i}."
            try:
                site.post_comment(fields, text)
            except Exception as exc:  # noqa: BLE001 (counted, then asserted on)
                errors.append(exc)
                return
            answered.append((time.monotonic(), text))
            i += 1

    threads = [threading.Thread(target=commenter, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 180
    while len(answered) < 40 and not errors:  # the commenters are in full swing
        assert time.monotonic() < deadline, "the comments were not answered"
        time.sleep(0.1)
    began = time.monotonic()
    backup = site.manage("backup", "--to", str(tmp_path)).stdout.strip()
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    before = [text for at, text in answered if at < began]
    assert len(before) >= 20

    restored = LiveSite()
    try:
        restored.manage("migrate", "--noinput")
        restored.manage("restore", backup)
        restored.serve(workers=1)
        status, _headers, page = restored.get(restored.seed_path())
        assert status == 200
        missing = [text for text in before if text not in page]
        assert missing == []
        again = restored.manage("restore", backup, check=False)
        assert again.returncode != 0 and "empty installation" in again.stderr
    finally:
        restored.remove()
