"""Posters, identity and the two themes in a real browser: list pages show posters without
shifting, no page scrolls sideways from 320 to 1920 pixels, and axe finds no serious or critical
problem in the light or the dark theme."""

import pytest
from django.urls import reverse

from tests.browser.checks import assert_accessible, horizontal_overflow

pytestmark = pytest.mark.browser

SEED = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"

# The sum of layout shifts so far (0 when nothing moved), read from the browser's own record.
LAYOUT_SHIFT_JS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def posters(seed, settings, tmp_path):
    from reviews.demo import load_demo
    from tests.task_helpers import run_tasks

    settings.MEDIA_ROOT = tmp_path
    load_demo(posters=True)
    run_tasks()


def main_pages():
    return [
        reverse("blog:home"),
        SEED,
        reverse("blog:archive"),
        "/2018/",
        reverse("blog:letter", args=["A"]),
        f"{reverse('blog:search')}?q=documentary",
        "/about/",
    ]


def test_home_shows_posters_that_do_not_shift_the_page(page, posters):
    page.goto(reverse("blog:home"))
    cards = page.locator(".post-card .card-poster img")
    assert cards.count() >= 2
    first = cards.first
    assert first.get_attribute("loading") == "eager"
    assert cards.nth(1).get_attribute("loading") == "lazy"
    assert first.get_attribute("width") and first.get_attribute("height")
    assert page.evaluate(LAYOUT_SHIFT_JS) < 0.01


@pytest.mark.parametrize("width", [320, 375, 768, 1280, 1920])
def test_no_main_page_scrolls_sideways(new_context, posters, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    wide = {}
    for url in main_pages():
        page.goto(url)
        if (overflow := horizontal_overflow(page)) > 0:
            wide[url] = overflow
    assert not wide, f"pages wider than {width}px (px too wide): {wide}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_both_themes_pass_axe(new_context, posters, scheme):
    page = new_context(color_scheme=scheme).new_page()
    for url in [reverse("blog:home"), SEED, "/about/", reverse("reviews:statistics")]:
        page.goto(url)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(23, 21, 19)") == (scheme == "dark"), (url, background)
        assert_accessible(page)
