"""Malformed input everywhere a reader, an author or an import file can send it: never a 500.

Hypothesis draws the values; the profile (tests/conftest.py) fixes the seed and the number of
examples for `make test`, and HYPOTHESIS_PROFILE=nightly runs many more.
"""

import html
import itertools
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from hypothesis import event, given, settings
from hypothesis import strategies as st

from comments.forms import CommentForm
from tests.comment_helpers import POST_URL, comment_data
from tests.factories import make_user
from tests.fuzz_strategies import (
    NASTY,
    PUBLIC_ROUTES,
    QUERY_KEYS,
    TEXT,
    VALUE,
    FormFields,
    broken_exports,
    build_address,
)

pytestmark = pytest.mark.django_db

# Slow examples (an import, an admin save) get a quarter of the profile's examples.
FEWER = settings(max_examples=max(4, settings().max_examples // 4))

# Every public address ---------------------------------------------------------------------


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{response.status_code} for {str(what)[:300]!r}"


def test_routes_were_found():
    assert len(PUBLIC_ROUTES) > 40
    assert "{}/{}/{}/{}/" in PUBLIC_ROUTES  # the post page
    assert "accounts/login/" in PUBLIC_ROUTES


@pytest.mark.parametrize("value", ["\x00", "%zz", "x" * 3000, "99999999999999999999999"])
def test_every_public_route_with_odd_segments(client, demo, value):
    for route in PUBLIC_ROUTES:
        for slash in (True, False):
            segments = [value] * route.count("{}")
            address = build_address(route, segments, True, f"page={quote(value)}", slash)
            assert_no_server_error(client.get(address), address)


@given(
    route=st.sampled_from(PUBLIC_ROUTES),
    segments=st.lists(VALUE, min_size=4, max_size=4),
    raw_percent=st.booleans(),
    query=st.lists(st.tuples(QUERY_KEYS, VALUE), max_size=4),
    slash=st.booleans(),
)
def test_public_routes_with_drawn_segments_and_queries(
    client, demo, route, segments, raw_percent, query, slash
):
    segments = segments[: route.count("{}")]
    address = build_address(route, segments, raw_percent, urlencode(query), slash)
    assert_no_server_error(client.get(address), address)


@given(
    query=VALUE,
    page=VALUE,
    extra=st.lists(st.tuples(QUERY_KEYS, VALUE), max_size=3),
)
def test_search(client, demo, query, page, extra):
    response = client.get(reverse("blog:search"), [("q", query), ("page", page), *extra])
    assert_no_server_error(response, (query, page, extra))


@given(page=VALUE)
def test_paged_lists(client, demo, page):
    for name in ("blog:home", "blog:archive", "reviews:documentary_list"):
        response = client.get(reverse(name), {"page": page})
        assert_no_server_error(response, (name, page))
        if response.status_code == 200:
            assert "<main" in response.content.decode()


# Reader's forms ---------------------------------------------------------------------------

COMMENT_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=400),
    st.sampled_from(["*bold* and [a link](javascript:alert(1))", "> quote\n\n- list", "x" * 3001]),
)


FORGEABLE_FIELDS = [
    "reply_to",
    "followup",
    "remember",
    "preview",
    "honeypot",
    "timestamp",
    "security_hash",
    "content_type",
    "object_pk",
    "form_token",
]


def check_comment_response(response, data, expected):
    """Accepted: stored exactly as typed (after the form's cleaning). Refused: a message."""
    assert_no_server_error(response, data)
    event(f"comment answered {response.status_code}")
    if response.status_code == 302 and "#c" in response["Location"]:
        assert expected.is_valid(), expected.errors
        pk = int(response["Location"].rsplit("#c", 1)[1])
        stored = XtdComment.objects.get(pk=pk)
        assert stored.comment == expected.cleaned_data["comment"]
        assert stored.user_name == expected.cleaned_data["name"]
        assert stored.user_url == expected.cleaned_data["url"]
        return stored
    page = response.content.decode()
    if response.status_code == 200:  # "Preview": the rendered comment above the form
        assert "preview" in data, "200 without asking for a preview"
        assert "<form" in page
        return None
    assert response.status_code in (400, 403, 404), response.status_code
    assert page.strip(), "an empty error page"
    # A form with errors comes back with what was typed (a forged form gets one sentence).
    comment = data["comment"]
    if "errorlist" in page and comment.strip() and "\x00" not in comment:
        typed = comment.strip().replace("\r\n", "\n")[:20]
        unescaped = page.replace("&#x27;", "'").replace("&quot;", '"')
        assert html.escape(typed, quote=False) in unescaped
    return None


