"""Content-Security-Policy, the other security headers, cookies and the login lockout."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db

REPORT_URL = reverse("security:csp_report")
ROOT_DIR = Path(__file__).resolve().parent.parent


def policy_of(response, header="Content-Security-Policy"):
    """The policy as {directive: [values]}."""
    directives = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response, header="Content-Security-Policy"):
    policy = policy_of(response, header)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"][:2] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"][0] == "'self'"
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["report-uri"] == [REPORT_URL]
    assert policy["report-to"] == ["csp-endpoint"]
    assert response["Reporting-Endpoints"] == f'csp-endpoint="http://testserver{REPORT_URL}"'
    for loose in ("'unsafe-inline'", "'unsafe-eval'", "*", "https:", "http:"):
        assert loose not in response[header]
    return policy


def assert_other_headers(response):
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


# The policy on every kind of page


def test_post_page_has_the_strict_policy(client, demo):
    response = client.get(demo.get_absolute_url())
    assert response.status_code == 200
    assert_strict(response)
    assert_other_headers(response)
    assert "Content-Security-Policy-Report-Only" not in response


def test_home_search_and_feeds_have_it(client, demo):
    for url in (reverse("blog:home"), reverse("blog:search") + "?q=weiwei", reverse("blog:feed")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_admin_pages_have_it(client):
    client.force_login(make_staff())
    for url in (
        reverse("admin:index"),
        reverse("admin:blog_post_changelist"),
        reverse("admin:blog_post_add"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
    client.logout()
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_strict(response)


def test_account_pages_have_it(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_strict(response)


def test_error_pages_have_it(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert_strict(response)
    assert_other_headers(response)


@override_settings(ROOT_URLCONF="tests.security_urls")
def test_server_error_page_has_it():
    from django.test import Client

    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert_strict(response)
    assert_other_headers(response)


def test_static_files_from_whitenoise_have_it(client):
    from whitenoise.middleware import WhiteNoiseFileResponse

    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert isinstance(response, WhiteNoiseFileResponse)  # whitenoise's, not a Django view's
    assert b".avatar-hue-11 { --avatar-hue: 330; }" in b"".join(response.streaming_content)
    assert_strict(response)
    assert_other_headers(response)


def test_hsts_only_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert "Strict-Transport-Security" not in client.get("/no/such/page/")
    response = client.get("/no/such/page/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    static = client.get("/static/css/site.css", secure=True)
    assert "Strict-Transport-Security" in static


def test_no_inline_style_or_script_in_our_templates():
    root = ROOT_DIR
    offenders = []
    for path in [
        *root.joinpath("templates").rglob("*.html"),
        *root.joinpath("static/js").rglob("*.js"),
    ]:
        if "email" in path.relative_to(root).parts:
            continue  # mail is read in mail clients, not under the site's policy; CSS is inlined
        text = path.read_text()
        for needle in ("style=", "<style", " onclick=", " onload=", " onsubmit=", "javascript:"):
            if needle in text:
                offenders.append(f"{path.relative_to(root)}: {needle}")
        for chunk in text.split("<script")[1:]:
            opening = chunk.split(">", 1)[0]
            if "src=" not in opening and "application/ld+json" not in opening:
                offenders.append(f"{path.relative_to(root)}: inline <script>")
    assert offenders == []


def test_no_admin_change_list_needs_djangos_inline_style():
    """Django 5.2's admin runs no inline script (prepopulate, popups and the change form read
    data attributes from static files); its one inline <style> is in change_list.html, for a
    ModelAdmin with neither action bar. None of ours may be one."""
    from django.contrib import admin

    bare = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not model_admin.actions_on_top and not model_admin.actions_on_bottom
    ]
    assert bare == []


def test_the_avatar_palette_is_twelve_classes_in_the_stylesheet():
    """The avatar colour comes from a class (no inline style); each sets the hue the .avatar
    rule reads."""
    import re

    css = (ROOT_DIR / "static/css/site.css").read_text()
    hues = dict(re.findall(r"\.avatar-hue-(\d+) \{ --avatar-hue: (\d+); \}", css))
    assert hues == {str(k): str(k * 30) for k in range(12)}
    assert "hsl(var(--avatar-hue" in css


def test_xtds_confirmation_pages_are_not_served(client, demo):
    """They carry inline styles, fetch a Gravatar and print the commenter's email."""
    from tests.comment_helpers import add_comment

    comment = add_comment(demo, user_email="private@example.org")
    client.force_login(make_user("curious"))
    for kind in ("like", "dislike", "flag"):
        response = client.get(f"/comments/{kind}/{comment.pk}/")
        assert response.status_code == 404, kind
        assert "private@example.org" not in response.content.decode()
        assert client.post(f"/comments/{kind}/{comment.pk}/").status_code == 404


