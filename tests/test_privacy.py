"""Commenters' privacy: the privacy page, IP addresses kept only so long, export and erasure."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from comments.models import Like
from comments.spam.models import Moderation
from tests.comment_helpers import thread_parents
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

EMAIL = "nina@example.org"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def comment(post, text, *, parent=None, days_ago=0, **fields):
    fields.setdefault("user_name", "Reader")
    fields.setdefault("user_email", "reader@example.org")
    made = XtdComment(
        content_object=post,
        site_id=1,
        comment=text,
        parent_id=parent.pk if parent else 0,
        submit_date=timezone.now() - timedelta(days=days_ago),
        **fields,
    )
    made.save()
    return made


@pytest.fixture
def nina_in_threads():
    """Nina comments in two threads under two posts; others reply to her and she to them."""
    first, second = make_post("Hoop Dreams"), make_post("Man on Wire")
    user = make_user("nina", email=EMAIL, first_name="Nina", last_name="Park")
    SocialAccount.objects.create(user=user, provider="google", uid="g-123")
    nina = {"user_name": "Nina Park", "user_email": EMAIL, "user_url": "https://nina.example.org"}

    opener = comment(first, "Opening thoughts.", ip_address="203.0.113.5", **nina)
    reply = comment(first, "Answering Nina.", parent=opener, ip_address="198.51.100.7")
    nina_again = comment(
        first, "Thanks!", parent=reply, ip_address="203.0.113.5", user=user, **nina
    )
    under_nina_again = comment(first, "Glad you two agree.", parent=nina_again)
    someone = comment(second, "A first comment.")
    nina_on_second = comment(
        second,
        "Nina here, typed email in other case.",
        parent=someone,
        user_name="N. Park",
        user_email="NINA@example.org",
        ip_address="203.0.113.9",
    )
    Moderation.objects.create(
        comment=opener, status="approved", user_agent="Firefox/140", referrer="https://x.test/"
    )
    Like.objects.create(post=second, user=user)
    CommentFlag.objects.create(comment=reply, user=user, flag=LIKEDIT_FLAG)
    return {
        "user": user,
        "posts": (first, second),
        "mine": [opener, nina_again, nina_on_second],
        "others": [reply, under_nina_again, someone],
    }


def export(email):
    out = StringIO()
    call_command("export_personal_data", email, stdout=out)
    return json.loads(out.getvalue())


def test_export_lists_comments_likes_and_account(nina_in_threads):
    data = export(EMAIL)
    first, second = nina_in_threads["posts"]
    assert [c["text"] for c in data["comments"]] == [
        "Opening thoughts.",
        "Thanks!",
        "Nina here, typed email in other case.",
    ]
    opener = data["comments"][0]
    assert opener["post"] == {"title": "Hoop Dreams", "url": first.get_absolute_url()}
    assert opener["ip_address"] == "203.0.113.5"
    assert opener["website"] == "https://nina.example.org"
    assert opener["browser"] == "Firefox/140"
    assert opener["in_reply_to"] is None
    assert data["comments"][1]["in_reply_to"] == nina_in_threads["others"][0].pk
    assert data["comments"][2]["post"]["title"] == "Man on Wire"
    assert data["likes"] == [
        {"post": "Man on Wire", "url": second.get_absolute_url(), "date": data["likes"][0]["date"]},
        {"comment": nina_in_threads["others"][0].pk, "date": data["likes"][1]["date"]},
    ]
    [account] = data["accounts"]
    assert (account["username"], account["email"]) == ("nina", EMAIL)
    assert account["logins_with"] == [{"provider": "google", "uid": "g-123"}]
    # Nobody else's words or addresses.
    text = json.dumps(data)
    assert "Answering Nina." not in text and "198.51.100.7" not in text


def test_export_of_an_unknown_address_is_empty_and_a_bad_one_refused():
    data = export("nobody@example.org")
    assert (data["comments"], data["likes"], data["accounts"]) == ([], [], [])
    with pytest.raises(CommandError):
        call_command("export_personal_data", "not-an-email")


def test_erase_keeps_the_comments_and_the_threads_whole(client, nina_in_threads):
    first, second = nina_in_threads["posts"]
    before = {
        post.pk: thread_parents(client.get(post.get_absolute_url()).content.decode())
        for post in (first, second)
    }
    assert (len(before[first.pk]), len(before[second.pk])) == (4, 2)
    out = StringIO()
    call_command("erase_personal_data", EMAIL, stdout=out)
    assert "Anonymized 3 comment(s) and 2 like(s)" in out.getvalue()

    for mine in nina_in_threads["mine"]:
        mine.refresh_from_db()
        assert (mine.user_id, mine.user_name, mine.user_email, mine.user_url, mine.ip_address) == (
            None,
            "Anonymous",
            "",
            "",
            None,
        )
        assert not mine.is_removed and mine.is_public
    assert Moderation.objects.get().user_agent == ""
    # Others' comments, including the replies under Nina's, are untouched and in place.
    for other in nina_in_threads["others"]:
        assert XtdComment.objects.get(pk=other.pk).user_name == "Reader"
    for post in (first, second):
        page = client.get(post.get_absolute_url()).content.decode()
        assert thread_parents(page) == before[post.pk]
        assert "Nina" not in page.replace("Nina here", "").replace("Answering Nina", "")
        assert "nina.example.org" not in page
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Opening thoughts." in page and "Glad you two agree." in page
    # The likes still count, but no longer say whose they were.
    post_like = Like.objects.get(post=second)
    assert post_like.user_id is None and post_like.visitor
    assert not CommentFlag.objects.filter(user=nina_in_threads["user"]).exists()
    comment_like = Like.objects.get(comment=nina_in_threads["others"][0])
    assert comment_like.user_id is None and comment_like.visitor
    assert export(EMAIL)["comments"] == []


def test_erase_can_delete_the_account_but_never_a_staff_account(nina_in_threads):
    call_command("erase_personal_data", EMAIL, "--delete-account", stdout=StringIO())
    assert not SocialAccount.objects.exists()
    assert not type(nina_in_threads["user"]).objects.filter(username="nina").exists()
    assert XtdComment.objects.count() == 6

    make_user("boss", email="boss@example.org", is_staff=True)
    call_command("erase_personal_data", "boss@example.org", "--delete-account", stdout=StringIO())
    assert type(nina_in_threads["user"]).objects.filter(username="boss").exists()


def test_anonymize_comment_ips_clears_only_old_addresses(settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    post = make_post()
    old = comment(post, "Old.", days_ago=31, ip_address="203.0.113.1")
    recent = comment(post, "Recent.", days_ago=29, ip_address="203.0.113.2")
    Moderation.objects.create(comment=old, user_agent="Old browser", referrer="https://r.test/")
    Moderation.objects.create(comment=recent, user_agent="New browser")

    out = StringIO()
    call_command("anonymize_comment_ips", stdout=out)
    assert "Cleared the IP address of 1 comment(s) older than 30 days." in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, recent.ip_address) == (None, "203.0.113.2")
    assert Moderation.objects.get(comment=old).user_agent == ""
    assert Moderation.objects.get(comment=recent).user_agent == "New browser"

    call_command("anonymize_comment_ips", "--days", "0", stdout=StringIO())
    recent.refresh_from_db()
    assert recent.ip_address is None
    with pytest.raises(CommandError):
        call_command("anonymize_comment_ips", "--days", "-1", stdout=StringIO())


def test_privacy_page_tells_what_is_kept_and_who_sees_it(client, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 45
    settings.AKISMET_API_KEY = ""
    page = client.get(reverse("comments:privacy")).content.decode()
    for stored in ("name", "email address", "website", "IP address", "Browser (user agent)"):
        assert stored in page
    assert "45 days, then erased" in page
    assert "Akismet" not in page
    assert "no comment data is sent to" in page

    settings.AKISMET_API_KEY = "a-key"
    page = client.get(reverse("comments:privacy")).content.decode()
    assert "This site uses Akismet to reduce spam" in page


def test_owner_exports_and_erases_from_the_personal_data_page(client, nina_in_threads):
    url = reverse("comments:personal_data")
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(make_user("editor2", is_staff=True))
    assert client.get(url).status_code == 403  # staff, but not the owner
    client.force_login(make_user("owner", is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200

    response = client.post(url, {"email": EMAIL, "export": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert len(json.loads(response.content)["comments"]) == 3

    response = client.post(url, {"email": EMAIL, "erase": "1"})
    assert response.status_code == 400
    assert "Tick this box to erase." in response.content.decode()
    assert EMAIL in response.content.decode()  # what was typed is kept
    assert XtdComment.objects.filter(user_email__iexact=EMAIL).count() == 3

    response = client.post(url, {"email": EMAIL, "erase": "1", "confirm_erase": "on"}, follow=True)
    assert "3 comment(s) now signed Anonymous" in response.content.decode()
    assert not XtdComment.objects.filter(user_email__iexact=EMAIL).exists()
    assert XtdComment.objects.filter(user_name="Anonymous").count() == 3

    response = client.post(url, {"email": "not an email", "export": "1"})
    assert response.status_code == 400


def test_comment_form_names_akismet_only_when_it_is_on(client, settings):
    post = make_post()
    settings.AKISMET_API_KEY = ""
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Learn how your comment data is processed" in page
    assert f'href="{reverse("comments:privacy")}"' in page
    assert "Akismet" not in page
    settings.AKISMET_API_KEY = "a-key"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "This site uses Akismet to reduce spam." in page
