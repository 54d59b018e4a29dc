"""The two-server topology of tests/test_topology.py: every server it needs, on 127.0.0.1.

PostgreSQL (a fresh database), a Redis of its own, an S3 server (moto, in this process), a mail
server (aiosmtpd, in this process), two gunicorn servers with separate working folders (no shared
disk), one task worker and nginx with the shipped deploy/nginx-app.conf and nginx-cache.conf.
Whatever is missing here skips the tests with the reason.
"""

import os
import secrets
import shutil
import subprocess  # noqa: S404 (servers from this virtualenv and the system)
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from tests.smtp_servers import WorkingServer, free_port

BASE_DIR = Path(__file__).resolve().parent.parent
BUCKET = "atoz-media"
SEED_POST = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"
SEED_FILM = "/documentaries/ai-weiwei-never-sorry-2012/"
PASSWORD = "topology-pass-" + secrets.token_hex(4)
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    client_max_body_size 12m;
    proxy_cache_path {workdir}/cache levels=1:2 keys_zone=atoz_pages:10m max_size=64m
                     inactive=10m use_temp_path=off;
    upstream atoz_app {{
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=5s;
        keepalive 16;
    }}
    map $http_cookie $atoz_personal {{
        default 0;
        "~*(^|;\\s*)(sessionid|csrftoken|comment_author|reader|messages)=" 1;
    }}
    server {{
        listen 127.0.0.1:{port};
        location = /healthz {{ include {deploy}/nginx-app.conf; proxy_cache off; }}
        location / {{
            include {deploy}/nginx-app.conf;
            include {deploy}/nginx-cache.conf;
        }}
    }}
}}
"""


def _postgres():
    try:
        import psycopg

        return psycopg.connect(**PG, dbname="postgres", connect_timeout=3, autocommit=True)
    except Exception as exc:  # noqa: BLE001 (any failure means: no PostgreSQL here)
        pytest.skip(f"PostgreSQL does not answer on 127.0.0.1:5432 as postgres ({exc})")


def _program(name, *fallbacks):
    found = shutil.which(name) or next((f for f in fallbacks if Path(f).is_file()), None)
    if not found:
        pytest.skip(f"{name} is not installed: the two-server topology cannot run here")
    return found


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (httpx.HTTPError, OSError) as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout}s ({last})")


class FormFields(HTMLParser):
    """Every field of one HTML form as a browser would send it (files left out)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.fields.append((name, text.removeprefix("\n")))
            self._textarea = None


def admin_form(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


class Topology:
    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.processes = {}
        self.db_name = f"scale_topology_{os.getpid()}"

    def url(self, server, path=""):
        return f"http://127.0.0.1:{self.ports[server]}{path}"

    def start(self, stack):
        nginx = _program("nginx", "/usr/sbin/nginx")
        self.redis_server = _program("redis-server", "/usr/bin/redis-server")
        admin = _postgres()
        stack.callback(admin.close)
        admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}"')
        admin.execute(f'CREATE DATABASE "{self.db_name}"')
        stack.callback(admin.execute, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

        from moto.server import ThreadedMotoServer

        self.ports = {name: free_port() for name in ("a", "b", "nginx", "s3", "redis")}
        s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=self.ports["s3"], verbose=False)
        s3.start()
        stack.callback(s3.stop)
        import boto3

        boto3.client(
            "s3",
            endpoint_url=self.url("s3"),
            region_name="us-east-1",
            aws_access_key_id="topology",
            aws_secret_access_key="topology",  # noqa: S106
        ).create_bucket(Bucket=BUCKET)
        self.mail = stack.enter_context(WorkingServer())
        self.start_redis()
        stack.callback(self.stop, "redis")

        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "REDIS_", "EMAIL_", "AWS_", "PAGE_CACHE_"))
            and key not in ("DJANGO_MEDIA_ROOT", "MEDIA_CDN_HOST")
        }
        self.env.update(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{self.db_name}",
            REDIS_URL=f"redis://127.0.0.1:{self.ports['redis']}/9",
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=self.url("s3"),
            AWS_S3_REGION_NAME="us-east-1",
            AWS_ACCESS_KEY_ID="topology",
            AWS_SECRET_ACCESS_KEY="topology",
            AWS_DEFAULT_ACL="public-read",  # readers fetch files without signatures
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.mail.port),
            EMAIL_USE_TLS="0",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_HTTPS="0",
            DJANGO_STATIC_MANIFEST="0",
            DJANGO_LOG_LEVEL="ERROR",
            SPAM_MIN_SUBMIT_SECONDS="0",
            SPAM_FIRST_COMMENT_HOLD="0",
            COMMENTS_LIKES_PER_IP="3",
            TASKS_RETRY_DELAYS="1,2",
        )
        folders = {name: self.workdir / f"server-{name}" for name in ("a", "b", "worker")}
        for folder in folders.values():
            folder.mkdir()
        self.manage(
            folders["a"],
            "migrate",
            "--noinput",
        )
        self.manage(folders["a"], "load_demo", "--base-url", self.url("nginx"))
        self.manage(
            folders["a"],
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model as m; "
            f"m().objects.create_superuser('boss', 'boss@example.com', '{PASSWORD}'); "
            f"m().objects.create_user('reader', 'reader@example.com', '{PASSWORD}')",
        )
        for name in ("a", "b"):
            self.processes[name] = self.spawn(
                folders[name],
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.ports[name]}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--log-level",
                "warning",
            )
            stack.callback(self.stop, name)
        self.processes["worker"] = self.spawn(
            folders["worker"], "manage.py", "run_tasks", "--interval", "0.2", "--verbosity", "0"
        )
        stack.callback(self.stop, "worker")

        nginx_dir = self.workdir / "nginx"
        nginx_dir.mkdir()
        self.workdir.chmod(0o755)  # nginx's workers run as another user when started by root
        (nginx_dir / "nginx.conf").write_text(
            NGINX_CONF.format(
                workdir=nginx_dir,
                port=self.ports["nginx"],
                port_a=self.ports["a"],
                port_b=self.ports["b"],
                deploy=BASE_DIR / "deploy",
            )
        )
        self.processes["nginx"] = subprocess.Popen(  # noqa: S603
            [nginx, "-c", str(nginx_dir / "nginx.conf"), "-p", str(nginx_dir)],
            stderr=subprocess.DEVNULL,
        )
        stack.callback(self.stop, "nginx")
        for name in ("a", "b", "nginx"):
            wait_for(
                lambda name=name: httpx.get(self.url(name, "/healthz")).status_code == 200,
                60,
                f"/healthz on {name} answering 200",
            )

    def manage(self, folder, *arguments):
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env={**self.env, "DJANGO_DATA_DIR": str(folder)},
            check=True,
            capture_output=True,
            timeout=180,
        )

    def spawn(self, folder, *arguments):
        return subprocess.Popen(  # noqa: S603
            [sys.executable, *arguments],
            cwd=BASE_DIR,
            env={**self.env, "DJANGO_DATA_DIR": str(folder)},
        )

    def start_redis(self):
        self.processes["redis"] = subprocess.Popen(  # noqa: S603
            [
                self.redis_server,
                "--port",
                str(self.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.ports["redis"], socket_timeout=1)
        wait_for(lambda: _pings(client), 10, "redis-server answering")

    def stop(self, name):
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def sql(self, query, *params):
        import psycopg

        with psycopg.connect(**PG, dbname=self.db_name, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()


def _pings(client):
    try:
        return client.ping()
    except Exception:  # noqa: BLE001 (not up yet)
        return False
