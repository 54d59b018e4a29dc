"""The demo's About page: there after `load_demo`, linked in the footer, and left alone when the
demo is loaded again (as `make run` does) after the blogger edited it."""

import pytest

from blog.models import Page
from reviews.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_about_page_linked_in_the_footer(client, demo):
    response = client.get("/about/")
    assert response.status_code == 200
    assert "<h1>About</h1>" in response.content.decode()
    assert '<a href="/about/">About</a>' in client.get("/").content.decode()


def test_loading_the_demo_again_keeps_the_bloggers_about_page(demo):
    Page.objects.filter(slug="about").update(body="My own words.")
    load_demo()
    assert Page.objects.get(slug="about").body == "My own words."
