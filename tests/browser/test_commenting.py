"""Readers comment in a real browser: with and without JavaScript, by keyboard, and like."""

import pytest
from django.core.cache import cache
from django_comments_xtd.models import XtdComment

from tests.browser.checks import assert_accessible

pytestmark = pytest.mark.browser

ANNA = {"Name": "Anna Reader", "Email": "anna@example.com"}
BORIS = {"Name": "Boris Viewer", "Email": "boris@example.com"}


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate limits and like counters live in the cache: each test starts as a new day."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def trusted_commenters(settings):
    """Readers whose comments appear at once: no first-comment hold, no minimum typing time."""
    settings.SPAM_FIRST_COMMENT_HOLD = False
    settings.SPAM_MIN_SUBMIT_SECONDS = 0


def comment_form(page):
    return page.locator("#respond form")


def field(form, name):
    return form.get_by_role("textbox", name=name, exact=True)


def fill_comment(form, who, text):
    field(form, "Comment").fill(text)
    for name, value in who.items():
        field(form, name).fill(value)


def comment_item(page, text):
    """The list item (`li.comment`) whose own text, not a reply's, contains `text`."""
    return page.locator("li.comment", has=page.locator(":scope > article", has_text=text))


def test_comment_then_reply_inline_with_javascript(page, seed, trusted_commenters):
    page.goto(seed.get_absolute_url())
    form = comment_form(page)
    fill_comment(form, ANNA, "The list of names on the wall stayed with me.")
    form.get_by_role("button", name="Post Comment").click()

    first = comment_item(page, "The list of names on the wall")
    first.wait_for()
    assert "Anna Reader" in first.locator(".comment-author").inner_text()
    assert page.get_by_role("heading", name="1 thought on").count() == 1

    # Reply: the form moves under the comment, no page load.
    first.get_by_role("link", name="Reply to Anna Reader").click()
    moved = first.locator("#respond")
    moved.wait_for()
    assert moved.get_by_role("heading", level=3).inner_text().startswith("Reply to Anna Reader")
    assert page.evaluate("document.activeElement.name") == "comment"
    fill_comment(moved.locator("form"), BORIS, "Same here; the *studio* scene too.")
    moved.get_by_role("button", name="Post Comment").click()

    reply = first.locator("ol.children li.comment", has_text="the studio scene too")
    reply.wait_for()
    assert reply.locator("em").inner_text() == "studio"
    parent = XtdComment.objects.get(comment__startswith="The list of names")
    assert XtdComment.objects.get(comment__startswith="Same here").parent_id == parent.pk


def test_reply_without_javascript(new_context, seed, trusted_commenters):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(seed.get_absolute_url())
    form = comment_form(page)
    fill_comment(form, ANNA, "Watched it twice; it holds up.")
    form.get_by_role("button", name="Post Comment").click()
    first = comment_item(page, "Watched it twice")
    first.wait_for()

    # Without JavaScript the reply link is a page of its own with the form set to reply.
    first.get_by_role("link", name="Reply to Anna Reader").click()
    page.wait_for_url("**replytocom=*")
    assert page.locator("#reply-title").inner_text().startswith("Reply to Anna Reader")
    fill_comment(comment_form(page), BORIS, "Agreed, it gets better the second time.")
    comment_form(page).get_by_role("button", name="Post Comment").click()

    reply = first.locator("ol.children li.comment", has_text="gets better the second time")
    reply.wait_for()
    parent = XtdComment.objects.get(comment__startswith="Watched it twice")
    assert XtdComment.objects.get(comment__startswith="Agreed").parent_id == parent.pk


def test_first_comment_is_held_and_says_so(new_context, seed, settings):
    # The rule under test is the first-comment hold, not the minimum typing time.
    settings.SPAM_MIN_SUBMIT_SECONDS = 0
    page = new_context().new_page()
    page.goto(seed.get_absolute_url())
    form = comment_form(page)
    fill_comment(form, ANNA, "My first comment here: thank you for the review.")
    form.get_by_role("button", name="Post Comment").click()

    held = comment_item(page, "My first comment here")
    held.wait_for()
    assert "awaiting moderation" in held.get_by_role("status").inner_text()
    assert not XtdComment.objects.get(comment__startswith="My first comment").is_public
    # Other readers do not see it.
    stranger = new_context().new_page()
    stranger.goto(seed.get_absolute_url())
    assert stranger.get_by_text("My first comment here").count() == 0


def test_like_a_comment_with_and_without_javascript(new_context, seed, trusted_commenters):
    page = new_context().new_page()
    page.goto(seed.get_absolute_url())
    fill_comment(comment_form(page), ANNA, "A brave film about a brave man.")
    comment_form(page).get_by_role("button", name="Post Comment").click()
    comment = comment_item(page, "A brave film")
    comment.wait_for()

    like = comment.get_by_role("button", name="Like")
    url = page.url
    like.click()
    liked = comment.get_by_role("button", name="Liked")
    liked.wait_for()
    assert liked.get_attribute("aria-pressed") == "true"
    assert page.url == url  # counted in place, no reload
    assert "1" in comment.locator("[data-like-count]").inner_text()

    # Another reader without JavaScript: the button is a plain form post.
    plain = new_context(java_script_enabled=False).new_page()
    plain.goto(seed.get_absolute_url())
    same = comment_item(plain, "A brave film")
    same.get_by_role("button", name="Like").click()
    plain.wait_for_load_state()
    same = comment_item(plain, "A brave film")
    assert same.get_by_role("button", name="Liked").get_attribute("aria-pressed") == "true"
    assert "2" in same.locator("[data-like-count]").inner_text()


def test_commenting_with_the_keyboard_alone(page, seed, trusted_commenters):
    page.goto(seed.get_absolute_url())
    # From the top of the page, Tab to each field, type, then Enter on the button.
    tab_to(page, field(comment_form(page), "Comment"), limit=200)
    page.keyboard.type("Typed without a mouse.")
    for label in ("Name", "Email"):
        tab_to(page, field(comment_form(page), label))
        page.keyboard.type(ANNA[label])
    tab_to(page, comment_form(page).get_by_role("button", name="Post Comment"))
    page.keyboard.press("Enter")

    comment = comment_item(page, "Typed without a mouse.")
    comment.wait_for()
    # The page opens at the new comment; Space presses its Like button.
    tab_to(page, comment.get_by_role("button", name="Like"))
    page.keyboard.press(" ")
    comment.get_by_role("button", name="Liked").wait_for()


def tab_to(page, target, limit=30):
    """Press Tab until `target` has the focus (fails after `limit` presses)."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {target}")


def test_comment_form_errors_are_announced_and_accessible(page, seed):
    page.goto(seed.get_absolute_url())
    assert_accessible(page)
    form = comment_form(page)
    # Spaces pass the browser's "required" check; the server says what is missing.
    fill_comment(form, {"Name": "   ", "Email": "anna@example.com"}, "   ")
    form.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()

    errors = page.locator(".field-errors")
    errors.first.wait_for()
    assert errors.count() >= 1
    assert page.locator("[aria-invalid=true]").count() >= 1
    assert field(comment_form(page), "Email").input_value() == "anna@example.com"
    assert_accessible(page)
