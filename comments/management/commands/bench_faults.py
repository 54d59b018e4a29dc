"""Commenters and readers under load while Redis (and PostgreSQL, when DATABASE_URL names one)
hangs for a while and then comes back: what readers and commenters saw, and whether any comment
was lost.

The site runs as in production (gunicorn, DEBUG off, its own database and folder, see
tests/live_site.py); tests/faultproxy.py stands between it and the real Redis or PostgreSQL.
Run from a checkout: `make bench-faults`.
"""

import os
import secrets
import statistics
import threading
import time
import urllib.parse

import httpx
from django.core.management.base import BaseCommand, CommandError

from comments.benchmarks import form_fields

KEPT = "We could not save this"


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ms(value):
    return "-" if value is None else f"{value * 1000:.0f}"


class Load:
    """Commenters posting the real form and readers reading, each a thread, until stopped."""

    def __init__(self, base, path, marker, commenters, readers, pause):
        self.base, self.path, self.marker = base, path, marker
        self.commenters, self.readers, self.pause = commenters, readers, pause
        self.results = []  # (kind, start, seconds, status, text)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []

    def start(self):
        with httpx.Client(timeout=60) as client:
            self.fields = form_fields(client.get(self.base + self.path).text)
        for n in range(self.commenters):
            self._threads.append(threading.Thread(target=self._commenter, args=(n,)))
        for n in range(self.readers):
            self._threads.append(threading.Thread(target=self._reader, args=(n,)))
        for thread in self._threads:
            thread.start()

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _record(self, kind, start, status, text=""):
        with self._lock:
            self.results.append((kind, start, time.monotonic() - start, status, text))

    def _commenter(self, n):
        with httpx.Client(timeout=60) as client:
            i = 0
            while not self._stop.is_set():
                text = f"Seen during the outage drill, {self.marker} {n}-{i}."
                data = dict(
                    self.fields, comment=text, name=f"Drill {n}", email=f"drill{n}@example.org"
                )
                start = time.monotonic()
                try:
                    answer = client.post(self.base + "/comments/post/", data=data)
                    status = answer.status_code
                    if status == 503 and KEPT in answer.text and text in answer.text:
                        status = "503-kept"
                except httpx.HTTPError:
                    status = "error"
                self._record("post", start, status, text)
                i += 1
                self._stop.wait(self.pause)

    def _reader(self, n):
        with httpx.Client(timeout=60) as client:
            i = 0
            while not self._stop.is_set():
                # Every other read is one the page cache has never seen: a fresh render.
                path = self.path if i % 2 else f"{self.path}?reader={n}-{i}"
                start = time.monotonic()
                try:
                    status = client.get(self.base + path).status_code
                except httpx.HTTPError:
                    status = "error"
                self._record("read", start, status)
                i += 1
                self._stop.wait(self.pause / 2)


