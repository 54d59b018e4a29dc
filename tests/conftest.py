import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from reviews.demo import load_demo


@pytest.fixture
def demo(db):
    """The demo content, as `make run` loads it; returns the seed review's post."""
    return load_demo()


@pytest.fixture
def staff_client(client, db):
    from tests.factories import make_staff

    client.force_login(make_staff())
    return client


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test's database starts anew, so must the page cache."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _page_versions_move_at_commit_time(monkeypatch):
    """A test runs inside a transaction that never commits, so what the site does when a write
    commits (move the page versions) happens at the write here. The live tests, whose servers
    commit for real, check the real thing."""
    from infra import pages

    def changed(posts=True):
        pages.move(*((pages.CONTENT, pages.POSTS) if posts else (pages.CONTENT,)))

    monkeypatch.setattr(pages, "changed", changed)


# Hypothesis: "ci" (the default, part of `make test`) is derandomized and small enough for every
# run; HYPOTHESIS_PROFILE=nightly tries many more, random examples.
_FIXTURE_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
hypothesis_settings.register_profile(
    "ci",
    max_examples=50,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=_FIXTURE_CHECKS,
)
hypothesis_settings.register_profile(
    "nightly",
    max_examples=1000,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=_FIXTURE_CHECKS,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def empty_cache():
    """Rate limits and counters live in the default cache: the test starts and ends without any."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fresh_spam_site(settings, empty_cache):
    """A site whose spam filter judges each comment on its own: no first-comment hold, no rate
    limits, no Akismet."""
    settings.SPAM_FIRST_COMMENT_HOLD = False
    settings.SPAM_RATE_LIMIT_PER_IP = 0
    settings.SPAM_RATE_LIMIT_PER_EMAIL = 0
    settings.AKISMET_API_KEY = ""


@pytest.fixture
def spam_filter_approves(monkeypatch):
    """The spam filter's verdicts are its own tests' concern: here it lets everything through."""
    from comments.spam import pipeline

    monkeypatch.setattr(pipeline, "decide", lambda *args: pipeline.Decision())
