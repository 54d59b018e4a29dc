"""Moving out: `manage.py export_wordpress` and the admin button write a WXR 1.2 file that
WordPress's importer reads and this site's importer reads back to the same content."""

import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Category, Challenge, Image, Page, Post, Tag
from comments.demo import load_demo_comments
from comments.models import Like
from comments.spam.models import Moderation
from importer.models import WordPressItem
from infra.markup import html_to_text
from reviews.models import Company, Documentary, Person, Review
from tests.comment_helpers import add_comment
from tests.factories import make_documentary, make_post, make_review, make_staff, make_user

WP = "{http://wordpress.org/export/1.2/}"
SITE = "https://blog.example"
STATE = {(True, False): "public", (False, False): "held", (False, True): "removed"}


def export(path):
    call_command("export_wordpress", "--output", str(path), "--site", SITE)
    return path


@pytest.fixture
def demo_with_comments(demo):
    load_demo_comments()
    return demo


def moderate(comment, status):
    Moderation.objects.update_or_create(comment=comment, defaults={"status": status})
    XtdComment.norel_objects.filter(pk=comment.pk).update(
        is_public=status == "approved", is_removed=status == "removed"
    )


@pytest.fixture
def blog(demo_with_comments):
    """The demo, plus what a real blog also holds: a scheduled post, pages and comments
    held, marked as spam and removed."""
    seed = demo_with_comments
    author = seed.author
    make_post(
        "Coming next week",
        author=author,
        published_at=timezone.now() + datetime.timedelta(days=7),
        body="Scheduled, with *emphasis* & an ampersand ]]> and a CDATA end.",
    )
    tricky = make_review(
        make_post("Movie Review: The War Room (1993)", author=author),
        make_documentary(
            "The War Room", directors=["Chris Hegedus", "D A Pennebaker, Jr."], year=1993
        ),
        rating="3.5",
        lessons="A first paragraph.\n\nA second one, with *emphasis* & a [link](https://example.org/).",
        also_like="- one\n- two",
        watched_via="a library DVD",
        watched_on=datetime.date(2024, 2, 3),
    )
    tricky.documentary.production_companies.add(
        Company.objects.create(name="Pennebaker Associates, Inc.", slug="pennebaker")
    )
    Page.objects.create(
        title="Colophon",
        slug="colophon",
        body="How this blog is made.",
        status="published",
        published_at=timezone.now() - datetime.timedelta(days=30),
    )
    Page.objects.create(title="Unfinished page", slug="unfinished", body="Not yet.")
    first = XtdComment.objects.filter(object_pk=str(seed.pk), level=0).order_by("pk").first()
    moderate(add_comment(seed, "Please hold me.", user_name="Held Reader"), "pending")
    moderate(add_comment(seed, "Buy cheap pills", user_name="Spammer"), "spam")
    moderate(add_comment(seed, "Removed by the author", user_name="Rude"), "removed")
    add_comment(seed, "A reply at the second level.", parent=first, user_name="Replier")
    return seed


def snapshot():
    """What readers and the author see of the blog, independent of primary keys."""
    posts = {}
    for post in (
        Post.objects.select_related("challenge", "author")
        .prefetch_related("tags", "categories")
        .order_by("pk")
    ):
        posts[post.title] = {
            "slug": post.slug,
            "status": post.status,
            # WordPress dates are to the second.
            "published_at": post.published_at.replace(microsecond=0)
            if post.status == "published"
            else None,
            "allow_comments": post.allow_comments,
            "challenge": (post.challenge and post.challenge.year, post.challenge_letter),
            "author": post.author.username,
            "excerpt": post.excerpt,
            "tags": sorted(t.slug for t in post.tags.all()),
            "categories": sorted(c.slug for c in post.categories.all()),
            "text": " ".join(html_to_text(post.body_html).split()),
        }
    pages = {
        page.slug: (page.title, page.status, " ".join(html_to_text(page.body_html).split()))
        for page in Page.objects.all()
    }
    reviews = {}
    for review in Review.objects.select_related("documentary", "post", "watched_service"):
        documentary = review.documentary
        reviews[review.post.title] = {
            "documentary": documentary.title,
            "release_year": documentary.release_year,
            "release_date": documentary.release_date,
            "directors": sorted(documentary.directors.values_list("name", flat=True)),
            "companies": sorted(documentary.production_companies.values_list("name", flat=True)),
            "rating": review.rating,
            "watched_on": review.watched_on,
            "watched_via": review.watched_via,
            "lessons_markdown": review.lessons,
            "also_like_markdown": review.also_like,
            "watched_service": review.watched_service and review.watched_service.name,
            "also_available_on": sorted(review.also_available_on.values_list("name", flat=True)),
            "lessons": " ".join(html_to_text(review.lessons_html).split()),
            "also_like": " ".join(html_to_text(review.also_like_html).split()),
        }
    titles = dict(Post.objects.values_list("pk", "title"))
    comments = {}
    by_pk = {c.pk: c for c in XtdComment.objects.select_related("moderation")}
    for comment in by_pk.values():
        parent = by_pk.get(comment.parent_id) if comment.parent_id != comment.pk else None
        moderation = getattr(comment, "moderation", None)
        comments[(titles[int(comment.object_pk)], comment.user_name, comment.comment)] = {
            "parent": parent and (parent.user_name, parent.comment),
            "level": comment.level,
            "thread": by_pk[comment.thread_id].comment,
            "is_public": comment.is_public,
            "is_removed": comment.is_removed,
            "moderation": moderation.status if moderation else "approved",
            "submit_date": comment.submit_date.replace(microsecond=0),
            "email": comment.user_email,
        }
    terms = {
        "categories": sorted(
            (c.slug, c.name, c.parent.slug if c.parent else "")
            for c in Category.objects.select_related("parent")
        ),
        "tags": sorted(Tag.objects.values_list("slug", "name")),
    }
    return {
        "posts": posts,
        "pages": pages,
        "reviews": reviews,
        "comments": comments,
        "terms": terms,
    }