def test_json_ld_stays_a_data_block(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    assert '<script type="application/ld+json">' in html


# Settings: extra image hosts, OAuth providers, report-only


def settings_in_child(env, expression):
    """Evaluates `expression` (JSON-printed) in a fresh process with these variables."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))"
    )
    # Only the variables given here: none of the test run's own settings or login keys.
    own = ("DJANGO_", "CSP_", "GOOGLE_", "X_CLIENT", "FACEBOOK_", "WORDPRESS_", "DATABASE_URL")
    base = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT_DIR,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_extra_image_hosts_and_configured_providers_join_the_policy():
    directives = settings_in_child(
        {
            "CSP_EXTRA_IMG_SRC": "https://example.files.wordpress.com,https://i0.wp.com",
            "GOOGLE_CLIENT_ID": "id",
            "GOOGLE_CLIENT_SECRET": "secret",
        },
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']",
    )
    assert directives["img-src"] == [
        "'self'",
        "data:",
        "https://example.files.wordpress.com",
        "https://i0.wp.com",
    ]
    # Google has keys; X, Facebook and WordPress.com do not.
    assert directives["form-action"] == ["'self'", "https://accounts.google.com"]


def test_without_keys_forms_go_only_to_this_site(client):
    assert policy_of(client.get(reverse("account_login")))["form-action"] == ["'self'"]


def test_a_social_app_added_in_the_admin_joins_form_action_at_once(
    client, django_capture_on_commit_callbacks
):
    from allauth.socialaccount.models import SocialApp
    from django.contrib.sites.models import Site

    login = reverse("account_login")
    assert policy_of(client.get(login))["form-action"] == ["'self'"]
    with django_capture_on_commit_callbacks(execute=True):
        app = SocialApp.objects.create(provider="wordpress", name="WP", client_id="i", secret="s")
        app.sites.add(Site.objects.get_current())
    assert policy_of(client.get(login))["form-action"] == [
        "'self'",
        "https://public-api.wordpress.com",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        app.delete()
    assert policy_of(client.get(login))["form-action"] == ["'self'"]


def test_report_only_switch_in_the_environment():
    enforced, report_only = settings_in_child(
        {"CSP_REPORT_ONLY": "1"},
        "[getattr(settings, 'CONTENT_SECURITY_POLICY', None), "
        "settings.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['script-src']]",
    )
    assert enforced is None
    assert report_only == ["'self'"]


def test_report_only_sends_the_report_only_header(client, demo, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get(demo.get_absolute_url())
    assert "Content-Security-Policy" not in response
    assert_strict(response, header="Content-Security-Policy-Report-Only")


def test_an_unreachable_cache_takes_no_page_down(client, demo, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/2",  # nothing listens there
        }
    }
    assert_strict(client.get(reverse("account_login")))
    body = json.dumps({"csp-report": {"blocked-uri": "inline"}})
    response = client.post(REPORT_URL, body, content_type="application/csp-report")
    assert response.status_code == 429  # cannot count, so nothing is logged


# Cookies


def test_session_and_csrf_cookies_are_flagged(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    make_user("reader")
    page = client.get(reverse("account_login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("account_login"),
        {"login": "reader", "password": "pw-1234-test"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"


def test_production_settings_flag_cookies_secure():
    values = settings_in_child(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "reviews.example.com",
        },
        "[settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SESSION_COOKIE_HTTPONLY, settings.CSRF_COOKIE_HTTPONLY, "
        "settings.SECURE_HSTS_SECONDS > 0]",
    )
    assert values == [True, True, True, True, True]


# django-axes on allauth's login form


@pytest.mark.parametrize("login_as", ["username", "email"])
def test_failed_allauth_logins_lock_the_account_out(client, settings, login_as):
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user("ines")
    login = reverse("account_login")
    name = user.username if login_as == "username" else user.email
    for _ in range(2):
        response = client.post(login, {"login": name, "password": "wrong"})
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    # The third failure reaches the limit: from now on even the right password is refused.
    assert client.post(login, {"login": name, "password": "wrong"}).status_code == 429
    response = client.post(login, {"login": name, "password": "pw-1234-test"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Still locked on the admin's form, which counts against the same username.
    response = client.post(reverse("admin:login"), {"username": "ines", "password": "pw-1234-test"})
    assert response.status_code == 429
