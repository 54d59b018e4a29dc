"""The author in a real browser: logs into the admin, publishes a review with a poster."""

import pytest
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from PIL import Image, ImageDraw

from blog.models import Post
from reviews.models import Documentary
from tests.browser.checks import assert_accessible
from tests.factories import make_staff
from tests.task_helpers import run_tasks

pytestmark = pytest.mark.browser

PASSWORD = "pw-1234-test"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def poster_png(tmp_path):
    path = tmp_path / "never-sorry-poster.png"
    image = Image.new("RGB", (400, 600), "#2b2b2b")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 360, 560), outline="#c8102e", width=12)
    draw.ellipse((120, 180, 280, 340), fill="#f2c14e")
    image.save(path, "PNG")
    return path


@pytest.fixture
def author_page(page, _browser_database):
    user = make_staff("editor", first_name="Liam")
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{reverse('admin:index')}")
    return page


def choose_in_autocomplete(page, container, text):
    """Django's admin autocomplete (select2): open it, type, pick the first match."""
    container.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text).first
    option.click()


def test_author_approves_a_held_comment(author_page, new_context, seed, settings):
    # Held as any first comment from a new address is (not for being typed by a machine).
    settings.SPAM_MIN_SUBMIT_SECONDS = 0
    reader = new_context().new_page()
    reader.goto(seed.get_absolute_url())
    form = reader.locator("#respond form")
    form.get_by_role("textbox", name="Comment", exact=True).fill("Thank you, I will look for it.")
    form.get_by_role("textbox", name="Name", exact=True).fill("Carla First")
    form.get_by_role("textbox", name="Email", exact=True).fill("carla@example.com")
    form.get_by_role("button", name="Post Comment").click()
    reader.get_by_text("awaiting moderation").wait_for()

    page = author_page
    page.goto(reverse("admin:spam_moderation_changelist") + "?status=pending")
    row = page.locator("#result_list tbody tr", has_text="Thank you, I will look for it.")
    assert "carla@example.com" in row.inner_text()
    row.get_by_role("button", name="Approve", exact=True).click()
    page.locator(".messagelist .success, .messagelist .info").first.wait_for()
    assert XtdComment.objects.get(user_email="carla@example.com").is_public

    stranger = new_context(java_script_enabled=False).new_page()
    stranger.goto(seed.get_absolute_url())
    comment = stranger.locator("li.comment", has_text="Thank you, I will look for it.")
    assert comment.count() == 1
    assert "awaiting moderation" not in comment.inner_text()


def test_author_publishes_a_review_with_a_poster(author_page, media, poster_png):
    page = author_page

    page.goto(reverse("admin:reviews_documentary_add"))
    page.get_by_label("Title").press_sequentially("The Square")
    page.get_by_label("Release year").fill("2013")
    page.get_by_label("Synopsis").fill("Egypt's revolution, seen from Tahrir Square.")
    page.get_by_label("Poster").set_input_files(poster_png)
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()

    documentary = Documentary.objects.get(title="The Square")
    assert documentary.slug == "the-square"  # filled from the title as the author typed
    assert documentary.poster.name.endswith(".png")
    assert run_tasks() == 1  # the worker makes the poster's smaller copies
    documentary.refresh_from_db()
    assert documentary.poster_renditions.get("files"), "no smaller copies of the poster"

    page.goto(reverse("admin:blog_post_add"))
    page.get_by_label("Title").press_sequentially("Movie Review: The Square (2013)")
    page.get_by_role("textbox", name="Body").fill(
        "A film made *inside* a revolution.\n\nIt does not look away."
    )
    page.get_by_label("Status").select_option(label="Published")
    review = page.locator(".inline-related.dynamic-review").first
    choose_in_autocomplete(page, review.locator(".field-documentary"), "The Square")
    review.get_by_role("radio", name="4.5 stars").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()

    post = Post.objects.published().get(title="Movie Review: The Square (2013)")
    assert post.review.documentary == documentary

    page.goto(post.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == post.title
    assert page.locator(".post-body em").inner_text() == "inside"
    assert page.get_by_role("img", name="4.5 out of 5 stars").count() >= 1

    page.goto(documentary.get_absolute_url())
    poster = page.locator("main img").first
    assert "/posters/" in poster.get_attribute("src")
    assert_accessible(page)
