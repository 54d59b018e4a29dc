"""Writing in the admin: the review screen, previews, scheduling, revisions, roles, safety.

Every test drives the admin through its real URLs with Django's test client.
"""

import datetime
import io
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from PIL import Image as PillowImage

from blog.models import Image, Post, Revision
from blog.previews import preview_url
from infra.markup import render_markdown
from reviews.models import Documentary, Review, StreamingService
from tests.factories import make_challenge, make_documentary, make_post, make_review, make_user
from tests.queries import count_queries
from tests.task_helpers import run_tasks

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:blog_post_add")
LIST_URL = reverse("admin:blog_post_changelist")


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def post_form(author, *, documentary=None, review=None, **fields):
    """What the post screen sends: the post, one review form and one empty image form."""
    data = {
        "title": "Never Sorry",
        "slug": "never-sorry",
        "author": author.pk,
        "body": "An artist **against** the state.",
        "excerpt": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "allow_comments": "on",
        "challenge": "",
        "challenge_letter": "",
        "review-TOTAL_FORMS": "1",
        "review-INITIAL_FORMS": "0",
        "review-MIN_NUM_FORMS": "0",
        "review-MAX_NUM_FORMS": "1",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "images-0-alt": "",
        "images-0-caption": "",
    }
    if documentary is not None:
        data.update(
            {
                "review-0-documentary": documentary.pk,
                "review-0-rating": "4.0",
                "review-0-watched_on": "2018-03-30",
                "review-0-watched_via": "Netflix streaming",
                "review-0-lessons": "Courage is contagious.",
                "review-0-also_like": "",
            }
        )
    data.update(review or {})
    data.update(fields)
    return data


