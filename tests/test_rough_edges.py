"""Rough edges a new reader meets: the login page, the footer, the privacy page's contact."""

import pytest
from django.urls import reverse

from blog.models import Page
from tests.factories import make_user
from tests.task_helpers import run_tasks


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
    assert 'href="/about/">About</a>' in footer and "mailto:" not in footer  # the demo's
    Page.objects.filter(slug="about").update(status=Page.Status.DRAFT)
    footer = text_of(client.get("/challenge/")).split('<footer class="site-footer">', 1)[1]
    assert "About" not in footer
    Page.objects.filter(slug="about").update(status=Page.Status.PUBLISHED)
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


POST_ADD = "/admin/blog/post/add/"


@pytest.mark.django_db
def test_post_screen_puts_the_review_above_the_terms_with_clear_labels(admin_client):
    page = admin_client.get(POST_ADD).content.decode()
    assert page.index('name="review-0-documentary"') < page.index('name="tags"')
    assert page.index('name="review-0-documentary"') > page.index('name="challenge_letter"')
    assert "1 star</label>" in page and "1 stars" not in page
    assert "1.5 stars</label>" in page and "5 stars</label>" in page
    for name, label in (
        ("watched_on", "Date you watched it"),
        ("watched_via", "How you watched it, in your words"),
        ("watched_service", "Service you watched it on"),
    ):
        assert f'for="id_review-0-{name}">{label}:</label>' in page
    assert 'data-live-preview="lessons"' in page and 'data-live-preview="rating"' in page


@pytest.mark.django_db
def test_live_preview_includes_the_review(admin_client):
    url = reverse("admin:blog_post_markdown_preview")
    response = admin_client.post(
        url,
        {
            "body": "The *body*.",
            "review-0-rating": "1.0",
            "review-0-lessons": "That **courage** spreads.",
            "review-0-also_like": "<script>x()</script>Other films.",
        },
    )
    html = response.content.decode()
    assert html.index("<em>body</em>") < html.index("Rating")
    assert "<p>1 star out of 5</p>" in html
    assert "What can one learn from watching this documentary" in html
    assert "<strong>courage</strong>" in html
    assert "If you like this you might also want to" in html
    assert "<script" not in html and "Other films." in html
    # Without JavaScript, "Preview without saving" shows the same sections.
    data = {
        "title": "Typed",
        "slug": "typed",
        "body": "Body.",
        "status": "draft",
        "allow_comments": "on",
        "review-TOTAL_FORMS": "1",
        "review-INITIAL_FORMS": "0",
        "review-0-rating": "3.5",
        "review-0-lessons": "Lesson *one*.",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "_preview": "Preview without saving",
    }
    page = admin_client.post(POST_ADD, data).content.decode()
    assert "Preview — not saved yet" in page
    assert "<p>3.5 stars out of 5</p>" in page and "Lesson <em>one</em>." in page


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    return tmp_path


@pytest.mark.django_db
def test_demo_documentaries_get_drawn_posters_with_renditions(client, media):
    from io import StringIO

    from django.core.management import call_command

    from reviews.models import Documentary

    call_command("load_demo", stdout=StringIO())
    run_tasks()  # the renditions are drawn by the task worker
    documentaries = list(Documentary.objects.all())
    assert documentaries and all(doc.poster for doc in documentaries)
    names = {doc.pk: doc.poster.name for doc in documentaries}
    for doc in documentaries:
        picture = doc.poster_picture
        assert picture and " 320w" in picture["srcset"], doc
        assert (media / doc.poster.name).is_file()
    seed = Documentary.objects.get(slug="ai-weiwei-never-sorry-2012")
    page = text_of(client.get("/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"))
    assert f'srcset="{seed.poster_picture["srcset"]}"' in page
    assert 'alt="Poster of Ai Weiwei: Never Sorry"' in page
    # Loading again draws nothing new.
    call_command("load_demo", stdout=StringIO())
    assert {doc.pk: doc.poster.name for doc in Documentary.objects.all()} == names


@pytest.mark.django_db
def test_images_in_a_post_body_get_the_posters_srcset(client, media):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PillowImage

    from blog.models import Image
    from blog.uploads import save_image
    from infra.images import picture_data
    from tests.factories import make_post

    post = make_post("With a photo")
    buffer = io.BytesIO()
    PillowImage.new("RGB", (1600, 900), "#335577").save(buffer, "JPEG")
    image = Image(
        post=post,
        file=SimpleUploadedFile("square.jpg", buffer.getvalue(), content_type="image/jpeg"),
        alt="Tahrir Square at night",
    )
    save_image(image)
    post.body = f"Before.\n\n{image.markdown()}\n\nAfter."
    post.save()
    assert "srcset" not in post.body_html  # the copies are not drawn yet
    run_tasks()  # the worker draws them, and the post's HTML gets them
    image.refresh_from_db()
    post.refresh_from_db()
    picture = picture_data(image.renditions)
    assert f'srcset="{picture["srcset"]}"' in post.body_html
    assert 'width="1280" height="720"' in post.body_html
    assert 'alt="Tahrir Square at night"' in post.body_html
    page = text_of(client.get(post.get_absolute_url()))
    assert f'srcset="{picture["srcset"]}"' in page and 'sizes="(max-width: 42rem)' in page
    # An image from elsewhere is left as it is.
    post.body = "![Elsewhere](https://example.org/photo.jpg)"
    post.save()
    assert "srcset" not in post.body_html