class Command(BaseCommand):
    help = "Comments and reads while Redis (and PostgreSQL) hang for a while: lost, 5xx, p50/p99."

    def add_arguments(self, parser):
        parser.add_argument("--services", default="", help="redis,postgres (default: both)")
        parser.add_argument("--fault-seconds", type=float, default=10.0)
        parser.add_argument("--warmup", type=float, default=15.0, help="seconds not counted")
        parser.add_argument("--before", type=float, default=10.0)
        parser.add_argument("--after", type=float, default=20.0)
        parser.add_argument("--commenters", type=int, default=8)
        parser.add_argument("--readers", type=int, default=4)
        parser.add_argument("--pause", type=float, default=0.2, help="seconds between posts")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, **options):
        try:
            from tests.faultproxy import FaultProxy
            from tests.live_site import LiveSite
        except ImportError as exc:
            raise CommandError(f"Run this from a checkout with the test support: {exc}") from exc
        wanted = [name for name in options["services"].split(",") if name]
        postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
        services = wanted or (["redis", "postgres"] if postgres else ["redis"])
        if "postgres" in services and not postgres:
            raise CommandError("The PostgreSQL drill needs DATABASE_URL=postgres://…")
        redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
        redis = urllib.parse.urlsplit(redis_url)
        for service in services:
            with FaultProxy(redis.hostname, redis.port or 6379) as redis_proxy:
                site = LiveSite(
                    REDIS_URL=redis._replace(netloc=redis_proxy.address).geturl(),
                    CACHE_KEY_PREFIX=f"drill-{secrets.token_hex(4)}",
                )
                try:
                    site.prepare()
                    if service == "postgres":
                        server = urllib.parse.urlsplit(site.env["DATABASE_URL"])
                        with FaultProxy(server.hostname, server.port or 5432) as pg_proxy:
                            site.env["DATABASE_URL"] = server._replace(
                                netloc=f"{server.username}@{pg_proxy.address}"
                            ).geturl()
                            self.drill(site, pg_proxy, "PostgreSQL", options)
                    else:
                        self.drill(site, redis_proxy, "Redis", options)
                finally:
                    site.remove()

    def drill(self, site, proxy, name, options):
        site.serve(workers=options["workers"])
        marker = secrets.token_hex(6)
        load = Load(
            site.url,
            site.seed_path(),
            marker,
            options["commenters"],
            options["readers"],
            options["pause"],
        )
        self.stdout.write(
            f"== {name} hangs for {options['fault_seconds']:g}s under {options['commenters']} "
            f"commenters and {options['readers']} readers (gunicorn, {options['workers']} workers)"
        )
        load.start()
        # The first requests of a new site train the spam classifier and fill caches.
        time.sleep(options["warmup"])
        began = time.monotonic()
        time.sleep(options["before"])
        fault_start = time.monotonic()
        proxy.hang()
        time.sleep(options["fault_seconds"])
        proxy.pass_()
        fault_end = time.monotonic()
        time.sleep(options["after"])
        load.stop()
        # What the database holds now, read through the proxy (passing again).
        code = (
            "from django_comments_xtd.models import XtdComment\n"
            f"result = list(XtdComment.objects.filter(comment__contains={marker!r})"
            ".values_list('comment', flat=True))"
        )
        self.report(load.results, set(site.query(code)), began, fault_start, fault_end)

    def report(self, results, stored, began, fault_start, fault_end):
        counted = [r for r in results if r[1] >= began]
        # Comments sent during the warm-up must be stored too: none may be lost.
        warmup_accepted = {r[4] for r in results if r[0] == "post" and r[3] == 302} - {
            r[4] for r in counted
        }
        results = counted
        posts = [r for r in results if r[0] == "post"]
        accepted = {r[4] for r in posts if r[3] == 302}
        kept = [r for r in posts if r[3] == "503-kept"]
        lost = (accepted | warmup_accepted) - stored
        unexpected = stored - accepted - warmup_accepted  # stored, the reader told otherwise
        server_errors = [r for r in results if isinstance(r[3], int) and r[3] >= 500]
        failed = [r for r in results if r[3] == "error"]
        write = self.stdout.write
        write(
            f"comments sent {len(posts)}, accepted {len(accepted)}, "
            f"stored {len(stored & accepted)}, lost {len(lost)}, "
            f"stored but not confirmed {len(unexpected)}"
        )
        write(
            f"POSTs answered 503 with the text kept {len(kept)}; other 5xx {len(server_errors)} "
            f"(500: {sum(1 for r in results if r[3] == 500)}, "
            f"503 reads: {sum(1 for r in results if r[0] == 'read' and r[3] == 503)}); "
            f"connection errors {len(failed)}"
        )
        phases = {
            "before": (began, fault_start),
            "during": (fault_start, fault_end),
            "after": (fault_end, float("inf")),
        }
        write(f"{'':8} {'reads p50/p99 ms':>18} {'POSTs p50/p99 ms':>18} {'reads':>6} {'POSTs':>6}")
        for phase, (start, end) in phases.items():
            reads = [r[2] for r in results if r[0] == "read" and start <= r[1] < end]
            sent = [r[2] for r in posts if start <= r[1] < end]
            write(
                f"{phase:8} {ms(percentile(reads, 0.5)):>8} / {ms(percentile(reads, 0.99)):>7} "
                f"{ms(percentile(sent, 0.5)):>8} / {ms(percentile(sent, 0.99)):>7} "
                f"{len(reads):>6} {len(sent):>6}"
            )
        normal = [r[2] for r in results if r[1] < fault_start and r[3] in (200, 302)]
        slow = max(2 * (percentile(normal, 0.99) or 0.25), 0.5)
        troubled = [
            r[1] + r[2]
            for r in results
            if r[1] >= fault_end - 5 and (r[3] not in (200, 302) or r[2] > slow)
        ]
        back = max(0.0, max(troubled, default=fault_end) - fault_end)
        write(
            f"back to normal {back:.1f}s after the fault ended (every answer 200/302 and "
            f"faster than {slow * 1000:.0f} ms from then on); "
            f"median answer before the fault {statistics.median(normal) * 1000:.0f} ms"
            if normal
            else "no answers before the fault"
        )
