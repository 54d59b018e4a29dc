"""Settings from the environment, the database tuning, the demo loader."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from blog.models import Post
from reviews.demo import load_demo
from reviews.models import Documentary, Review

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp" * 12,
    "DJANGO_ALLOWED_HOSTS": "reviews.example.com",
    "DJANGO_SECURE_HTTPS": "1",
    "DJANGO_STATIC_MANIFEST": "1",
}


def _manage(*args, env=None):
    # The child reads only the settings given here, not those of the test run.
    inherited = ("DJANGO_", "DATABASE_URL", "REDIS_URL")
    base = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_ENV_FILE": "", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "DJANGO_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_a_secret_key_refuses_to_start(tmp_path):
    result = _manage("check", env={"DJANGO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_sqlite_is_tuned_for_concurrent_writers():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite tuning applies to the SQLite leg only")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_file_database_uses_wal(tmp_path):
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        env={"DJANGO_DEBUG": "1", "DJANGO_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def test_database_url_selects_postgresql():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['OPTIONS']['connect_timeout'], "
        "d['OPTIONS']['options'])",
        env={"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://postgres@db.example:5432/reviews"},
    )
    assert result.returncode == 0, result.stderr
    # Django's PostgreSQL backend with a breaker in front of connecting, and bounded waits.
    assert result.stdout.split() == [
        "infra.postgresql",
        "reviews",
        "db.example",
        "2",
        "-c",
        "statement_timeout=10000",
        "-c",
        "idle_in_transaction_session_timeout=30000",
    ]


@pytest.mark.django_db
def test_demo_content_loads_twice_without_duplicates():
    load_demo()
    counts = (Post.objects.count(), Review.objects.count(), Documentary.objects.count())
    load_demo()
    assert (Post.objects.count(), Review.objects.count(), Documentary.objects.count()) == counts
    assert Review.objects.filter(post__challenge_letter="A").count() == 4


@pytest.mark.django_db
def test_load_demo_prints_the_seed_review_address(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the command draws the demo posters
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_demo", base_url="http://127.0.0.1:8000", stdout=out)
    url = out.getvalue().split("Seed review: ", 1)[1].strip()
    assert url == "http://127.0.0.1:8000/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_env_file_parser_reads_names_values_and_skips_the_rest():
    from config.envfile import parse

    text = "# comment\nexport A=1\nB = \"two # words\"\nC='x=y'\nnot a line\n9BAD=1\n\nD=\n"
    text += "E=0                 # 1 only on your own machine\n"
    assert parse(text) == {"A": "1", "B": "two # words", "C": "x=y", "D": "", "E": "0"}


def test_make_run_env_file_is_written_once_and_ignored_by_git(tmp_path):
    target = tmp_path / ".env"
    run = [sys.executable, "-m", "config.envfile", str(target)]
    subprocess.run(run, cwd=ROOT, check=True, capture_output=True, timeout=60)
    first = target.read_text()
    assert "DJANGO_DEBUG=1" in first
    key = [line for line in first.splitlines() if line.startswith("DJANGO_SECRET_KEY=")][0]
    assert len(key.split("=", 1)[1]) >= 50
    subprocess.run(run, cwd=ROOT, check=True, capture_output=True, timeout=60)
    assert target.read_text() == first  # an existing file is kept as it is
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "/.env" in ignored, "the development .env must never be committed"
    assert ".env:" in (ROOT / "Makefile").read_text()  # `make run` depends on it


def test_commands_work_with_the_development_env_file_and_nothing_else(tmp_path):
    from config.envfile import write_development

    write_development(tmp_path / ".env")
    env = {"DJANGO_ENV_FILE": str(tmp_path / ".env"), "DJANGO_DATA_DIR": str(tmp_path)}
    assert _manage("migrate", "--noinput", env=env).returncode == 0
    created = _manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "author",
        "--email",
        "author@example.org",
        env={**env, "DJANGO_SUPERUSER_PASSWORD": "a long pass phrase 42"},
    )
    assert created.returncode == 0, created.stderr
    assert "Superuser created" in created.stdout
    debug = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env=env,
    )
    assert debug.stdout.strip() == "True", debug.stderr


def test_real_environment_wins_and_production_refuses_the_development_key(tmp_path):
    from config.envfile import write_development

    write_development(tmp_path / ".env")
    env = {"DJANGO_ENV_FILE": str(tmp_path / ".env"), "DJANGO_DATA_DIR": str(tmp_path)}
    result = _manage("check", env={**env, "DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "for development only" in result.stderr
    real = _manage("check", "--deploy", env={**env, **PRODUCTION_ENV})
    assert real.returncode == 0, real.stderr
