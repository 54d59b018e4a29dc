"""Following the blog from a cached page without JavaScript, and confirming from the mail."""

import email
import email.policy
import re

import pytest
from aiosmtpd.controller import Controller

from followers.models import Follower
from tests.browser.checks import assert_accessible, horizontal_overflow
from tests.smtp_servers import free_port
from tests.task_helpers import run_tasks

pytestmark = pytest.mark.browser


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def inbox(settings, live_server):
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.FOLLOWERS_MIN_SUBMIT_SECONDS = 0
    settings.SITE_URL = live_server.url
    yield handler
    controller.stop()


def test_follow_from_a_cached_page_without_javascript_and_confirm(new_context, seed, inbox):
    first = new_context(java_script_enabled=False).new_page()
    first.goto("/")
    stamp = first.locator("#follow-home-stamp").get_attribute("value")

    page = new_context(java_script_enabled=False).new_page()
    page.wait_for_timeout(1100)  # a page rendered anew would carry a later stamp
    page.goto("/")
    # The very page another reader was given: the form came out of the page cache.
    assert page.locator("#follow-home-stamp").get_attribute("value") == stamp
    box = page.locator(".follow-box")
    box.get_by_label("Email").fill("reader@example.org")
    box.get_by_label("A weekly digest").check()
    box.get_by_role("button", name="Follow").click()
    assert page.get_by_role("heading", name="Check your inbox").is_visible()

    run_tasks()
    (message,) = inbox.messages
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/follow/confirm/\S+/", text).group(0)
    # axe needs JavaScript: the confirmation page is checked in a browser that runs it.
    checker = new_context().new_page()
    checker.goto(link)
    assert_accessible(checker)
    page.goto(link)
    assert Follower.objects.get().state == "pending"  # opening the link changes nothing
    page.get_by_role("button", name="Yes, follow").click()
    assert page.get_by_role("heading", name=re.compile("You follow")).is_visible()
    follower = Follower.objects.get()
    assert follower.state == "confirmed" and follower.frequency == "weekly"


def test_the_follow_form_fits_a_phone_and_keeps_what_was_typed(new_context, seed, settings):
    from tests.browser.conftest import PHONE

    settings.FOLLOWERS_MIN_SUBMIT_SECONDS = 0
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    assert not horizontal_overflow(page)
    assert_accessible(page)
    box = page.locator(".follow-box")
    box.get_by_label("Email").fill("not an address")
    box.get_by_role("button", name="Follow").click()
    assert page.get_by_label("Email").input_value() == "not an address"
    assert_accessible(page)
