"""A real chromium (Debian's package) driven by Playwright against pytest-django's live server.

There is no silent skip: when chromium is missing the tests fail and say how to install it
(`make test` installs it with apt-get first).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread, so Django's guard would take every
# ORM call made by a test (creating its data, checking the result) for a call from async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


# Package scope: chromium closes once these tests are done, before the rest of the suite runs.
# One Playwright for the package: a second one in the same thread cannot start.
@pytest.fixture(scope="package")
def playwright():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium "
            "(`apt-get install chromium`, or run `make test`, which does it).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _browser_database(transactional_db):
    """The live server answers from another thread, so data must be committed to be seen."""


@pytest.fixture
def seed(_browser_database):
    """The demo content; returns the seed review's post."""
    from reviews.demo import load_demo

    return load_demo()


@pytest.fixture
def seed_with_comments(seed):
    """The seed review with the demo discussion (threads, replies, likes)."""
    from comments.demo import load_demo_comments

    load_demo_comments()
    return seed


@pytest.fixture
def new_context(browser, live_server):
    """Makes browser contexts (separate cookie jars) pointed at the live server."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        # Generous: the first comment of a run trains the spam classifier, which takes a while.
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
