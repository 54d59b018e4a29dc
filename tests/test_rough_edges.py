"""Rough edges a new reader meets: the login page, the footer, the privacy page's contact."""

import pytest
from django.urls import reverse

from blog.models import Page
from tests.factories import make_user


def text_of(response):
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_login_page_keeps_next_and_says_things_once(client):
    target = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"
    html = text_of(client.get(reverse("account_login") + f"?next={target}"))
    # No "log in" link leading back to this very page; the way out keeps ?next.
    assert f'href="{reverse("account_login")}?next=' not in html
    assert 'href="/accounts/signup/?next=%2F2018%2F04%2F02%2F' in html
    assert f'name="next" value="{target}"' in html
    assert html.count("Forgot your password?") == 1
    assert '<button type="submit" class="button-primary">Log in</button>' in html
    make_user("ruth", email="ruth@example.org")
    response = client.post(
        reverse("account_login"), {"login": "ruth", "password": "pw-1234-test", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == target


@pytest.mark.django_db
def test_footer_links_privacy_feeds_the_challenge_and_about(client, demo, settings):
    html = text_of(client.get("/"))
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert f'href="{reverse("comments:privacy")}">Privacy</a>' in footer
    assert 'href="/feed/">RSS</a>' in footer and 'href="/feed/atom/">Atom</a>' in footer
    assert 'href="/challenge/2018/">Blogging from A to Z 2018</a>' in footer
    assert "About" not in footer and "mailto:" not in footer
    Page.objects.create(
        title="About", slug="about", body="Who writes here.", status=Page.Status.PUBLISHED
    )
    Page.objects.create(title="Colophon", slug="colophon", status=Page.Status.PUBLISHED)
    settings.BLOG_CONTACT_EMAIL = "liam@example.org"
    footer = text_of(client.get("/archive/")).split('<footer class="site-footer">', 1)[1]
    assert 'href="/about/">About</a>' in footer
    assert 'href="mailto:liam@example.org">Contact</a>' in footer
    assert "Colophon" not in footer


@pytest.mark.django_db
def test_privacy_page_says_how_to_write_to_the_author(client, settings):
    html = text_of(client.get(reverse("comments:privacy")))
    assert "The author has not published an address." in html
    settings.BLOG_CONTACT_EMAIL = "liam@example.org"
    html = text_of(client.get(reverse("comments:privacy")))
    assert 'Write to <a href="mailto:liam@example.org">liam@example.org</a>' in html
