"""`manage.py bench_followers`: a post to N followers, delivered by the real task worker (its
own process, its own SQLite database in a temporary folder, DEBUG off) to a mail server on
127.0.0.1, with the worker killed (SIGKILL) in the middle and started again."""

import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings

SETUP = """
import json, time
from django.contrib.auth import get_user_model
from django.utils import timezone
from blog.models import Post
from followers import services
from followers.models import Follower

n = {followers}
now = timezone.now()
Follower.objects.bulk_create(
    [Follower(email=f"reader{{i}}@example.org", state="confirmed", confirmed_at=now)
     for i in range(n)],
    batch_size=2000,
)
author = get_user_model().objects.create_user("bench-author")
post = Post.objects.create(title="A review for everyone", body="Watch it.", author=author,
                           status="published", published_at=now)
started = time.perf_counter()
announcement = services.announce(post)
enqueue = time.perf_counter() - started
started = time.perf_counter()
made = services.fan_out(announcement=announcement)
fan_out = time.perf_counter() - started
print(json.dumps({{"enqueue": enqueue, "fan_out": fan_out, "records": made}}))
"""


class _Counting:
    def __init__(self):
        self.recipients = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"

    @property
    def total(self):
        with self.lock:
            return sum(self.recipients.values())


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _peak_rss_kib(pid):
    """The process's peak resident memory so far (VmHWM), in KiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Bench:
    def __init__(self, followers, kill_at, rate, batch, out):
        self.followers = followers
        self.kill_at = kill_at
        self.out = out
        self.folder = Path(tempfile.mkdtemp(prefix="bench-followers-"))
        self.handler = _Counting()
        self.smtp = Controller(self.handler, hostname="127.0.0.1", port=_free_port())
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
            "DJANGO_ENV_FILE": "",
            "DJANGO_DATA_DIR": str(self.folder),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "ERROR",
            "EMAIL_USE_TLS": "0",
            "FOLLOWERS_PER_SECOND": str(rate),
            "FOLLOWERS_BATCH_SIZE": str(batch),
            # A killed worker's task and its one mail in flight come back after 2 seconds.
            "TASKS_STALE_SECONDS": "2",
            "FOLLOWERS_SENDING_STALE_SECONDS": "2",
        }

    def manage(self, *arguments):
        return subprocess.run(  # noqa: S603 (this project's manage.py)
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
            env=self.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )

    def worker(self):
        return subprocess.Popen(  # noqa: S603 (this project's manage.py)
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "run_tasks",
                "--no-reload",
                "-v",
                "0",
                "--interval",
                "0.1",
            ],
            env=self.env,
            cwd=settings.BASE_DIR,
        )

    def sent_records(self):
        with sqlite3.connect(self.folder / "db.sqlite3", timeout=30) as db:
            return db.execute(
                "SELECT COUNT(*) FROM followers_delivery WHERE status = 'sent'"
            ).fetchone()[0]

    def run(self):
        self.smtp.start()
        try:
            return self._run()
        finally:
            self.smtp.stop()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _watch(self, process, until, timeout):
        """Wait until `until()` holds; returns the worker's peak memory seen (KiB)."""
        peak = 0
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline:
            peak = max(peak, _peak_rss_kib(process.pid))
            time.sleep(0.02)
        return max(peak, _peak_rss_kib(process.pid))

    def _run(self):
        self.env["EMAIL_HOST"] = "127.0.0.1"
        self.env["EMAIL_PORT"] = str(self.smtp.port)
        self.out(f"== {self.followers} followers, mail server on 127.0.0.1:{self.smtp.port}")
        self.manage("migrate", "--noinput")
        setup = self.manage("shell", "-c", SETUP.format(followers=self.followers))
        figures = json.loads(setup.stdout.strip().splitlines()[-1])
        self.out(
            f"publish → announcement and its task enqueued: {figures['enqueue'] * 1000:.1f} ms"
        )
        self.out(
            f"fan-out, {figures['records']} delivery records written: {figures['fan_out']:.2f} s"
        )

        started = time.monotonic()
        first = self.worker()
        peak_first = self._watch(first, lambda: self.handler.total >= self.kill_at, 600)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = self.handler.total
        first_elapsed = time.monotonic() - started
        self.out(
            f"worker killed (SIGKILL) after {killed_at} mails in {first_elapsed:.1f} s: "
            f"{killed_at / first_elapsed:.0f} mails/s"
        )

        restarted = time.monotonic()
        second = self.worker()
        peak_second = self._watch(second, lambda: self.sent_records() >= self.followers, 900)
        time.sleep(1)  # anything still on its way arrives
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=10)
        except subprocess.TimeoutExpired:
            second.kill()
        rest = self.handler.total - killed_at
        second_elapsed = time.monotonic() - restarted
        self.out(
            f"restarted worker: {rest} mails in {second_elapsed:.1f} s "
            f"(including {self.env['TASKS_STALE_SECONDS']} s before the killed task is taken up)"
        )
        received = self.handler.recipients
        duplicates = sum(count - 1 for count in received.values() if count > 1)
        expected = {f"reader{i}@example.org" for i in range(self.followers)}
        misses = len(expected - set(received))
        total_elapsed = time.monotonic() - started
        self.out(
            f"delivered {len(received)} of {self.followers} followers overall at "
            f"{self.handler.total / total_elapsed:.0f} mails/s"
        )
        self.out(
            f"worker peak memory (VmHWM): {peak_first / 1024:.0f} MiB before the kill, "
            f"{peak_second / 1024:.0f} MiB after the restart"
        )
        self.out(f"duplicates: {duplicates}, misses: {misses}")
        return {"duplicates": duplicates, "misses": misses}
