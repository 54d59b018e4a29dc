"""Commenters' accounts: login icons above the comment form, and each social login end to end.

The logins run through allauth's own views and adapters; only the provider's servers are
replaced, by a fake on 127.0.0.1 (tests/fake_oauth.py) that allauth reaches over HTTP.
"""

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.facebook import flows as facebook_flows
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments.wpcom.views import WordPressComOAuth2Adapter
from tests.factories import make_post, make_user
from tests.fake_oauth import CLIENTS, PROFILES, FakeProviders
from tests.queries import build_afresh
from tests.task_helpers import run_tasks

PROVIDER_IDS = ["google", "twitter_oauth2", "facebook", "wordpress"]
ICON_LABELS = {
    "google": "Log in with Google",
    "twitter_oauth2": "Log in with X (Twitter)",
    "facebook": "Log in with Facebook",
    "wordpress": "Log in with WordPress.com",
}


def configure(settings, *provider_ids):
    """Keys for these providers, as the environment variables would give them."""
    providers = {key: dict(value) for key, value in settings.SOCIALACCOUNT_PROVIDERS.items()}
    for provider_id in PROVIDER_IDS:
        providers[provider_id]["APPS"] = []
    for provider_id in provider_ids:
        client_id, secret = CLIENTS[provider_id]
        providers[provider_id]["APPS"] = [{"client_id": client_id, "secret": secret, "key": ""}]
    settings.SOCIALACCOUNT_PROVIDERS = providers


@pytest.fixture
def fake_providers(monkeypatch, settings):
    """Every provider configured, and its endpoints moved to the fake server."""
    configure(settings, *PROVIDER_IDS)
    with FakeProviders() as fake:
        for adapter, provider_id, profile_attr in (
            (GoogleOAuth2Adapter, "google", None),
            (TwitterOAuth2Adapter, "twitter_oauth2", "profile_url"),
            (FacebookOAuth2Adapter, "facebook", None),
            (WordPressComOAuth2Adapter, "wordpress", "profile_url"),
        ):
            monkeypatch.setattr(adapter, "authorize_url", fake.url(provider_id, "authorize"))
            monkeypatch.setattr(adapter, "access_token_url", fake.url(provider_id, "token"))
            if profile_attr:
                monkeypatch.setattr(adapter, profile_attr, fake.url(provider_id, "me"))
        # Facebook's Graph API root, from which allauth asks for /me.
        monkeypatch.setattr(facebook_flows, "GRAPH_API_URL", f"{fake.base}/facebook/graph")
        yield fake


def icons_on(page):
    return {provider_id for provider_id, label in ICON_LABELS.items() if label in page}


@pytest.mark.django_db
def test_no_login_icons_when_no_provider_is_configured(client, settings):
    configure(settings)
    post = make_post()
    page = client.get(post.get_absolute_url()).content.decode()
    assert icons_on(page) == set()
    assert "Fill in your details below or" in page
    assert reverse("account_login") in page  # a local account still works


@pytest.mark.django_db
def test_only_configured_providers_show_an_icon(client, settings):
    configure(settings, "google", "wordpress")
    post = make_post()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Fill in your details below or click an icon to log in" in page
    assert icons_on(page) == {"google", "wordpress"}
    assert reverse("google_login") in page
    assert reverse("facebook_login") not in page


@pytest.mark.django_db
def test_a_social_app_added_in_the_admin_shows_its_icon(client, settings):
    configure(settings)
    app = SocialApp.objects.create(
        provider="facebook", name="Facebook", client_id="from-admin", secret="s"
    )
    app.sites.add(Site.objects.get_current())
    page = client.get(make_post().get_absolute_url()).content.decode()
    assert icons_on(page) == {"facebook"}


