"""The post screen's script in a real browser: live preview, image insertion, letter hint."""

import pytest
from django.urls import reverse

from blog.models import Post
from infra.markup import render_markdown
from tests.factories import make_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(page, _browser_database):
    user = make_staff("owner")
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw-1234-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{reverse('admin:index')}")
    return page


def test_live_preview_follows_the_body_as_it_is_typed(admin_page):
    page = admin_page
    page.goto(reverse("admin:blog_post_add"))
    body = page.get_by_role("textbox", name="Body")
    body.fill("A film about *courage*.\n\n<script>window.hacked = 1</script>")
    preview = page.locator(".live-preview .preview-body")
    preview.locator("em", has_text="courage").wait_for()
    assert preview.inner_html().strip() == render_markdown(body.input_value()).strip()
    assert page.evaluate("window.hacked") is None
    assert Post.objects.count() == 0


def test_the_date_suggests_the_challenge_letter(admin_page):
    page = admin_page
    page.goto(reverse("admin:blog_post_add"))
    page.locator("#id_published_at_0").fill("2018-04-03")
    page.get_by_role("button", name="Use “B”").click()
    assert page.locator("#id_challenge_letter").input_value() == "B"
    assert page.locator(".letter-suggestion").inner_text().strip() == ""