def edit_form(post, **fields):
    """The change form of a saved post with a review, as the browser sends it back."""
    review = post.review
    data = post_form(
        post.author,
        title=post.title,
        slug=post.slug,
        body=post.body,
        status=post.status,
        **{
            "review-INITIAL_FORMS": "1",
            "review-0-id": review.pk,
            "review-0-post": post.pk,
            "review-0-documentary": review.documentary_id,
            "review-0-rating": f"{review.rating:.1f}",
            "review-0-watched_on": "",
            "review-0-watched_via": review.watched_via,
            "review-0-lessons": review.lessons,
            "review-0-also_like": review.also_like,
        },
    )
    if post.published_at:
        local = timezone.localtime(post.published_at)
        data["published_at_0"] = f"{local:%Y-%m-%d}"
        data["published_at_1"] = f"{local:%H:%M:%S}"
    data.update(fields)
    return data


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Real hashing costs a second per user here; these tests are about the admin, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return make_user("owner", is_staff=True, is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def author_in_group(username, group="Author"):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def png_upload(name="still.png", size=(800, 450)):
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (200, 40, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# The review screen


def test_the_post_screen_carries_the_review_with_stars_preview_and_helpers(editor_client):
    page = editor_client.get(ADD_URL).content.decode()
    assert 'name="review-0-documentary"' in page
    assert 'class="star-rating"' in page and "4 stars" in page
    assert 'name="review-0-watched_via"' in page and 'name="review-0-also_available_on"' in page
    # Documentary chosen by autocomplete, with "+" to create one on the spot.
    assert "admin-autocomplete" in page
    assert reverse("admin:reviews_documentary_add") in page
    assert 'name="_preview"' in page
    assert 'name="images-0-file"' in page and 'enctype="multipart/form-data"' in page
    assert "js/admin-post.js" in page


def test_create_a_review_with_a_new_documentary(editor_client, editor):
    # The "+" beside the documentary opens the documentary form in a popup.
    response = editor_client.post(
        reverse("admin:reviews_documentary_add") + "?_popup=1",
        {
            "title": "Ai Weiwei: Never Sorry",
            "slug": "ai-weiwei-never-sorry",
            "release_year": 2012,
            "_popup": "1",
        },
    )
    assert response.status_code == 200
    assert "admin/popup_response.html" in [t.name for t in response.templates]
    documentary = Documentary.objects.get(slug="ai-weiwei-never-sorry")
    service = StreamingService.objects.create(name="Netflix")

    response = editor_client.post(
        ADD_URL,
        post_form(
            editor,
            documentary=documentary,
            review={
                "review-0-watched_service": service.pk,
                "review-0-also_available_on": [service.pk],
            },
        ),
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    post = Post.objects.get(slug="never-sorry")
    assert post.author == editor
    assert post.status == Post.Status.DRAFT
    assert post.body_html == render_markdown(post.body)
    review = post.review
    assert review.documentary == documentary
    assert review.rating == Decimal("4")
    assert review.watched_via == "Netflix streaming"
    assert review.watched_service == service
    assert list(review.also_available_on.all()) == [service]
    # Its first revision is kept, review included.
    revision = post.revisions.get()
    assert revision.data["review"]["rating"] == "4.0"

    # "View on site" on the saved post leads to its (staff-only) preview.
    page = editor_client.get(change_url(post)).content.decode()
    assert "View on site" in page
    response = editor_client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "against" in response.content.decode()


def test_editing_shows_the_saved_rating_as_checked_stars(editor_client):
    review = make_review(rating="3.5")
    page = editor_client.get(change_url(review.post)).content.decode()
    checked = re.search(r'<input[^>]*name="review-0-rating"[^>]*value="3.5"[^>]*>', page)
    assert checked and "checked" in checked.group(0)


def test_letter_is_suggested_from_the_date(editor_client):
    challenge = make_challenge(2018)
    with mock.patch(
        "django.utils.timezone.now",
        return_value=datetime.datetime(2018, 4, 3, 9, 0, tzinfo=datetime.UTC),
    ):
        response = editor_client.get(ADD_URL)
    form = response.context["adminform"].form
    assert form.initial["challenge"] == challenge.pk
    # April 1, 2018 was a Sunday: A fell on the 2nd, B on the 3rd.
    assert form.initial["challenge_letter"] == "B"
    assert "The challenge calendar gives “B” to April 3, 2018." in response.content.decode()


# Preview


def test_preview_endpoint_renders_exactly_like_the_public_page(editor_client):
    text = "A *film*.\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1))"
    response = editor_client.post(reverse("admin:blog_post_markdown_preview"), {"body": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert html == render_markdown(text)
    assert "<em>film</em>" in html and "<script" not in html and "javascript:" not in html
    assert "no-store" in response["Cache-Control"]
    assert editor_client.get(reverse("admin:blog_post_markdown_preview")).status_code == 405


def test_preview_endpoint_is_for_staff_only(client):
    url = reverse("admin:blog_post_markdown_preview")
    assert client.post(url, {"body": "x"}).status_code == 302  # to the login page
    client.force_login(make_user("reader"))
    response = client.post(url, {"body": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_preview_button_without_javascript_renders_and_keeps_everything_typed(
    editor_client, editor
):
    documentary = make_documentary("Never Sorry")
    data = post_form(
        editor,
        documentary=documentary,
        title="Typed title",
        body="Typed **body** here.",
        _preview="Preview without saving",
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview — not saved yet" in page
    assert "Typed <strong>body</strong> here." in page
    assert 'value="Typed title"' in page
    assert "Typed **body** here.</textarea>" in page
    assert "Courage is contagious.</textarea>" in page
    assert re.search(r'value="4.0"[^>]*checked', page)
    assert Post.objects.count() == 0 and Review.objects.count() == 0


def test_preview_of_a_saved_post_does_not_save_it(editor_client):
    review = make_review()
    post = review.post
    data = edit_form(post, body="Changed *only* in the preview.", _preview="Preview")
    response = editor_client.post(change_url(post), data)
    assert response.status_code == 200
    assert "Changed <em>only</em> in the preview." in response.content.decode()
    post.refresh_from_db()
    assert "Changed" not in post.body


# Draft, scheduled, published


def test_scheduled_post_appears_exactly_when_due(editor_client, editor):
    client = Client()  # a reader, not logged in
    documentary = make_documentary()
    due = (timezone.now() + datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    data = post_form(
        editor,
        documentary=documentary,
        status="published",
        published_at_0=f"{due:%Y-%m-%d}",
        published_at_1=f"{due:%H:%M:%S}",
    )
    assert editor_client.post(ADD_URL, data).status_code == 302
    post = Post.objects.get()
    assert post.published_at == due
    assert "Scheduled" in editor_client.get(LIST_URL).content.decode()

    url = post.get_absolute_url()
    home = reverse("blog:home")
    assert client.get(url).status_code == 404
    with mock.patch("django.utils.timezone.now", return_value=due - datetime.timedelta(seconds=1)):
        assert client.get(url).status_code == 404
        assert "Never Sorry" not in client.get(home).content.decode()
    with mock.patch("django.utils.timezone.now", return_value=due):
        assert client.get(url).status_code == 200
        assert "Never Sorry" in client.get(home).content.decode()


def test_shared_preview_link_shows_a_draft_to_anyone_holding_it(editor_client, settings):
    post = make_post("Secret draft", status=Post.Status.DRAFT, body="Not *yet*.")
    page = editor_client.get(change_url(post)).content.decode()
    assert "Private preview link" in page
    link = re.search(r'value="http://testserver(/preview/share/[^"]+)"', page).group(1)
    client = Client()  # whoever the link was sent to

    response = client.get(link)
    assert response.status_code == 200
    assert "Not <em>yet</em>." in response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]

    assert client.get(link[:-3] + "xx/").status_code == 404
    settings.BLOG_PREVIEW_LINK_DAYS = -1  # every link is past its time
    assert client.get(link).status_code == 404


def test_shared_link_of_a_published_post_leads_to_its_address(client):
    post = make_post("Out now")
    response = client.get(preview_url(post))
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()


def test_bulk_publish_and_unpublish(editor_client):
    first = make_post("First draft", status=Post.Status.DRAFT)
    second = make_post("Second draft", status=Post.Status.DRAFT)
    response = editor_client.post(
        LIST_URL, {"action": "publish", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert "Published 2 post(s)." in response.content.decode()
    for post in (first, second):
        post.refresh_from_db()
        assert post.is_public
    assert "First draft" in editor_client.get(reverse("blog:home")).content.decode()

    editor_client.post(LIST_URL, {"action": "unpublish", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == Post.Status.DRAFT


def test_bulk_publish_explains_a_post_it_cannot_publish(editor_client):
    make_post("Same slug", slug="same", published_at=timezone.now())
    # Publishing dates it today, on the day another post already has that slug.
    clash = make_post("Same slug draft", slug="same", status=Post.Status.DRAFT)
    response = editor_client.post(
        LIST_URL, {"action": "publish", "_selected_action": [clash.pk]}, follow=True
    )
    assert "Another post published on that day has this slug." in response.content.decode()
    clash.refresh_from_db()
    assert clash.status == Post.Status.DRAFT


# Revisions


def test_restore_an_earlier_revision(editor_client):
    documentary = make_documentary()
    other = make_documentary("Another film")
    review = make_review(rating="4", documentary=documentary, lessons="First lessons.")
    post = review.post
    post.title, post.body = "First title", "First body."
    post.save()

    # Two saves through the admin: the first keeps how the post was before it.
    data = edit_form(post, title="Second title", body="Second body.")
    data.update({"review-0-rating": "2.5", "review-0-documentary": other.pk})
    assert editor_client.post(change_url(post), data).status_code == 302
    post.refresh_from_db()
    assert (post.title, post.review.rating) == ("Second title", Decimal("2.5"))
    assert post.revisions.count() == 2

    page = editor_client.get(reverse("admin:blog_post_revisions", args=[post.pk])).content.decode()
    assert "First title" in page and "Second title" in page
    first = post.revisions.get(title="First title")
    restore_url = reverse("admin:blog_post_restore_revision", args=[post.pk, first.pk])
    page = editor_client.get(restore_url).content.decode()
    assert "First body." in page and "Restore this revision" in page

    response = editor_client.post(restore_url, follow=True)
    assert "Restored the revision" in response.content.decode()
    post.refresh_from_db()
    post.review.refresh_from_db()
    assert (post.title, post.body) == ("First title", "First body.")
    assert post.body_html == render_markdown("First body.")
    assert post.review.rating == Decimal("4")
    assert post.review.documentary == documentary
    assert post.review.lessons == "First lessons."
    assert post.revisions.count() == 3  # what was replaced stays available


def test_unchanged_save_adds_no_revision(editor_client):
    post = make_review().post
    editor_client.post(change_url(post), edit_form(post))
    editor_client.post(change_url(post), edit_form(post))
    assert post.revisions.count() == 1


# Errors keep what was typed


def test_invalid_rating_letter_and_slug_show_clear_errors_and_keep_everything(
    editor_client, editor
):
    make_challenge(2018)
    documentary = make_documentary()
    data = post_form(
        editor,
        documentary=documentary,
        title="Kept title",
        body="Kept *body*.",
        slug="not a slug!",
        challenge_letter="1",
        review={"review-0-rating": "7", "review-0-watched_via": "Kept via"},
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid “slug”" in page
    assert "Choose a letter from A to Z (1 is not one)." in page
    assert "“7” is not a rating. Choose from 0.5 to 5 stars, in half steps." in page
    assert 'value="Kept title"' in page and "Kept *body*.</textarea>" in page
    assert 'value="not a slug!"' in page and 'value="Kept via"' in page
    assert Post.objects.count() == 0


def test_letter_without_challenge_and_taken_letter_are_explained(editor_client, editor):
    challenge = make_challenge(2018)
    make_post("Taken", challenge=challenge, challenge_letter="A")
    response = editor_client.post(ADD_URL, post_form(editor, challenge_letter="B"))
    assert "A letter belongs to a challenge: choose one." in response.content.decode()
    response = editor_client.post(
        ADD_URL, post_form(editor, challenge=challenge.pk, challenge_letter="A", title="Mine")
    )
    assert "This challenge already has a post for that letter." in response.content.decode()
    assert 'value="Mine"' in response.content.decode()


# Images


def test_upload_an_image_from_the_post_screen_and_place_it_in_the_body(
    editor_client, editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = post_form(editor, body="Before the image.")
    data.update(
        {"images-0-file": png_upload(), "images-0-alt": "A red still", "images-0-caption": "Red"}
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302
    image = Image.objects.get()
    post = Post.objects.get()
    assert image.post == post and image.width == 800
    # The copies are made by a task after the request; until then the body links the original.
    assert image.renditions == [] and image.file.url in post.body
    assert run_tasks() == 1
    image.refresh_from_db()
    assert image.renditions and all((tmp_path / r["name"]).exists() for r in image.renditions)
    assert post.body.startswith("Before the image.")
    assert '<img alt="A red still"' in post.body_html
    page = editor_client.get(change_url(post)).content.decode()
    assert "image-snippet" in page and "![A red still](" in page


def test_an_image_needs_alt_text_and_must_be_an_image(editor_client, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = post_form(editor, title="With picture")
    data["images-0-file"] = png_upload()
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    data["images-0-file"] = SimpleUploadedFile("fake.png", b"not an image", "image/png")
    data["images-0-alt"] = "Fake"
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert Image.objects.count() == 0 and Post.objects.count() == 0
    assert 'value="With picture"' in response.content.decode()


# The post list


def add_comment(post, *, public=True):
    return XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site=Site.objects.get_current(),
        user_name="Reader",
        user_email="reader@example.com",
        comment="Nice.",
        is_public=public,
    )


def test_post_list_shows_state_letter_rating_and_comment_counts(editor_client):
    challenge = make_challenge(2018)
    review = make_review(
        make_post("Listed review", challenge=challenge, challenge_letter="A"), rating="4.5"
    )
    add_comment(review.post)
    add_comment(review.post)
    add_comment(review.post, public=False)
    make_post("A draft", status=Post.Status.DRAFT)
    page = editor_client.get(LIST_URL).content.decode()
    assert "Listed review" in page and "A · 2018" in page and "4.5 / 5" in page
    assert "3 (<strong>1 pending</strong>)" in page
    assert "Draft" in page

    drafts = editor_client.get(LIST_URL, {"state": "draft"}).content.decode()
    assert "A draft" in drafts and "Listed review" not in drafts
    found = editor_client.get(LIST_URL, {"q": review.documentary.title}).content.decode()
    assert "Listed review" in found and "A draft" not in found


def test_post_list_queries_do_not_grow_with_posts(editor_client):
    post = make_review().post
    add_comment(post)
    one = count_queries(editor_client, LIST_URL)
    for _ in range(20):
        add_comment(make_review().post, public=False)
    assert count_queries(editor_client, LIST_URL) == one


# Authors and editors


def test_groups_exist_with_their_permissions():
    author = Group.objects.get(name="Author")
    editor = Group.objects.get(name="Editor")
    author_perms = set(author.permissions.values_list("codename", flat=True))
    editor_perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in editor.permissions.select_related("content_type")
    }
    assert {"add_post", "change_post", "view_post", "add_documentary", "add_review"} <= author_perms
    assert "edit_any_post" not in author_perms and "delete_post" not in author_perms
    assert {
        "blog.edit_any_post",
        "blog.delete_post",
        "django_comments_xtd.change_xtdcomment",
        "django_comments.can_moderate",
    } <= editor_perms


def test_an_author_cannot_edit_another_authors_post(client):
    alice = author_in_group("alice")
    bob = author_in_group("bob")
    own = make_review(make_post("Alice's post", author=alice)).post
    others = make_review(make_post("Bob's post", author=bob)).post
    client.force_login(alice)

    listing = client.get(LIST_URL).content.decode()
    assert "Alice&#x27;s post" in listing and "Bob&#x27;s post" not in listing
    assert client.get(change_url(own)).status_code == 200
    assert client.get(change_url(others)).status_code == 302
    response = client.post(change_url(others), edit_form(others, title="Taken over"))
    assert response.status_code == 302
    others.refresh_from_db()
    assert others.title == "Bob's post"
    client.post(LIST_URL, {"action": "publish", "_selected_action": [others.pk]})
    assert Revision.objects.filter(post=others).count() == 0
    assert client.get(reverse("admin:blog_post_revisions", args=[others.pk])).status_code == 404


def test_an_author_writes_as_themself(client):
    alice = author_in_group("alice")
    bob = author_in_group("bob")
    client.force_login(alice)
    page = client.get(ADD_URL).content.decode()
    assert 'name="review-0-documentary"' in page and 'name="author"' not in page
    response = client.post(ADD_URL, post_form(bob, title="By Alice"))
    assert response.status_code == 302
    assert Post.objects.get(title="By Alice").author == alice


def test_an_editor_edits_anyones_post(client):
    editor = author_in_group("erin", group="Editor")
    post = make_post("Someone's post")
    client.force_login(editor)
    assert client.get(change_url(post)).status_code == 200
    assert "Someone&#x27;s post" in client.get(LIST_URL).content.decode()


# Admin safety


def test_repeated_failed_logins_lock_the_account_for_a_while(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("owner2", is_staff=True, is_superuser=True)
    login = reverse("admin:login")
    for _ in range(3):
        client.post(login, {"username": "owner2", "password": "wrong"})
    response = client.post(login, {"username": "owner2", "password": "pw-1234-test"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_correct_login_through_the_form_works(client):
    make_user("owner3", is_staff=True, is_superuser=True)
    response = client.post(
        reverse("admin:login"), {"username": "owner3", "password": "pw-1234-test"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
