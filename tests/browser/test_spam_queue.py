"""The moderation queue cleared with the keyboard alone, in a real browser."""

import pytest
from django.urls import reverse

from comments.spam.models import Moderation, TrainingExample
from tests.comment_helpers import add_comment
from tests.factories import make_post, make_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def queue_of_twenty(_browser_database):
    """Ten spam the filter is sure of (listed first), then ten readers it held."""
    post = make_post("Review: Flee")
    for n in range(10):
        comment = add_comment(post, f"Cheap replica bags {n}", is_public=False)
        Moderation.objects.create(comment=comment, status="pending", score=0.99 - n / 100)
        comment = add_comment(post, f"Amin's story stayed with me {n}", is_public=False)
        Moderation.objects.create(comment=comment, status="pending", score=0.5 - n / 100)


@pytest.fixture
def admin_page(page, _browser_database):
    user = make_staff("owner")
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw-1234-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{reverse('admin:index')}")
    return page


def test_a_queue_of_twenty_is_cleared_with_the_keyboard_alone(admin_page, queue_of_twenty):
    page = admin_page
    page.goto(reverse("admin:spam_moderation_changelist") + "?status=pending")
    assert page.locator("#result_list tbody tr").count() == 20
    assert "Cheap replica bags 0" in page.locator("tr.kbd-current").inner_text()

    for _ in range(10):
        page.keyboard.press("x")
    with page.expect_navigation():
        page.keyboard.press("s")
    assert page.locator("#result_list tbody tr").count() == 10
    assert "Amin's story stayed with me 0" in page.locator("tr.kbd-current").inner_text()

    page.keyboard.press("j")
    page.keyboard.press("k")
    for _ in range(10):
        page.keyboard.press("x")
    with page.expect_navigation():
        page.keyboard.press("a")

    assert Moderation.objects.filter(status="pending").count() == 0
    assert Moderation.objects.filter(status="spam").count() == 10
    assert Moderation.objects.filter(status="approved").count() == 10
    assert not Moderation.objects.filter(status="spam", comment__comment__contains="Amin").exists()
    assert TrainingExample.objects.count() == 20
    assert page.locator("#result_list tbody tr").count() == 0
