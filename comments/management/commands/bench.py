"""Load test of the seed review page, served by gunicorn, with 8 and with 200 comments.

Everything happens in a throwaway SQLite database in a temporary directory: the demo content,
then the demo comments, then generated comments up to the larger count. The load comes from
`wrk` when it is installed, otherwise from a small threaded Python client.
"""

import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments import benchmarks

SEED_PATH = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wrk_seconds(value, unit):
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def run_wrk(url, duration, connections, threads):
    output = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [  # noqa: S607 (wrk from PATH, as installed by the system)
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "30s",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        pct: _wrk_seconds(value, unit)
        for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50": latency["50"],
        "p99": latency["99"],
        "errors": int(errors.group(1)) if errors else 0,
        "tool": "wrk",
    }


def run_python_client(port, path, duration, connections):
    """Closed-loop load like wrk's: each connection sends its next request on the last reply."""
    latencies = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker():
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    begun = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - begun
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(latencies) / elapsed,
        "p50": cuts[49],
        "p99": cuts[98],
        "errors": errors[0],
        "tool": "python",
    }


class Command(BaseCommand):
    help = "Measure requests/s and p50/p99 latency of the seed review with 8 and 200 comments."

    def add_arguments(self, parser):
        parser.add_argument("--counts", default="8,200", help="Comment counts to measure.")
        parser.add_argument("--duration", type=int, default=10, help="Seconds per run.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument(
            "--servers",
            type=int,
            default=1,
            help="Also measure the page through nginx over this many gunicorn servers.",
        )
        parser.add_argument(
            "--tool", choices=["auto", "wrk", "python"], default="auto", help="Load generator."
        )
        parser.add_argument(
            "--commenters",
            type=int,
            default=0,
            help="Instead: this many concurrent commenters post to the seed review, each "
            "comment published at once, until --comments were sent; prints p50/p99 of a POST "
            "with its redirect and how many were lost.",
        )
        parser.add_argument("--comments", type=int, default=1000)
        parser.add_argument(
            "--source",
            default="",
            help="Serve another checkout of this project instead (e.g. an older commit made with "
            "`git worktree add`), to compare it with this one on one machine.",
        )

    def handle(
        self,
        *args,
        counts,
        duration,
        connections,
        workers,
        tool,
        servers,
        source,
        commenters,
        comments,
        **options,
    ):
        base_dir = Path(source).resolve() if source else settings.BASE_DIR
        counts = sorted(int(count) for count in counts.split(","))
        if tool == "auto":
            tool = "wrk" if shutil.which("wrk") else "python"
        if tool == "wrk" and not shutil.which("wrk"):
            raise CommandError("wrk is not installed (apt-get install wrk), try --tool python")

        workdir = tempfile.mkdtemp(prefix="bench-")
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST"}
        }
        env.update(
            DJANGO_DATA_DIR=workdir,
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_HTTPS="0",
            DJANGO_STATIC_MANIFEST="0",
            DJANGO_LOG_LEVEL="ERROR",
            # Every bench comment is published at once, and none is refused for its rate.
            SPAM_FIRST_COMMENT_HOLD="0",
            SPAM_MIN_SUBMIT_SECONDS="0",
            SPAM_RATE_LIMIT_PER_IP="1000000",
            SPAM_RATE_LIMIT_PER_EMAIL="1000000",
            SPAM_DUPLICATE_DAYS="0",
            BENCH_STOCK_XTD="1",
            # Bench comments look alike (the copied-text signal would hold them): the spam
            # filter's own work is measured by `manage.py spam_eval`.
            SPAM_SIGNALS="0",
        )
        manage = [sys.executable, str(base_dir / "manage.py")]

        def step(*arguments):
            subprocess.run(  # noqa: S603 (this project's manage.py)
                [*manage, *arguments], env=env, check=True, capture_output=True
            )

        self.stdout.write(f"Preparing a throwaway SQLite database in {workdir} …")
        step("migrate", "--noinput")
        step("load_demo")
        step("spam_retrain")

        def gunicorn(port):
            return subprocess.Popen(  # noqa: S603 (gunicorn from this virtualenv)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--log-level",
                    "warning",
                ],
                cwd=base_dir,
                env=env,
            )

        port = free_port()
        server = gunicorn(port)
        # More servers on this machine share its database file and page cache folder, as
        # servers on other machines share PostgreSQL and Redis.
        self.more_ports = [free_port() for _ in range(max(servers, 1) - 1)]
        more = [gunicorn(more_port) for more_port in self.more_ports]
        results = []
        parts = []
        try:
            url = f"http://127.0.0.1:{port}{SEED_PATH}"
            if commenters:
                step("load_demo_comments")
                self._wait_for(url)
                self.stdout.write(
                    f"{commenters} commenters post {comments} comments, {workers} workers …"
                )
                load = benchmarks.commenters_at_once(
                    f"http://127.0.0.1:{port}",
                    url,
                    commenters,
                    comments,
                    Path(workdir) / "db.sqlite3",
                )
                self._report_commenters(load, commenters, workers)
                return
            for count in counts:
                if count == 8:
                    step("load_demo_comments")
                else:
                    step("load_demo_comments", "--total", str(count))
                page = self._wait_for(url)
                shown = re.search(r"(\d+) thoughts? on", page)
                if not shown or int(shown.group(1)) != count:
                    raise CommandError(f"Expected {count} comments on the page, found {shown}")
                self.stdout.write(f"{count} comments: {duration}s of load with {tool} …")
                if tool == "wrk":
                    result = run_wrk(url, duration, connections, min(connections, 2))
                else:
                    result = run_python_client(port, SEED_PATH, duration, connections)
                results.append((count, result, len(page.encode())))
                # Caches emptied before each request (a version without them has none): the
                # page cache and the posts' parts; then also the comments' stored markup.
                forget = (
                    None
                    if source
                    else [
                        lambda: step("clear_page_cache", "--content"),
                        lambda: step("clear_page_cache"),
                    ]
                )
                parts.append(
                    self._measure_parts(server.pid, port, url, count, duration, tool, forget)
                )
            self.stdout.write("Comment POSTs …")
            base = f"http://127.0.0.1:{port}"
            posting = [
                ("1, a fresh form each", benchmarks.post_one_by_one(server.pid, base, url, 30))
            ]
            if not source:
                # Readers of one cached page share its form; an older version's forms cannot.
                posting += [
                    (
                        f"{n}, one form",
                        benchmarks.post_load(server.pid, base, url, n, max(40 // n, 5)),
                    )
                    for n in (1, 16)
                ]
        finally:
            for process in (server, *more):
                process.terminate()
                process.wait(timeout=30)
            shutil.rmtree(workdir, ignore_errors=True)
        self._report(results, parts, posting, workers, connections, duration, tool, source)

    def _report_commenters(self, load, commenters, workers):
        self.stdout.write(
            f"\n{commenters} concurrent commenters, {workers} gunicorn workers, "
            f"{os.cpu_count()} CPUs, every comment published at once\n"
            f"  POST + redirect: p50 {load['p50']:.2f} s, p99 {load['p99']:.2f} s "
            f"over {load['accepted']} comments in {load['seconds']:.0f} s\n"
            f"  accepted {load['accepted']}, failed {load['failed']}, stored {load['stored']}, "
            f"published on the page {load['shown']}, lost {load['lost']}"
        )
        if load["first_failure"]:
            self.stdout.write(f"  first failure: {load['first_failure']}")

    def _measure_parts(self, pid, port, url, count, duration, tool, forget):
        """CPU of a fresh render, and the front cache through nginx next to a static file."""
        # A reader with a cookie of ours skips the page cache: the page is built afresh.
        fresh = benchmarks.cpu_per_request(pid, url, 20, headers={"Cookie": "reader=bench"})
        cold = [
            benchmarks.cpu_per_request(pid, url, 10, before_each=each) if forget else fresh
            for each in (forget or [None, None])
        ]
        cached = benchmarks.cpu_per_request(pid, url, 50)
        stock = None
        if forget:  # this checkout also serves the stock django-comments-xtd page (BENCH_STOCK_XTD)
            pk = re.search(r"/comments/likes/post/(\d+)/", benchmarks.get(url)).group(1)
            stock_url = f"http://127.0.0.1:{port}/bench/stock-xtd/{pk}/"
            stock = benchmarks.cpu_per_request(pid, stock_url, 10, headers={"Cookie": "reader=b"})
        page = benchmarks.get(url).encode()
        proxy_port, static_port = free_port(), free_port()
        front = static = None
        fresh_after = None
        if benchmarks.nginx_path() and tool == "wrk":
            with benchmarks.Nginx(tempfile.mkdtemp(), [port], proxy_port, static_port, page):
                proxied = f"http://127.0.0.1:{proxy_port}{SEED_PATH}"
                self._wait_for(proxied)
                front = run_wrk(proxied, duration, 16, 2)
                static = run_wrk(f"http://127.0.0.1:{static_port}{SEED_PATH}", duration, 16, 2)
                base = f"http://127.0.0.1:{port}"
                fresh_after = benchmarks.freshness(proxied, base, url)
        front_many = None
        if front and self.more_ports:
            ports = [port, *self.more_ports]
            proxy_port, static_port = free_port(), free_port()
            with benchmarks.Nginx(tempfile.mkdtemp(), ports, proxy_port, static_port, page):
                proxied = f"http://127.0.0.1:{proxy_port}{SEED_PATH}"
                for each in ports:  # every server has its page cache warm
                    self._wait_for(f"http://127.0.0.1:{each}{SEED_PATH}")
                self._wait_for(proxied)
                front_many = run_wrk(proxied, duration, 16, 2)
        return {
            "count": count,
            "fresh": fresh,
            "cold": cold,
            "cached": cached,
            "stock": stock,
            "front": front,
            "front_many": front_many,
            "static": static,
            "freshness": fresh_after,
        }

    def _report(self, results, parts, posting, workers, connections, duration, tool, source):
        self.stdout.write("")
        self.stdout.write(
            f"Seed review page, gunicorn {workers} sync workers on 127.0.0.1, "
            f"{connections} connections, {duration}s each, load by {tool}:"
        )
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(f"(machine load average {load} on {os.cpu_count()} CPUs)")
        self.stdout.write(f"{'comments':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'KiB':>6}")
        for count, result, size in results:
            self.stdout.write(
                f"{count:>9} {result['rps']:>8.1f} {result['p50'] * 1000:>8.1f} "
                f"{result['p99'] * 1000:>8.1f} {size / 1024:>6.0f}"
                + (f"  ({result['errors']} errors)" if result["errors"] else "")
            )
        self.stdout.write("")
        self.stdout.write("CPU ms per request, one connection (gunicorn master and workers):")
        self.stdout.write(
            "(commenter: a reader with a cookie of ours, the page's kept parts in place; after a"
            " comment: an anonymous page rendered after a write moved the content version;"
            " cold: the posts' version moved too, nothing kept; stock xtd: a post with"
            " django-comments-xtd's render_xtdcomment_tree, nothing cached)"
        )
        self.stdout.write(
            f"{'comments':>9} {'commenter':>10} {'after a comment':>16} {'cold':>8}"
            f" {'page cache hit':>15} {'stock xtd':>10}"
        )
        for part in parts:
            stock = f"{part['stock']:>10.1f}" if part["stock"] else f"{'-':>10}"
            self.stdout.write(
                f"{part['count']:>9} {part['fresh']:>10.1f} {part['cold'][0]:>16.1f}"
                f" {part['cold'][1]:>8.1f} {part['cached']:>15.2f} {stock}"
            )
        for part in parts:
            if part["stock"]:
                after, cold = (value / part["stock"] for value in part["cold"])
                self.stdout.write(
                    f"  {part['count']} comments, against stock xtd: after a comment "
                    f"{after:.2f}, cold {cold:.2f}"
                )
        fronted = [part for part in parts if part["front"]]
        if fronted:
            self.stdout.write("")
            self.stdout.write("Through nginx with deploy/nginx-cache.conf, 16 connections, wrk:")
            self.stdout.write(
                f"{'comments':>9} {'cached req/s':>13} {'static req/s':>13} {'ratio':>6}"
                f" {'new comment shown after':>24}"
            )
            shown_note = "not within 10 s"
            for part in fronted:
                ratio = part["front"]["rps"] / part["static"]["rps"]
                shown = part["freshness"]
                self.stdout.write(
                    f"{part['count']:>9} {part['front']['rps']:>13.0f} "
                    f"{part['static']['rps']:>13.0f} {ratio:>6.2f} "
                    + (f"{shown * 1000:>21.0f} ms" if shown is not None else f"{shown_note:>24}")
                )
        many = [part for part in parts if part.get("front_many")]
        if many:
            servers = 1 + len(self.more_ports)
            self.stdout.write("")
            self.stdout.write("The same cached page through nginx, one app server and more:")
            self.stdout.write(
                f"{'comments':>9} {'1 server req/s':>15} {f'{servers} servers req/s':>17}"
                f" {'p99 ms (1 / ' + str(servers) + ')':>16}"
            )
            for part in many:
                one, several = part["front"], part["front_many"]
                self.stdout.write(
                    f"{part['count']:>9} {one['rps']:>15.0f} {several['rps']:>17.0f} "
                    f"{one['p99'] * 1000:>7.1f} / {several['p99'] * 1000:.1f}"
                )
        self.stdout.write("")
        self.stdout.write("Comment POST (redirect answered), SQLite:")
        self.stdout.write(
            f"{'commenters':>22} {'comments':>9} {'CPU ms each':>12} {'p50 ms':>8} {'p99 ms':>8}"
        )
        for n, result in posting:
            self.stdout.write(
                f"{n:>22} {result['count']:>9} {result['cpu']:>12.1f} "
                f"{result['p50'] * 1000:>8.1f} {result['p99'] * 1000:>8.1f}"
            )

    def _wait_for(self, url, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                    return response.read().decode()
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
