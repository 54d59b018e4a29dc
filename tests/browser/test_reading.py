"""A reader in a real browser: home, the seed review, documentaries; accessibility; a phone."""

import pytest
from django.urls import reverse

from tests.browser.checks import assert_accessible, horizontal_overflow
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def test_reader_goes_from_home_to_the_seed_review(page, seed, settings):
    page.goto(reverse("blog:home"))
    assert page.title().startswith(settings.BLOG_TITLE)
    assert_accessible(page)

    page.get_by_role("link", name=seed.title).first.click()
    page.wait_for_url(f"**{seed.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == seed.title
    assert "Alison Klayman" in page.locator("main").inner_text()
    assert_accessible(page)


def test_rating_reads_as_text(page, seed):
    page.goto(seed.get_absolute_url())
    stars = page.get_by_role("img", name="4 out of 5 stars")
    assert stars.count() >= 1
    # Screen readers get the label; the star glyphs themselves are hidden from them.
    assert stars.first.locator("[aria-hidden=true]").inner_text().startswith("★★★★")


def test_documentary_pages(page, seed):
    page.goto(reverse("reviews:documentary_list"))
    assert_accessible(page)
    page.get_by_role("link", name="Ai Weiwei: Never Sorry").first.click()
    page.wait_for_url(
        f"**{reverse('reviews:documentary_detail', args=['ai-weiwei-never-sorry-2012'])}"
    )
    assert "Ai Weiwei: Never Sorry" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)


def test_keyboard_reaches_the_content_first(page, seed):
    page.goto(seed.get_absolute_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-375", "desktop-1280"])
def test_post_page_layout(new_context, seed_with_comments, artifacts, viewport):
    page = new_context(viewport=viewport).new_page()
    page.goto(seed_with_comments.get_absolute_url())
    assert page.locator("ol.children li.comment").count() >= 1  # a thread with replies
    page.screenshot(path=artifacts / f"post-{viewport['width']}.png", full_page=True)
    assert horizontal_overflow(page) <= 0, "the post page scrolls sideways"
    assert_accessible(page)


def test_reader_finds_the_seed_review_in_the_a_to_z_archive(page, seed):
    page.goto(reverse("blog:home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").click()
    page.wait_for_url(f"**{reverse('blog:archive')}")
    assert_accessible(page)

    page.get_by_role("link", name="A to Z challenges").click()
    page.wait_for_url(f"**{reverse('blog:challenges')}")
    page.get_by_role("link", name="2018", exact=True).click()
    page.wait_for_url(f"**{reverse('blog:challenge_year', args=[2018])}")
    grid = page.locator(".az-grid > li")
    assert grid.count() == 26
    assert "Ai Weiwei: Never Sorry" in grid.first.inner_text()
    assert_accessible(page)

    page.go_back()
    page.get_by_role("navigation", name="Letters").get_by_role("link", name="A", exact=True).click()
    page.wait_for_url(f"**{reverse('blog:letter', args=['A'])}")
    assert_accessible(page)

    # The letter page lists documentaries by name, year by year.
    page.get_by_role("link", name="Ai Weiwei: Never Sorry (2012)").click()
    page.wait_for_url(f"**{seed.get_absolute_url()}")


def test_reader_searches_from_the_header(page, seed):
    page.goto(reverse("blog:home"))
    search = page.get_by_role("search").first
    search.get_by_role("searchbox").fill("Klayman")
    search.get_by_role("searchbox").press("Enter")
    page.wait_for_url(f"**{reverse('blog:search')}?q=Klayman")
    assert "1 result" in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("link", name=seed.title).count() == 1
    assert_accessible(page)

    # Nothing found keeps the words typed and says so.
    box = page.get_by_label("Search reviews by title")
    box.fill("zzzz nothing")
    box.press("Enter")
    page.wait_for_url("**q=zzzz+nothing")
    assert "Nothing found" in page.get_by_role("status").first.inner_text()
    assert box.input_value() == "zzzz nothing"
    assert_accessible(page)


def test_no_sideways_scrolling_on_a_phone(new_context, seed):
    page = new_context(viewport=PHONE).new_page()
    pages = [
        reverse("blog:home"),
        reverse("blog:archive"),
        reverse("blog:challenge_year", args=[2018]),
        reverse("blog:letter", args=["A"]),
        f"{reverse('blog:search')}?q=documentary",
        reverse("reviews:documentary_list"),
        reverse("reviews:documentary_detail", args=["ai-weiwei-never-sorry-2012"]),
    ]
    wide = {}
    for url in pages:
        page.goto(url)
        if (overflow := horizontal_overflow(page)) > 0:
            wide[url] = overflow
    assert not wide, f"pages wider than a 375px phone (px too wide): {wide}"
