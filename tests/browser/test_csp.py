"""The Content-Security-Policy in a real chromium: the site works under it, an injection does not.

Violations are collected twice: by a `securitypolicyviolation` listener in each page (pages with
JavaScript) and by the report endpoint's log (every page, JavaScript or not). This module runs
its own chromium with a short reporting delay, so reports reach the endpoint within seconds.
"""

import logging
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.factories import make_staff

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const target = event.target && event.target.nodeType === 1 ? event.target : null;
  window.__cspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    page: event.documentURI,
    element: target ? target.tagName.toLowerCase() + "." + target.className : "",
  });
});
"""


@pytest.fixture(scope="module")
def reporting_browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        # Background networking carries the Reporting API's uploads: keep it on here.
        args=[
            *(a for a in CHROMIUM_ARGS if a != "--disable-background-networking"),
            "--short-reporting-delay",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def report_uri_only(settings):
    """Chromium sends report-to reports only to HTTPS endpoints, and with report-to present it
    ignores report-uri; the live server speaks HTTP, so these tests use the report-uri path."""
    directives = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    directives.pop("report-to")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seen(caplog):
    """Violations as {"directive", "element"} dicts: from listeners and from the endpoint."""
    caplog.set_level(logging.WARNING, logger="security.csp")
    violations = []

    def reported():
        return [r.getMessage() for r in caplog.records if r.name == "security.csp"]

    return violations, reported


@pytest.fixture
def open_context(reporting_browser, live_server, seen):
    violations, _ = seen
    contexts = []

    def make(**options):
        context = reporting_browser.new_context(
            base_url=live_server.url, viewport=DESKTOP, **options
        )
        context.set_default_timeout(30_000)
        if options.get("java_script_enabled", True):
            context.expose_function("__cspViolation", lambda v: violations.append(v))
            context.add_init_script(LISTENER)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def assert_no_violations(seen, wait=3.0):
    violations, reported = seen
    time.sleep(wait)  # the short reporting delay, for reports sent from the last page
    assert violations == []
    assert reported() == []


def comment_on(page, seed, text, name):
    page.goto(seed.get_absolute_url())
    form = page.locator("#respond form")
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    form.get_by_role("textbox", name="Name", exact=True).fill(name)
    form.get_by_role("textbox", name="Email", exact=True).fill(f"{name.split()[0]}@example.com")
    form.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()


def test_reading_commenting_and_liking_raise_no_violation(open_context, seed, settings, seen):
    settings.SPAM_FIRST_COMMENT_HOLD = False
    settings.SPAM_MIN_SUBMIT_SECONDS = 0

    page = open_context().new_page()
    page.goto(seed.get_absolute_url())
    assert page.locator('script[type="application/ld+json"]').count() == 1
    comment_on(page, seed, "Strong images and a stubborn subject.", "Anna Reader")
    comment = page.locator("li.comment", has_text="Strong images").first
    comment.wait_for()
    comment.get_by_role("button", name="Like").click()
    comment.get_by_role("button", name="Liked").wait_for()
    # The stylesheet applied: the avatar is a round badge drawn by our CSS.
    radius = comment.locator(".avatar").first.evaluate("e => getComputedStyle(e).borderRadius")
    assert radius == "50%"
    # The script ran (the like counted in place), so our static script was allowed.
    page.goto(reverse("blog:home"))
    page.goto(reverse("blog:search") + "?q=never+sorry")
    for name in ("account_login", "account_signup", "account_reset_password"):
        page.goto(reverse(name))
    page.goto("/no/such/page/")

    plain = open_context(java_script_enabled=False).new_page()
    comment_on(plain, seed, "Watched it without any script at all.", "Boris Viewer")
    plain.locator("li.comment", has_text="without any script").first.wait_for()
    plain.goto(reverse("account_login"))
    plain.goto(reverse("account_signup"))
    plain.goto("/no/such/page/")

    assert_no_violations(seen)


def test_admin_preview_popup_and_autocomplete_raise_no_violation(open_context, seed, seen):
    user = make_staff("owner")
    page = open_context().new_page()
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw-1234-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{reverse('admin:index')}")
    page.goto(reverse("admin:blog_post_changelist"))
    page.goto(reverse("admin:blog_post_change", args=[seed.pk]))
    page.goto(reverse("admin:blog_post_add"))
    page.get_by_role("textbox", name="Title").press_sequentially("Under the policy")
    page.get_by_role("textbox", name="Body").fill("A film about *courage*.")
    page.locator(".live-preview .preview-body em", has_text="courage").wait_for()
    # The slug was filled in from the title by the admin's prepopulate script.
    assert page.locator("#id_slug").input_value() == "under-the-policy"

    # A documentary added in the "+" popup: the popup's answer page hands it back by script.
    review = page.locator(".inline-related.dynamic-review").first
    with page.expect_popup() as opened:
        review.locator("#add_id_review-0-documentary").click()
    popup = opened.value
    popup.get_by_label("Title").press_sequentially("Citizenfour")
    popup.get_by_label("Release year").fill("2014")
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")
    chosen = review.locator("#id_review-0-documentary option:checked")
    assert chosen.inner_text() == "Citizenfour (2014)"

    # The autocomplete (select2) opens, searches and picks under the policy too.
    tags = page.locator(".field-tags .select2-selection")
    tags.click()
    page.locator(".select2-container--open .select2-search__field").fill("zz")
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")

    review.get_by_role("radio", name="4 stars", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()

    page.goto(reverse("account_email"))
    page.goto(reverse("account_change_password"))
    assert_no_violations(seen)


def test_an_injected_inline_script_is_blocked_and_reported(open_context, settings, seen):
    settings.ROOT_URLCONF = "tests.security_urls"
    violations, reported = seen
    page = open_context().new_page()
    page.goto("/injected/")
    assert page.locator("#target").inner_text() == "untouched"
    deadline = time.monotonic() + 20
    while not reported() and time.monotonic() < deadline:
        time.sleep(0.25)
    # One violation: the inline script. The JSON-LD data block next to it is not one.
    assert [v["directive"] for v in violations] == ["script-src-elem"]
    [report] = reported()
    assert "effective-directive=script-src-elem" in report
    assert "/injected/" in report