def empty_the_blog():
    XtdComment.objects.all().delete()
    Review.objects.all().delete()
    Post.objects.all().delete()
    Page.objects.all().delete()
    Documentary.objects.all().delete()
    for model in (Person, Company, Category, Tag, Challenge, WordPressItem):
        model.objects.all().delete()


def test_export_then_import_into_an_empty_site_gives_the_same_blog(blog, tmp_path):
    before = snapshot()
    assert len(before["reviews"]) == 8 and before["terms"]["tags"]
    assert {c["moderation"] for c in before["comments"].values()} == {
        "approved",
        "pending",
        "spam",
        "removed",
    }
    assert max(c["level"] for c in before["comments"].values()) >= 1
    path = export(tmp_path / "blog.xml")

    empty_the_blog()
    call_command("import_wordpress", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    after = snapshot()

    assert after["terms"] == before["terms"]
    assert after["pages"] == before["pages"]
    assert after["posts"] == before["posts"]
    assert after["reviews"] == before["reviews"]
    assert after["comments"] == before["comments"]


def parse(path):
    root = ET.parse(path).getroot()  # noqa: S314 (our own output)
    return root, root.find("channel")


def test_the_file_is_wxr_1_2_with_what_wordpress_importer_reads(blog, tmp_path):
    path = export(tmp_path / "blog.xml")
    text = path.read_text(encoding="utf-8")
    for prefix in ("wp", "content", "excerpt", "dc", "wfw"):
        assert f"xmlns:{prefix}=" in text
    root, channel = parse(path)
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == SITE
    assert channel.find(f"{WP}author/{WP}author_login").text == blog.author.username
    items = channel.findall("item")
    ids = [int(item.findtext(f"{WP}post_id")) for item in items]
    assert len(ids) == len(set(ids)), "posts, pages and attachments share one id sequence"
    kinds = {}
    for item in items:
        kinds.setdefault(item.findtext(f"{WP}post_type"), set()).add(item.findtext(f"{WP}status"))
    assert kinds["post"] == {"publish", "future", "draft"}
    assert kinds["page"] == {"publish", "draft"}

    seed = next(i for i in items if int(i.findtext(f"{WP}post_id")) == blog.pk)
    meta = {
        m.findtext(f"{WP}meta_key"): m.findtext(f"{WP}meta_value")
        for m in seed.findall(f"{WP}postmeta")
    }
    assert meta["_review_rating"] == str(blog.review.rating.normalize())
    assert meta["_review_title"] == blog.review.documentary.title
    assert json.loads(meta["_review_directors"]) == ["Alison Klayman"]
    assert meta["_likes"] == "1"
    domains = {c.get("domain") for c in seed.findall("category")}
    assert domains == {"category", "post_tag"}
    comments = seed.findall(f"{WP}comment")
    ids = {c.findtext(f"{WP}comment_id") for c in comments}
    parents = [c.findtext(f"{WP}comment_parent") for c in comments]
    assert "0" in parents and any(p != "0" for p in parents)
    assert all(p == "0" or p in ids for p in parents)
    states = {c.findtext(f"{WP}comment_approved") for c in comments}
    assert states == {"1", "0", "spam", "trash"}
    likes = [
        m.findtext(f"{WP}meta_value")
        for c in comments
        for m in c.findall(f"{WP}commentmeta")
        if m.findtext(f"{WP}meta_key") == "likes"
    ]
    assert likes and all(int(n) >= 1 for n in likes)
    assert all(c.findtext(f"{WP}comment_author_IP") == "" for c in comments)


def test_a_draft_and_a_held_comment_keep_their_state_and_dates(db, tmp_path):
    draft = make_post("Half written", status=Post.Status.DRAFT, body="Not ready: 1 < 2 & soon.")
    post = make_post("Out now", published_at=timezone.now() - datetime.timedelta(days=2))
    held = add_comment(post, "Waiting for a look.", user_name="New Reader")
    moderate(held, "pending")
    _root, channel = parse(export(tmp_path / "out.xml"))
    items = {int(i.findtext(f"{WP}post_id")): i for i in channel.findall("item")}

    item = items[draft.pk]
    assert item.findtext(f"{WP}status") == "draft"
    assert item.findtext(f"{WP}post_date_gmt") == "0000-00-00 00:00:00"
    assert "Not ready: 1 &lt; 2 &amp; soon." in item.findtext(
        "{http://purl.org/rss/1.0/modules/content/}encoded"
    )
    assert item.findtext("title") == "Half written"

    item = items[post.pk]
    assert item.findtext(f"{WP}status") == "publish"
    assert item.findtext(f"{WP}post_date_gmt") == post.published_at.astimezone(
        datetime.UTC
    ).strftime("%Y-%m-%d %H:%M:%S")
    (comment,) = item.findall(f"{WP}comment")
    assert comment.findtext(f"{WP}comment_approved") == "0"
    assert comment.findtext(f"{WP}comment_author") == "New Reader"
    assert comment.findtext(f"{WP}comment_content") == "Waiting for a look."


def test_text_that_would_break_xml_is_escaped_or_left_out(db, tmp_path):
    post = make_post("Tom & Jerry <3 ]]> \x01 “quotes”", body="Code: `a ]]> b` and \x0b.")
    Like.objects.create(post=post, visitor="someone")
    add_comment(post, "Ends a CDATA ]]> early? <script>x</script>", user_name="A & B")
    _root, channel = parse(export(tmp_path / "out.xml"))  # well-formed, or this raises
    (item,) = channel.findall("item")
    assert item.findtext("title") == "Tom & Jerry <3 ]]>  “quotes”"
    comment = item.find(f"{WP}comment")
    assert comment.findtext(f"{WP}comment_content") == "Ends a CDATA ]]> early? <script>x</script>"
    assert comment.findtext(f"{WP}comment_author") == "A & B"


def test_queries_do_not_grow_with_the_number_of_posts(db, tmp_path):
    def count(n):
        for i in range(n):
            post = make_post()
            make_review(post)
            add_comment(post, f"Comment {i}")
        with CaptureQueriesContext(connection) as queries:
            export(tmp_path / "out.xml")
        return len(queries)

    few = count(2)
    assert count(40) == few


def test_the_admin_button_is_for_editors_only(client, blog):
    url = reverse("admin:importer_wordpress_export")
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]

    client.force_login(make_user("reader"))
    assert client.get(url).status_code == 302

    client.force_login(make_user("helper", is_staff=True))
    assert client.get(url).status_code == 403

    client.force_login(make_staff())
    listing = client.get(reverse("admin:blog_post_changelist"))
    assert url in listing.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    root = ET.fromstring(body)  # noqa: S314 (our own output)
    titles = {i.findtext("title") for i in root.find("channel").findall("item")}
    assert blog.title in titles and "Notes for next April" in titles