@pytest.mark.django_db
def test_login_icons_cost_one_query_for_any_number_of_providers(
    rf, settings, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template("{% load login_icons %}{% login_icons %}")
    for provider_ids in ((), tuple(PROVIDER_IDS)):
        configure(settings, *provider_ids)
        request = rf.get("/")
        request.user = AnonymousUser()
        with django_assert_num_queries(1):  # the admin's SocialApp rows
            html = template.render(Context({"request": request, "csrf_token": "t"}))
        assert icons_on(html) == set(provider_ids)


def log_in_through(client, fake, provider_id, next_url):
    """Click the icon, agree at the (fake) provider, come back: the browser's part of it."""
    start = client.post(reverse(f"{provider_id}_login"), {"next": next_url, "process": "login"})
    assert start.status_code == 302
    authorize_url = start["Location"]
    assert authorize_url.startswith(fake.url(provider_id, "authorize"))
    at_provider = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == reverse(f"{provider_id}_callback")
    return client.get(back.path, parse_qs(back.query))


@pytest.mark.django_db
@pytest.mark.parametrize("provider_id", PROVIDER_IDS)
def test_social_login_creates_the_account_and_returns_to_the_post(
    client, fake_providers, provider_id
):
    post = make_post()
    next_url = post.get_absolute_url() + "#respond"
    response = log_in_through(client, fake_providers, provider_id, next_url)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == next_url
    account = SocialAccount.objects.get(provider=provider_id)
    profile = PROFILES[provider_id]
    assert account.uid == str(profile.get("sub") or profile.get("id") or profile.get("ID"))
    assert int(client.session["_auth_user_id"]) == account.user_id
    # The code was exchanged for a token and the profile read, both over HTTP.
    asked = [endpoint for provider, endpoint in fake_providers.calls if provider == provider_id]
    assert asked[:2] == ["authorize", "token"]
    if provider_id != "google":  # Google's profile comes inside the token answer (id_token)
        assert asked[2] in {"me", "graph/me"}

    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting as" in page
    assert icons_on(page) == set()


@pytest.mark.django_db
def test_second_login_with_the_same_provider_finds_the_same_account(client, fake_providers):
    post = make_post()
    log_in_through(client, fake_providers, "wordpress", post.get_absolute_url())
    client.logout()
    log_in_through(client, fake_providers, "wordpress", post.get_absolute_url())
    assert get_user_model().objects.filter(socialaccount__provider="wordpress").count() == 1
    user = SocialAccount.objects.get(provider="wordpress").user
    assert (user.username, user.email, user.get_full_name()) == (
        "wendypress",
        "wendy@example.com",
        "Wendy Press",
    )


@pytest.mark.django_db
def test_a_refused_code_shows_an_error_page_and_logs_nobody_in(client, fake_providers):
    post = make_post()
    start = client.post(reverse("google_login"), {"next": post.get_absolute_url()})
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(reverse("google_callback"), {"code": "made-up", "state": state})
    assert response.status_code == 401
    assert "Logging in did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_account_pages_use_the_site_layout(client, settings):
    configure(settings, "google")
    page = client.get(reverse("account_login")).content.decode()
    assert 'class="site-header"' in page
    assert "Log in with Google" in page
    assert client.get(reverse("account_signup")).status_code == 200


@pytest.mark.django_db
def test_local_signup_then_login(client):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "ruth",
            "email": "ruth@example.com",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 302
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "ruth", "password": "a-long-pass-phrase-9"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


# --- Commenting while logged in ---------------------------------------------------------------


class _FormParser(HTMLParser):
    """The fields a browser would send from the page's comment form."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.action = None
        self.fields = {}
        self.visible = set()
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "comment-form" in (attrs.get("class") or ""):
            self.in_form, self.action = True, attrs.get("action")
        elif self.in_form and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "checkbox":
                return
            if kind not in {"hidden", "submit"}:
                self.visible.add(attrs["name"])
            self.fields.setdefault(attrs["name"], attrs.get("value") or "")
        elif self.in_form and tag == "textarea":
            self._textarea = attrs["name"]
            self.visible.add(attrs["name"])
            self.fields[attrs["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.in_form = False


def comment_form_on(page):
    parser = _FormParser()
    parser.feed(page)
    assert parser.action, "no comment form on the page"
    return parser


@pytest.fixture
def trusted_commenters(settings):
    """The spam filter's holds for new commenters off: these tests are about accounts."""
    settings.SPAM_MIN_SUBMIT_SECONDS = 0
    settings.SPAM_FIRST_COMMENT_HOLD = False
    cache.clear()


@pytest.mark.django_db
def test_logged_in_reader_comments_without_name_or_email(client, trusted_commenters):
    post = make_post()
    user = make_user("marta", first_name="Marta", last_name="Sol")
    client.force_login(user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting as" in page and "Marta Sol" in page
    assert "Log out" in page
    form = comment_form_on(page)
    assert form.visible == {"comment", "honeypot"}  # no name, email or website to type
    assert (form.fields["name"], form.fields["email"]) == ("", "")

    data = {**form.fields, "comment": "Seen it twice."}
    response = client.post(form.action, data)
    assert response.status_code == 302, response.content.decode()[:1500]
    comment = XtdComment.objects.get()
    assert (comment.user, comment.user_name, comment.user_email) == (
        user,
        "Marta Sol",
        "marta@example.com",
    )
    page = client.get(post.get_absolute_url()).content.decode()
    # The name links to the commenter's page, which lists the comment.
    profile_url = reverse("comments:commenter", args=[user.pk])
    assert f'href="{profile_url}"' in page
    profile = client.get(profile_url).content.decode()
    assert "Comments by Marta Sol" in profile and "Seen it twice." in profile
    assert "marta@example.com" not in profile


@pytest.mark.django_db
def test_reader_logged_in_with_x_comments_without_an_email_address(
    client, fake_providers, trusted_commenters
):
    post = make_post()
    log_in_through(client, fake_providers, "twitter_oauth2", post.get_absolute_url())
    page = client.get(post.get_absolute_url()).content.decode()
    assert "using your X (Twitter) account" in page
    form = comment_form_on(page)
    response = client.post(form.action, {**form.fields, "comment": "From X."})
    assert response.status_code == 302, response.content.decode()[:1500]
    comment = XtdComment.objects.get()
    assert (comment.user_name, comment.user_email) == ("Xavier Ode", "")


@pytest.mark.django_db
def test_commenter_page_of_someone_without_comments_is_not_found(client):
    user = make_user()
    assert client.get(reverse("comments:commenter", args=[user.pk])).status_code == 404
    assert client.get(reverse("comments:commenter", args=[987654])).status_code == 404


# --- Editing and deleting one's own comment ---------------------------------------------------


def own_comment(post, user, text="First words.", minutes_ago=1, parent=None):
    comment = XtdComment(
        content_object=post,
        site_id=1,
        user=user,
        user_name=user.get_full_name() or user.username,
        user_email=user.email,
        comment=text,
        parent_id=parent.pk if parent else 0,
        submit_date=timezone.now() - timedelta(minutes=minutes_ago),
    )
    comment.save()
    return comment


@pytest.mark.django_db
def test_author_edits_own_comment_within_the_window(client):
    cache.clear()
    post = make_post()
    user = make_user()
    comment = own_comment(post, user)
    client.force_login(user)
    page = client.get(post.get_absolute_url()).content.decode()
    edit_url = reverse("comments:edit", args=[comment.pk])
    assert edit_url in page

    form_page = client.get(edit_url)
    assert form_page.status_code == 200
    assert "First words." in form_page.content.decode()
    response = client.post(edit_url, {"comment": "Better *words* <script>x</script>"})
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Better <em>words</em>" in page
    assert "<script>x</script>" not in page  # the visitor Markdown path escapes HTML


@pytest.mark.django_db
def test_edit_errors_keep_what_was_typed(client):
    post = make_post()
    user = make_user()
    comment = own_comment(post, user)
    client.force_login(user)
    edit_url = reverse("comments:edit", args=[comment.pk])
    response = client.post(edit_url, {"comment": "   "})
    assert response.status_code == 400
    assert "Write a comment first." in response.content.decode()
    too_long = "word " * 1000
    response = client.post(edit_url, {"comment": too_long})
    assert response.status_code == 400
    assert too_long.strip()[:200] in response.content.decode()
    comment.refresh_from_db()
    assert comment.comment == "First words."


@pytest.mark.django_db
def test_no_editing_after_the_window_or_of_someone_elses_comment(client, settings):
    settings.COMMENTS_EDIT_MINUTES = 15
    post = make_post()
    user = make_user()
    old = own_comment(post, user, minutes_ago=16)
    client.force_login(user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert reverse("comments:edit", args=[old.pk]) not in page
    assert client.get(reverse("comments:edit", args=[old.pk])).status_code == 403
    assert client.post(reverse("comments:delete", args=[old.pk])).status_code == 403

    theirs = own_comment(post, make_user(), minutes_ago=1)
    assert client.get(reverse("comments:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("comments:delete", args=[theirs.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("comments:edit", args=[theirs.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client.get(reverse("comments:edit", args=[999999])).status_code == 302


@pytest.mark.django_db
def test_deleting_own_comment_keeps_the_replies(client):
    cache.clear()
    post = make_post()
    user = make_user()
    comment = own_comment(post, user, text="Regrettable remark.")
    reply = own_comment(post, make_user(), text="A reply that stays.", parent=comment)
    client.force_login(user)
    delete_url = reverse("comments:delete", args=[comment.pk])
    assert "Regrettable remark." in client.get(delete_url).content.decode()
    response = client.post(delete_url)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_removed
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Regrettable remark." not in page
    assert "A reply that stays." in page
    assert XtdComment.objects.filter(pk=reply.pk, is_removed=False).exists()


@pytest.mark.django_db
def test_account_management_pages_answer_in_the_site_layout(client):
    client.force_login(make_user())
    for name in (
        "account_email",
        "account_change_password",
        "socialaccount_connections",
        "account_logout",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert 'class="site-header"' in response.content.decode(), name


@pytest.mark.django_db
def test_log_out_from_the_comment_form_returns_to_the_post(client):
    post = make_post()
    client.force_login(make_user())
    page = client.get(post.get_absolute_url()).content.decode()
    next_url = post.get_absolute_url() + "#respond"
    logout_link = f"{reverse('account_logout')}?next={quote(next_url)}"
    assert logout_link in page
    response = client.post(reverse("account_logout"), {"next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_commenter_page_costs_the_same_queries_for_one_or_many_comments(client):
    build_afresh(client)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("prolific", first_name="Pro", last_name="Lific")
    posts = [make_post() for _ in range(3)]
    own_comment(posts[0], user, text="Only one so far.")
    url = reverse("comments:commenter", args=[user.pk])
    client.get(url)  # warm the content-type and site caches
    with CaptureQueriesContext(connection) as one:
        assert "Only one so far." in client.get(url).content.decode()
    for n in range(40):
        own_comment(posts[n % 3], user, text=f"Comment number {n}.")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count('class="comment-content"') == 20  # one page of them
    assert "Older" in page
    assert len(many) == len(one)


def test_account_mail_goes_out_through_the_task_queue(client, db, mailoutbox):
    make_user("forgetful", email="forgetful@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []  # the reader does not wait for the mail server
    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["forgetful@example.org"]
    assert "/accounts/password/reset/key/" in message.body
