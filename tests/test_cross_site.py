"""Anonymous comment and like forms carry no CSRF token (cached pages cannot): what the browser
says of where a form came from keeps another site from posting them for its visitors."""

import pytest
from django_comments_xtd.models import XtdComment

from infra.csrf import CROSS_SITE_REFUSAL
from tests.comment_helpers import POST_URL, comment_data
from tests.factories import make_post
from tests.test_likes import JSON, like_post_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache", "spam_filter_approves")]


CROSS_SITE = [
    {"HTTP_SEC_FETCH_SITE": "cross-site"},
    {"HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_ORIGIN": "null"},
    {"HTTP_ORIGIN": "http://testserver.evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
]
SAME_SITE = [
    {},  # an old client that says nothing
    {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"},
    {"HTTP_SEC_FETCH_SITE": "same-origin"},
    {"HTTP_SEC_FETCH_SITE": "none"},  # typed in the address bar, a bookmark
    {"HTTP_ORIGIN": "http://testserver"},
    {"HTTP_ORIGIN": "https://testserver:8443"},  # behind a proxy that passes the host alone
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_comment_sent_from_another_site_is_refused_with_a_message(client, headers):
    post = make_post("Grizzly Man")
    response = client.post(POST_URL, comment_data(post), **headers)
    assert response.status_code == 403
    assert CROSS_SITE_REFUSAL in response.content.decode()
    assert not XtdComment.objects.exists()


@pytest.mark.parametrize("headers", SAME_SITE)
def test_a_comment_from_this_site_or_an_old_browser_is_posted(client, headers):
    post = make_post("Grizzly Man")
    response = client.post(POST_URL, comment_data(post), **headers)
    assert response.status_code == 302
    assert XtdComment.objects.count() == 1


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_like_sent_from_another_site_is_refused(client, headers):
    post = make_post("Grizzly Man")
    response = client.post(like_post_url(post), **JSON, **headers)
    assert response.status_code == 403
    assert CROSS_SITE_REFUSAL in response.content.decode()
    assert client.post(like_post_url(post), **JSON).json()["count"] == 1


@pytest.mark.parametrize("headers", SAME_SITE)
def test_a_like_from_this_site_or_an_old_browser_counts(client, headers):
    post = make_post("Grizzly Man")
    response = client.post(like_post_url(post), **JSON, **headers)
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_an_origin_listed_as_trusted_is_accepted(client, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://reviews.example.com"]
    post = make_post("Grizzly Man")
    response = client.post(POST_URL, comment_data(post), HTTP_ORIGIN="https://reviews.example.com")
    assert response.status_code == 302