def test_a_plain_author_sees_no_button(client, blog):
    author = make_user("writer", is_staff=True)
    from django.contrib.auth.models import Permission

    author.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_post", "change_post"])
    )
    client.force_login(author)
    listing = client.get(reverse("admin:blog_post_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:importer_wordpress_export") not in listing.content.decode()


def test_images_and_posters_are_attachments_with_their_addresses(db, tmp_path, settings):
    settings.MEDIA_URL = "/media/"
    post = make_post("With pictures", body="![A still](/media/images/2024/01/still.jpg)")
    Image.objects.bulk_create(
        [Image(post=post, file="images/2024/01/still.jpg", alt="A still", width=800, height=600)]
    )
    review = make_review(post)
    Documentary.objects.filter(pk=review.documentary_id).update(poster="posters/2012/poster.jpg")
    _root, channel = parse(export(tmp_path / "out.xml"))
    items = channel.findall("item")
    (item,) = [i for i in items if i.findtext(f"{WP}post_type") == "post"]
    attachments = {
        i.findtext(f"{WP}attachment_url"): i
        for i in items
        if i.findtext(f"{WP}post_type") == "attachment"
    }
    still = f"{SITE}/media/images/2024/01/still.jpg"
    poster = f"{SITE}/media/posters/2012/poster.jpg"
    assert set(attachments) == {still, poster}
    for attachment in attachments.values():
        assert attachment.findtext(f"{WP}post_parent") == str(post.pk)
        assert attachment.findtext(f"{WP}status") == "inherit"
    meta = {
        m.findtext(f"{WP}meta_key"): m.findtext(f"{WP}meta_value")
        for m in item.findall(f"{WP}postmeta")
    }
    assert meta["_thumbnail_id"] == attachments[poster].findtext(f"{WP}post_id")
    content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert f'src="{still}"' in content
