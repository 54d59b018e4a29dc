"""Likes of posts and comments: "Liked by N people", once per person, with or without JavaScript."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG

from comments.models import Like
from tests.comment_helpers import add_comment
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def like_comment_url(comment):
    return reverse("comments:like_comment", args=[comment.pk])


def like_post_url(post):
    return reverse("comments:like_post", args=[post.pk])


def test_an_anonymous_like_counts_once_per_browser(client):
    post = make_post()
    comment = add_comment(post, "Nice")
    first = client.post(like_comment_url(comment), {"next": post.get_absolute_url()})
    assert first.status_code == 302
    assert first["Location"] == post.get_absolute_url()
    assert first.cookies["reader"]["httponly"]
    client.post(like_comment_url(comment))
    assert Like.objects.filter(comment=comment).count() == 1
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Liked by 1 person" in page
    assert 'aria-pressed="true">Liked</button>' in page


def test_like_without_reload_answers_json(client):
    post = make_post()
    comment = add_comment(post, "Nice")
    response = client.post(like_comment_url(comment), **JSON)
    assert response.json() == {"count": 1, "label": "Liked by 1 person", "liked": True}
    again = client.post(like_comment_url(comment), **JSON)
    assert again.json()["count"] == 1


def test_clearing_cookies_does_not_pile_up_likes_from_one_address(settings):
    settings.COMMENTS_LIKES_PER_IP = 3
    post = make_post()
    counts = [Client().post(like_post_url(post), **JSON).json()["count"] for _ in range(5)]
    assert counts == [1, 2, 3, 3, 3]
    other_address = Client(REMOTE_ADDR="192.0.2.7")
    assert other_address.post(like_post_url(post), **JSON).json()["count"] == 4


def test_the_address_limit_holds_with_redis(settings):
    redis_url = "redis://127.0.0.1:6379/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "test-likes",
        }
    }
    from django.core.cache import caches

    caches["default"].clear()
    try:
        settings.COMMENTS_LIKES_PER_IP = 2
        post = make_post()
        responses = [Client().post(like_post_url(post), **JSON) for _ in range(3)]
        assert [r.json()["count"] for r in responses] == [1, 2, 2]
        assert responses[-1].status_code == 429
    finally:
        caches["default"].clear()


def test_a_logged_in_like_is_an_xtd_flag_and_counts_once(client):
    post = make_post()
    comment = add_comment(post, "Nice")
    user = make_user("fan")
    client.force_login(user)
    client.post(like_comment_url(comment))
    client.post(like_comment_url(comment))
    assert CommentFlag.objects.filter(comment=comment, user=user, flag=LIKEDIT_FLAG).count() == 1
    Client().post(like_comment_url(comment))  # and one anonymous reader
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Liked by 2 people" in page


def test_post_likes_from_users_and_visitors(client):
    post = make_post()
    user = make_user("fan")
    client.force_login(user)
    client.post(like_post_url(post))
    client.post(like_post_url(post))
    Client().post(like_post_url(post))
    assert Like.objects.filter(post=post).count() == 2
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Liked by 2 people" in page


def test_a_forged_reader_cookie_is_ignored_and_replaced(client):
    post = make_post()
    client.cookies["reader"] = "somebody-else"
    response = client.post(like_post_url(post), **JSON)
    assert response.json()["count"] == 1
    assert Like.objects.get().visitor != "somebody-else"


def test_likes_only_reach_visible_things(client):
    post = make_post()
    held = add_comment(post, "Held", is_public=False)
    removed = add_comment(post, "Removed", is_removed=True)
    draft = make_post(status="draft")
    on_draft = add_comment(draft, "On a draft")
    assert client.post(like_comment_url(held)).status_code == 404
    assert client.post(like_comment_url(removed)).status_code == 404
    assert client.post(like_comment_url(on_draft)).status_code == 404
    assert client.post(like_post_url(draft)).status_code == 404
    assert client.post("/comments/likes/comment/999999/").status_code == 404
    assert client.get(like_post_url(post)).status_code == 405
    assert not Like.objects.exists()


def test_like_redirects_only_to_this_site(client):
    post = make_post()
    response = client.post(like_post_url(post), {"next": "https://evil.example/"})
    assert response["Location"] == f"{post.get_absolute_url()}#comments"


def test_the_owner_sees_likes_in_the_admin(staff_client):
    post = make_post("Liked post")
    Client().post(like_post_url(post))
    response = staff_client.get(reverse("admin:blog_comments_like_changelist"))
    assert response.status_code == 200
    assert "Liked post" in response.content.decode()