@given(
    comment=COMMENT_TEXT,
    name=VALUE,
    email=st.one_of(VALUE, st.emails()),
    url=st.one_of(VALUE, st.just("https://example.org/ü?a=1")),
    extra=st.dictionaries(st.sampled_from(FORGEABLE_FIELDS), VALUE, max_size=3),
)
def test_comment_form_with_drawn_and_forged_fields(client, demo, comment, name, email, url, extra):
    data = comment_data(demo, comment=comment, name=name, email=email, url=url, **extra)
    expected = CommentForm(demo, data=data)
    check_comment_response(client.post(POST_URL, data), data, expected)


READABLE = st.characters(exclude_categories=("Cs", "Cc"))
READERS = itertools.count(1)


@given(
    comment=st.one_of(
        st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=600),
        st.sampled_from(["  padded  ", "line one\r\nline two", "tab\there", "<b>raw</b> & *md*"]),
    ),
    name=st.text(READABLE, min_size=1, max_size=50).filter(str.strip),
    url=st.one_of(st.just(""), st.just("https://example.org/ü?a=1")),
)
def test_an_accepted_comment_keeps_what_was_typed(client, demo, comment, name, url):
    # A new reader each time (address and email), so the duplicate rule does not refuse.
    n = next(READERS)
    email = f"reader{n}@example.org"
    data = comment_data(demo, comment=comment, name=name, email=email, url=url)
    expected = CommentForm(demo, data=data)
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    response = client.post(POST_URL, data, REMOTE_ADDR=address)
    stored = check_comment_response(response, data, expected)
    if expected.is_valid():
        # Whatever the form accepts is saved (held or public), never silently dropped.
        assert stored is not None, response.content.decode()[:500]


@given(
    target=st.sampled_from(["post", "comment", "missing", "huge"]),
    fields=st.dictionaries(
        st.one_of(st.sampled_from(["next", "liked", "csrfmiddlewaretoken"]), TEXT),
        VALUE,
        max_size=3,
    ),
    as_json=st.booleans(),
)
def test_like_forms(client, demo, target, fields, as_json):
    from tests.comment_helpers import add_comment

    comment = XtdComment.objects.first() or add_comment(demo)
    pk = {"post": demo.pk, "comment": comment.pk, "missing": 987654, "huge": 2**63}[target]
    name = "comments:like_comment" if target == "comment" else "comments:like_post"
    headers = {"Accept": "application/json"} if as_json else {}
    response = client.post(reverse(name, args=[pk]), fields, headers=headers)
    assert_no_server_error(response, (target, fields))


@given(
    login=VALUE,
    password=VALUE,
    extra=st.dictionaries(
        st.sampled_from(["remember", "next", "username", "email"]), VALUE, max_size=2
    ),
)
def test_login_form(client, login, password, extra):
    response = client.post(
        reverse("account_login"), {"login": login, "password": password, **extra}
    )
    assert_no_server_error(response, (login, password, extra))
    if response.status_code == 200:
        assert (
            "errorlist" in response.content.decode() or "not correct" in response.content.decode()
        )


@given(
    username=VALUE,
    email=st.one_of(VALUE, st.emails()),
    password1=VALUE,
    password2=st.one_of(VALUE, st.just(None)),
)
def test_signup_form(client, username, email, password1, password2):
    data = {"username": username, "email": email, "password1": password1}
    data["password2"] = password1 if password2 is None else password2
    response = client.post(reverse("account_signup"), data)
    assert_no_server_error(response, data)
    if response.status_code == 200:
        assert "errorlist" in response.content.decode()


# The author's post form in the admin ------------------------------------------------------


