"""A copy of the site running as it does in production: its own database and folder, gunicorn
workers and the task worker as separate processes, driven over HTTP from the tests.

SQLite by default; on the PostgreSQL leg (DATABASE_URL set) a throwaway database per site.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.smtp_servers import free_port

BASE_DIR = Path(settings.BASE_DIR)


def _postgres_url(name):
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path=f"/{name}"))


def _postgres(sql):
    import psycopg

    url = _postgres_url("postgres")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


class LiveSite:
    def __init__(self, **env):
        self.folder = Path(tempfile.mkdtemp(prefix="live-site-"))
        self.database = ""
        base = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "PAGE_CACHE_DIR"}
        }
        self.env = {
            **base,
            "DJANGO_DATA_DIR": str(self.folder),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_HTTPS": "0",
            "DJANGO_STATIC_MANIFEST": "0",
            "DJANGO_LOG_LEVEL": "ERROR",
            "SPAM_FIRST_COMMENT_HOLD": "0",
            "SPAM_MIN_SUBMIT_SECONDS": "0",
            "SPAM_RATE_LIMIT_PER_IP": "100000",
            "SPAM_RATE_LIMIT_PER_EMAIL": "100000",
            "SPAM_CLASSIFIER_HOLD": "1.1",
            "SPAM_CLASSIFIER_SPAM": "1.1",
            **env,
        }
        if os.environ.get("DATABASE_URL"):
            self.database = f"atoz_live_{secrets.token_hex(4)}"
            _postgres(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = _postgres_url(self.database)
        self.processes = []
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *arguments, env=None, check=True):
        return subprocess.run(  # noqa: S603 (this project's manage.py)
            [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
            env={**self.env, **(env or {})},
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )

    def query(self, code):
        """Run `code` (which sets `result`) in a shell of this site; returns `result` as JSON."""
        script = f"import json\n{code}\nprint(json.dumps(result, default=str))"
        return json.loads(self.manage("shell", "-c", script).stdout.strip().splitlines()[-1])

    def prepare(self):
        self.manage("migrate", "--noinput")
        self.manage("load_demo")
        return self

    def serve(self, workers=2):
        self.port = free_port()
        server = subprocess.Popen(  # noqa: S603 (gunicorn from this virtualenv)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=self.env,
        )
        self.processes.append(server)
        self.wait_for(self.seed_path())
        return server

    def start_worker(self, **env):
        worker = subprocess.Popen(  # noqa: S603 (this project's manage.py)
            [sys.executable, str(BASE_DIR / "manage.py"), "run_tasks", "--no-reload", "-v", "0"],
            cwd=BASE_DIR,
            env={**self.env, **env},
        )
        self.processes.append(worker)
        return worker

    def seed_path(self):
        from comments.management.commands.bench import SEED_PATH

        return SEED_PATH

    def get(self, path, headers=None):
        request = urllib.request.Request(self.url + path, headers=headers or {})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()

    def wait_for(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.get(path)
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def form_fields(self, path=None):
        from comments.benchmarks import form_fields

        return form_fields(self.get(path or self.seed_path())[2])

    def post_comment(self, fields, text, email="reader@example.org"):
        """POST the comment form; returns the redirect's Location (the comment's address)."""
        from comments.benchmarks import post_comment

        return post_comment(self.url, dict(fields, email=email), text)

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def remove(self):
        self.stop()
        if self.database:
            _postgres(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        subprocess.run(["rm", "-rf", str(self.folder)], check=False)  # noqa: S603, S607
