"""The A to Z planner and the charts in a real browser: axe, a 375-pixel phone, the keyboard."""

import pytest
from django.urls import reverse

from blog.models import Post
from tests.browser.checks import assert_accessible, horizontal_overflow
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_staff

pytestmark = pytest.mark.browser

CHART_PAGES = [
    "/documentaries/",
    "/documentaries/statistics/",
    "/challenge/2018/",
    "/documentaries/where-to-watch/pbs/",
]


def log_in(page):
    user = make_staff("planner")
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw-1234-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{reverse('admin:index')}")
    return page


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-375", "desktop-1280"])
def test_chart_pages_are_accessible_and_fit_a_phone(new_context, seed, viewport, artifacts):
    page = new_context(viewport=viewport).new_page()
    for url in CHART_PAGES:
        page.goto(url)
        charts = page.locator("figure.chart svg[role=img]")
        assert charts.count() >= 1, url
        assert_accessible(page)
        assert horizontal_overflow(page) <= 0, f"{url} scrolls sideways"
        # The chart fits its column and its text stays legible.
        box = charts.first.bounding_box()
        assert box["width"] <= viewport["width"]
        size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.chart-label')).fontSize)"
            " * document.querySelector('.chart-svg').getBoundingClientRect().width / 320"
        )
        assert size >= 8, f"chart labels on {url} are {size:.1f}px"
    page.goto("/documentaries/statistics/")
    page.screenshot(path=artifacts / f"statistics-{viewport['width']}.png", full_page=True)


def test_charts_are_readable_in_dark_colours(new_context, seed):
    page = new_context(viewport=PHONE, color_scheme="dark").new_page()
    page.goto("/documentaries/statistics/")
    assert_accessible(page)
    colours = page.evaluate(
        "() => { const f = document.querySelector('figure.chart');"
        " const t = document.querySelector('.chart-svg text');"
        " return [getComputedStyle(f).backgroundColor, getComputedStyle(t).fill]; }"
    )
    assert colours[0] != "rgb(253, 252, 249)"  # the dark background, not the light one
    assert colours[0] != colours[1]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-375", "desktop-1280"])
def test_planner_is_accessible_and_fits_a_phone(new_context, seed, viewport, artifacts):
    page = log_in(new_context(viewport=viewport).new_page())
    page.goto(reverse("admin:blog_challenge_planner", args=[seed.challenge_id]))
    assert page.locator("li[id^=letter-]").count() == 26
    assert_accessible(page)
    assert horizontal_overflow(page) <= 0, "the planner scrolls sideways"
    page.screenshot(path=artifacts / f"planner-{viewport['width']}.png", full_page=True)


def test_planner_creates_a_draft_by_keyboard_alone(new_context, seed):
    page = log_in(new_context(viewport=PHONE).new_page())
    page.goto(reverse("admin:blog_challenge_planner", args=[seed.challenge_id]))
    button = page.get_by_role("button", name="Create a draft for “D”")
    # Tab until the button has focus, then press Enter: no mouse, no script needed.
    for _ in range(200):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the button for D cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/blog/post/*/change/")
    draft = Post.objects.get(challenge_id=seed.challenge_id, challenge_letter="D")
    assert draft.status == Post.Status.DRAFT
    assert draft.published_on.isoformat() == "2018-04-05"
    assert "A draft for “D” was created" in page.content()


def test_live_preview_shows_the_review_as_it_is_written(new_context, _browser_database):
    page = log_in(new_context(viewport=DESKTOP).new_page())
    page.goto(reverse("admin:blog_post_add"))
    page.get_by_role("textbox", name="Body").fill("A film about *courage*.")
    page.locator("input[name='review-0-rating'][value='1.0']").check()
    page.locator("textarea[name='review-0-lessons']").fill("That **one** voice carries.")
    preview = page.locator(".live-preview .preview-body")
    preview.locator("strong", has_text="one").wait_for()
    text = preview.inner_text()
    assert text.index("courage") < text.index("1 star out of 5")
    assert "What can one learn from watching this documentary" in text
    # The review sits above the terms on the post screen.
    review_top = page.locator("textarea[name='review-0-lessons']").bounding_box()["y"]
    assert review_top < page.locator("#id_tags").bounding_box()["y"]


def test_pages_with_the_new_links_pass_axe_on_a_phone(new_context, seed):
    page = new_context(viewport=PHONE).new_page()
    for url in [
        "/",
        seed.get_absolute_url(),
        "/archive/",
        "/challenge/letter/d/",
        "/accounts/login/?next=/archive/",
    ]:
        page.goto(url)
        assert_accessible(page)
        assert horizontal_overflow(page) <= 0, f"{url} scrolls sideways"
    # The letter badge and the challenge sentence lead on, by keyboard as by mouse.
    page.goto(seed.get_absolute_url())
    page.get_by_role("link", name="Challenge letter A").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/challenge/letter/a/")
    page.go_back()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="A to Z").click()
    page.wait_for_url("**/challenge/2018/")


def test_the_date_suggests_the_letter_of_the_stored_schedule(new_context, seed):
    import datetime

    from tests.factories import make_challenge

    days = [datetime.date(2030, 3, 20) + datetime.timedelta(days=n) for n in range(26)]
    make_challenge(year=2030, letter_dates=" ".join(day.isoformat() for day in days))
    page = log_in(new_context(viewport=DESKTOP).new_page())
    page.goto(reverse("admin:blog_post_add"))
    page.locator("#id_published_at_0").fill("2018-04-29")  # a short April: its last Sunday
    page.get_by_role("button", name="Use “Y”").wait_for()
    page.locator("#id_published_at_0").fill("2030-03-22")  # stored days: C is March 22
    page.get_by_role("button", name="Use “C”").click()
    assert page.locator("#id_challenge_letter").input_value() == "C"
