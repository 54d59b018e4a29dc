"""Measurements for `manage.py bench`: CPU per request read from /proc, comment POSTs, the
front cache through nginx next to nginx serving the same bytes as a file, and freshness."""

import html
import http.cookiejar
import os
import re
import shutil
import statistics
import subprocess  # noqa: S404 (nginx from the system, with an argument list)
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cpu_ms(master_pid):
    """CPU time (user + system) of a gunicorn master and its workers so far, in ms."""
    total = 0
    for pid in [master_pid, *_children(master_pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * TICK_MS


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read().decode()


def cpu_per_request(master_pid, url, requests, before_each=None, headers=None):
    """Mean CPU ms the server spent per GET, one connection, `before_each()` run untimed."""
    spent = 0.0
    for _ in range(requests):
        if before_each is not None:
            before_each()
        start = cpu_ms(master_pid)
        get(url, headers)
        spent += cpu_ms(master_pid) - start
    return spent / requests


def form_fields(page):
    """The hidden fields of the comment form in `page`."""
    form = page[page.index('class="comment-form"') :]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return {key: html.unescape(value) for key, value in fields.items()}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def commenter_browser():
    """An HTTP client that keeps cookies (an older version's CSRF cookie) and stops at
    redirects."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
    )


def post_comment(base, fields, text, ip_suffix="", browser=None):
    data = dict(fields, comment=text, name="Bench Reader", email=f"bench{ip_suffix}@example.org")
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(f"{base}/comments/post/", data=body)  # noqa: S310
    try:
        (browser or commenter_browser()).open(request, timeout=60)
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
        return answer.headers["Location"]
    raise RuntimeError("the comment was not accepted")


def _text(n, i):
    return f"I watched it again after this fine review. ({n}-{i} {time.time_ns()})"


def post_load(master_pid, base, page_url, connections, per_connection):
    """Comments posted by `connections` concurrent commenters from one form (as readers of a
    cached page do): CPU ms per comment, p50, p99."""
    fields = form_fields(get(page_url))
    latencies = []
    lock = threading.Lock()

    def commenter(n):
        for i in range(per_connection):
            start = time.perf_counter()
            post_comment(base, fields, _text(n, i), f"{n}")
            with lock:
                latencies.append(time.perf_counter() - start)

    start_cpu = cpu_ms(master_pid)
    threads = [threading.Thread(target=commenter, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _posting_figures(cpu_ms(master_pid) - start_cpu, latencies)


def post_one_by_one(master_pid, base, page_url, count):
    """One commenter, each comment from a freshly loaded form (any version of the site, CSRF
    cookie included); the CPU of the POSTs alone is counted."""
    spent = 0.0
    latencies = []
    for i in range(count):
        browser = commenter_browser()
        with browser.open(page_url, timeout=30) as response:
            fields = form_fields(response.read().decode())
        cpu_before, start = cpu_ms(master_pid), time.perf_counter()
        post_comment(base, fields, _text(0, i), "solo", browser=browser)
        latencies.append(time.perf_counter() - start)
        spent += cpu_ms(master_pid) - cpu_before
    return _posting_figures(spent, latencies)


def comment_count(page_url):
    """The thread's size as an anonymous reader sees it ("N thoughts on …")."""
    shown = re.search(r"(\d+) thoughts? on", get(page_url))
    return int(shown.group(1)) if shown else 0


def stored_comments(database):
    """Comment rows in the bench's SQLite file, whatever their state."""
    import sqlite3

    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COUNT(*) FROM django_comments").fetchone()[0]


def commenters_at_once(base, page_url, commenters, total, database):
    """`commenters` readers who keep posting (each comment published at once) until `total`
    comments were sent; each POST is timed with the GET of the page it redirects to, with the
    reader's cookies (remembered name and session), as a browser does. Returns the figures,
    with how many comments were accepted and how many of those the thread shows."""
    before, rows_before = comment_count(page_url), stored_comments(database)
    fields = form_fields(get(page_url))
    latencies = []
    failures = []
    lock = threading.Lock()
    sent = iter(range(total))

    def commenter(n):
        browser = commenter_browser()
        while True:
            with lock:
                i = next(sent, None)
            if i is None:
                return
            data = dict(fields, comment=_text(n, i), name=f"Reader {n}", remember="on")
            data["email"] = f"reader{n}@example.org"
            request = urllib.request.Request(  # noqa: S310
                f"{base}/comments/post/", data=urllib.parse.urlencode(data).encode()
            )
            start = time.perf_counter()
            try:
                try:
                    browser.open(request, timeout=120)
                    raise RuntimeError("no redirect")
                except urllib.error.HTTPError as answer:
                    if answer.code != 302:
                        raise
                    location = urllib.parse.urljoin(base, answer.headers["Location"])
                with browser.open(location, timeout=120) as page:
                    page.read()
            except Exception as exc:  # noqa: BLE001 (counted and reported)
                with lock:
                    failures.append(repr(exc))
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=commenter, args=(n,)) for n in range(commenters)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    figures = _posting_figures(0.0, latencies) if latencies else {"p50": 0, "p99": 0, "count": 0}
    shown = comment_count(page_url) - before
    stored = stored_comments(database) - rows_before
    return {
        **figures,
        "accepted": len(latencies),
        "failed": len(failures),
        "stored": stored,
        "shown": shown,
        "lost": len(latencies) - stored,
        "seconds": elapsed,
        "first_failure": failures[0] if failures else "",
    }


def _posting_figures(spent, latencies):
    latencies.sort()
    return {
        "cpu": spent / len(latencies),
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "count": len(latencies),
    }


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    proxy_cache_path {workdir}/cache levels=1:2 keys_zone=atoz_pages:10m max_size=256m
                     inactive=10m use_temp_path=off;
    upstream atoz_app {{ {servers} keepalive 16; }}
    map $http_cookie $atoz_personal {{
        default 0;
        "~*(^|;\\s*)(sessionid|csrftoken|comment_author|reader|messages)=" 1;
    }}
    server {{
        listen 127.0.0.1:{proxy_port};
        location / {{
            proxy_pass http://atoz_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            include {cache_conf};
        }}
    }}
    server {{
        listen 127.0.0.1:{static_port};
        root {workdir}/static;
        location / {{ default_type text/html; try_files /page.html =404; }}
    }}
}}
"""


def nginx_path():
    """Debian's nginx, which lives in /usr/sbin (not on every user's PATH); None when absent."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if os.access(found, os.X_OK) else None