@pytest.fixture
def author_client(client, demo):
    author = make_user("writer", is_staff=True)
    author.groups.add(Group.objects.get(name="Author"))
    client.force_login(author)
    return client


POST_FIELDS = [
    "title",
    "slug",
    "body",
    "excerpt",
    "status",
    "published_at_0",
    "published_at_1",
    "challenge",
    "challenge_letter",
    "review-0-documentary",
    "review-0-rating",
    "review-0-watched_on",
    "review-0-watched_via",
    "review-0-lessons",
    "review-TOTAL_FORMS",
    "images-TOTAL_FORMS",
    "images-0-alt",
]


@FEWER
@given(
    changes=st.dictionaries(st.sampled_from(POST_FIELDS), VALUE, min_size=1, max_size=5),
    dropped=st.lists(st.sampled_from(POST_FIELDS), max_size=2),
    action=st.sampled_from(["_save", "_continue", "_preview"]),
)
def test_admin_post_form(author_client, changes, dropped, action):
    add_url = reverse("admin:blog_post_add")
    parser = FormFields()
    parser.feed(author_client.get(add_url).content.decode())
    data = {**parser.fields, "title": "A draft", "body": "Some words.", **changes, action: "1"}
    for name in dropped:
        data.pop(name, None)
    response = author_client.post(add_url, data)
    assert_no_server_error(response, data)
    if response.status_code == 200:
        page = response.content.decode()
        assert "errornote" in page or "errorlist" in page or "preview" in page.lower()


# The WordPress importer -------------------------------------------------------------------


@FEWER
@given(export=broken_exports())
def test_importer_with_broken_files(tmp_path_factory, export):
    path = tmp_path_factory.mktemp("wxr") / "export.xml"
    path.write_bytes(export)
    try:
        call_command("import_wordpress", str(path), "--dry-run", verbosity=0)
        event("imported")
    except CommandError as exc:
        event("refused with a message")
        message = str(exc)
        assert "export.xml" in message and "Nothing was imported" in message, message


# The 500s fuzzing found, kept as plain regression tests ----------------------------------


def test_social_login_without_keys_is_not_found(client):
    for provider in ("google", "twitter_oauth2", "facebook", "wordpress"):
        response = client.get(f"/accounts/{provider}/login/")
        assert response.status_code == 404, provider
        assert "<main" in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/comments/liked.json",
        "/comments/sent.json/",
        "/comments/flag/1.api/",
        "/comments/mute/some-key.json",
        "/comments/cr/1/2.json",
    ],
)
def test_comment_addresses_with_a_format_suffix_are_not_found(client, address):
    assert client.get(address).status_code == 404


def test_ids_no_table_can_hold_are_not_found(client, demo):
    huge = "9" * 25
    for address in (
        f"/comments/reply/{huge}/",
        f"/commenters/{huge}/",
        f"/preview/{huge}/",
        f"/comments/flag/{huge}/",
    ):
        assert client.get(address).status_code in (302, 404), address
    response = client.post(reverse("comments:like_post", args=[2**64]))
    assert response.status_code == 404


def test_a_reply_to_an_id_no_table_can_hold_is_a_form_error(client, demo):
    data = comment_data(demo, reply_to=str(2**63), comment="A forged reply.")
    response = client.post(POST_URL, data)
    assert response.status_code == 400
    assert "not there any more" in response.content.decode()


def test_a_like_whose_next_is_not_an_address_goes_back_to_the_post(client, demo):
    response = client.post(reverse("comments:like_post", args=[demo.pk]), {"next": "0"})
    assert response.status_code == 302
    assert response["Location"] == f"{demo.get_absolute_url()}#comments"


@pytest.mark.parametrize("value", ["1e308", "9" * 25, "x"])
def test_a_forged_documentary_id_in_the_post_form_is_a_form_error(author_client, value):
    add_url = reverse("admin:blog_post_add")
    parser = FormFields()
    parser.feed(author_client.get(add_url).content.decode())
    data = {**parser.fields, "title": "A draft", "body": "Words.", "review-0-documentary": value}
    response = author_client.post(add_url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
