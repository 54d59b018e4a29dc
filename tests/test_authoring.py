"""Authoring outside the post screen: standalone pages."""

import pytest
from django.urls import reverse

from blog.models import Page

pytestmark = pytest.mark.django_db


def test_published_page_is_shown_at_its_slug_with_rendered_markdown(client):
    page = Page.objects.create(
        title="About", slug="about", body="I review *documentaries*.", status="published"
    )
    response = client.get("/about/")
    assert response.status_code == 200
    assert "<em>documentaries</em>" in response.content.decode()
    assert page.get_absolute_url() == "/about/"
    assert page.published_at is not None


def test_draft_page_and_unknown_slug_answer_404(client):
    Page.objects.create(title="Secret", slug="secret", body="Not yet.")
    assert client.get("/secret/").status_code == 404
    assert client.get("/no-such-page/").status_code == 404


def test_page_body_is_sanitized(client):
    Page.objects.create(
        title="Bad", slug="bad", body="<script>alert(1)</script>Hi", status="published"
    )
    assert "<script>" not in client.get("/bad/").content.decode()


def test_pages_do_not_shadow_other_addresses(client):
    Page.objects.create(title="Home", slug="documentaries", status="published")
    response = client.get(reverse("reviews:documentary_list"))
    assert response.status_code == 200
    assert "blog/page_detail.html" not in [t.name for t in response.templates]