class Nginx:
    """nginx with the shipped micro-cache in front of the app, and the same page as a file."""

    def __init__(self, workdir, app_ports, proxy_port, static_port, page):
        # nginx's workers run as another user when started by root: let them in.
        Path(workdir).chmod(0o755)
        self.workdir = Path(workdir) / "nginx"
        (self.workdir / "static").mkdir(parents=True)
        (self.workdir / "static" / "page.html").write_bytes(page)
        conf = NGINX_CONF.format(
            workdir=self.workdir,
            # One app server, or several as deploy/nginx.conf lists them.
            servers=" ".join(f"server 127.0.0.1:{port};" for port in app_ports),
            proxy_port=proxy_port,
            static_port=static_port,
            cache_conf=settings.BASE_DIR / "deploy" / "nginx-cache.conf",
        )
        (self.workdir / "nginx.conf").write_text(conf)
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603 (nginx from the system)
            [
                nginx_path(),
                "-c",
                str(self.workdir / "nginx.conf"),
                "-p",
                str(self.workdir),
            ],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def freshness(page_url, base, form_url, timeout=10):
    """Seconds from a comment's POST answering to it showing on an anonymous GET of `page_url`."""
    marker = f"Rooftop{time.time_ns()}"
    text = f"The rooftop scene stayed with me all week, thank you for this review. {marker}"
    browser = commenter_browser()
    with browser.open(form_url, timeout=30) as response:
        fields = form_fields(response.read().decode())
    post_comment(base, fields, text, "fresh", browser=browser)
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if marker in get(page_url):
            return time.perf_counter() - start
        time.sleep(0.02)
    return None
