"""Moving a WordPress blog in: `manage.py import_wordpress EXPORT.xml`, files in tests/wxr/."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_comments_xtd.models import XtdComment
from PIL import Image as PILImage

from blog.models import Category, Challenge, Page, Post, Tag
from importer.models import WordPressItem
from reviews.models import Documentary, Review
from tests.task_helpers import run_tasks

pytestmark = pytest.mark.django_db

WXR = Path(__file__).parent / "wxr"
BLOG = WXR / "blog.xml"
AI_WEIWEI = "movie-review-ai-weiwei-never-sorry-2012-atozchallenge"
AI_WEIWEI_URL = f"/2018/04/02/{AI_WEIWEI}/"
CORAL_URL = "/2018/04/03/movie-review-chasing-coral-2017/"
UNICODE_URL = "/2018/05/01/日本-film/"


def run_import(path=BLOG, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def imported():
    return run_import()[0]


def wp(kind, wp_id):
    return WordPressItem.objects.get(kind=kind, wp_id=str(wp_id)).target


def comment(wp_id):
    return wp("comment", wp_id)


# Posts, people and terms ------------------------------------------------------------------


def test_posts_keep_status_dates_slugs_and_comment_status(imported):
    review = wp("post", 11)
    assert review.title == "Movie Review: Ai Weiwei: Never Sorry (2012) #atozchallenge"
    assert review.slug == AI_WEIWEI
    assert review.published_at == datetime.datetime(2018, 4, 2, 8, 0, tzinfo=datetime.UTC)
    assert review.is_public and review.allow_comments

    coral = wp("post", 12)
    assert coral.is_public and not coral.allow_comments  # comment_status closed

    scheduled = wp("post", 15)
    assert scheduled.is_scheduled
    assert scheduled.published_at == datetime.datetime(2099, 1, 1, 10, 0, tzinfo=datetime.UTC)

    assert wp("post", 14).status == Post.Status.DRAFT
    assert wp("post", 14).slug == "a-draft-about-blackfish"  # WordPress gave a draft no slug
    assert wp("post", 16).status == Post.Status.DRAFT  # private
    assert not Post.objects.filter(title="Thrown away").exists()  # trash
    assert Post.objects.count() == 6
    assert set(Post.objects.published().values_list("pk", flat=True)) == {
        wp("post", 11).pk,
        wp("post", 12).pk,
        wp("post", 13).pk,
    }
    assert "private, imported as a draft" in imported
    assert "Skipped: 1 nav_menu_item, 1 trash post" in imported


def test_unicode_emoji_and_cdata_survive(imported):
    post = wp("post", 13)
    assert post.title == "Ünïcødé & emoji 🎬 — “quotes” inside"
    assert post.slug == "日本-film"
    assert "Emoji 🎬🍿 and 日本語 text" in post.body_html
    assert list(post.tags.values_list("slug", "name")) == [("日本", "日本")]
    assert post.excerpt == "A hand-written excerpt with markup."
    # "]]>" split across two CDATA sections comes back whole.
    assert "x]]&gt;y" in wp("post", 11).body_html


def test_a_slug_our_addresses_cannot_hold_is_cleaned_and_the_old_one_redirects(client, tmp_path):
    text = BLOG.read_text(encoding="utf-8").replace("%e6%97%a5%e6%9c%ac-film", "%f0%9f%8e%ac-Film")
    edited = tmp_path / "emoji.xml"
    edited.write_text(text, encoding="utf-8")
    run_import(edited)
    post = wp("post", 13)
    assert post.slug == "film"
    response = client.get("/2018/05/01/🎬-Film/")
    assert response.status_code == 301 and response["Location"] == "/2018/05/01/film/"
    assert client.get(response["Location"]).status_code == 200


def test_authors_are_matched_by_email_or_created_without_password():
    existing = get_user_model().objects.create_user("liam-here", "LIAM@example.com", "pw-long-1")
    out, _ = run_import()
    assert wp("post", 11).author == existing
    guest = wp("post", 15).author
    assert guest.username == "guestwriter"
    assert (guest.first_name, guest.last_name, guest.email) == ("Zoë", "Guest", "guest@example.com")
    assert not guest.has_usable_password()
    assert "authors: 1 matched, 1 created" in out


def test_categories_keep_their_hierarchy_and_tags_arrive(imported):
    nature = Category.objects.get(slug="nature")
    assert nature.parent.slug == "documentaries"
    assert nature.parent.parent.slug == "reviews"
    assert nature.parent.parent.parent is None
    assert list(wp("post", 12).categories.all()) == [nature]
    assert set(wp("post", 11).tags.values_list("slug", flat=True)) == {"china", "art", "activism"}
    assert Tag.objects.filter(slug="coral-reefs", name="Coral reefs").exists()


def test_sticky_flag_is_kept_in_the_import_record_and_reported(imported):
    assert WordPressItem.objects.get(kind="post", wp_id="12").data["sticky"] is True
    assert WordPressItem.objects.get(kind="post", wp_id="11").data["sticky"] is False
    assert "Sticky posts" in imported
    assert "Movie Review: Chasing Coral (2017) #atozchallenge" in imported


# Reviews in the text --------------------------------------------------------------------


def test_seed_shaped_review_becomes_documentary_review_and_challenge_entry(imported):
    post = wp("post", 11)
    review = post.review
    assert review.rating == Decimal("4")
    documentary = review.documentary
    assert documentary.title == "Ai Weiwei: Never Sorry"
    assert documentary.release_date == datetime.date(2012, 4, 16)
    assert [p.name for p in documentary.directors.all()] == ["Alison Klayman"]
    assert [c.name for c in documentary.production_companies.all()] == ["United Expression Media"]
    assert review.watched_via == "Netflix streaming"
    assert review.watched_service.name == "Netflix"
    assert [s.name for s in review.also_available_on.all()] == ["Hulu"]
    assert review.lessons.startswith("This film shows a good example")
    assert 'href="https://example.org/megacities"' in review.also_like_html
    # Recognised lines leave the body; the rest of the text stays.
    for line in ("Title:", "Release Date:", "Director:", "Rating:", "Source:", "What Can One"):
        assert line not in post.body
    assert "Sichuan Earthquake" in post.body
    assert post.challenge == Challenge.objects.get(name="Blogging from A to Z", year=2018)
    assert post.challenge_letter == "A"
    assert "Reviews recognised: 2" in imported and "A-to-Z entries: 2" in imported


def test_half_stars_several_directors_and_unrecognised_lines_stay_as_text(imported):
    post = wp("post", 12)
    review = post.review
    assert review.rating == Decimal("3.5")
    documentary = review.documentary
    assert documentary.release_year == 2017 and documentary.release_date is None
    assert [p.name for p in documentary.directors.order_by("name")] == [
        "Jeff Orlowski",
        "Larissa Rhodes",
    ]
    assert documentary.production_companies.count() == 2
    assert review.watched_service.name == "Kanopy"
    assert [s.name for s in review.also_available_on.all()] == ["Netflix"]
    assert "Release Date: sometime in the nineties" in post.body
    assert "Review lines not recognised (1)" in imported
    assert "Release Date: sometime in the nineties" in imported
    assert post.challenge_letter == "C"


def test_review_page_shows_the_recognised_review(client, imported):
    response = client.get(AI_WEIWEI_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ai Weiwei: Never Sorry" in html
    assert "Alison Klayman" in html
    assert "4 out of 5 stars" in html


def test_a_letter_already_taken_is_reported_not_fatal(demo):
    out, _ = run_import()
    post = wp("post", 11)
    assert post.challenge is None  # the demo's seed post already is 2018's "A"
    assert "2018 already has a post for “A”" in out
    # The documentary the demo already has is reused, not duplicated.
    assert Documentary.objects.filter(title="Ai Weiwei: Never Sorry").count() == 1


# Content conversion and safety -----------------------------------------------------------


def test_wordpress_html_becomes_paragraphs_figures_and_links(imported):
    post = wp("post", 12)
    html = post.body_html
    assert "<figure>" in html and "<figcaption>Bleached coral off Australia</figcaption>" in html
    assert 'alt="Bleached coral"' in html
    assert 'href="https://www.youtube.com/watch?v=b6fHA9R2cKI"' in html  # [youtube …]
    assert 'href="https://vimeo.com/76979871"' in html  # <iframe> embed
    assert "<iframe" not in html
    assert "<p>Divers record reefs bleaching as the sea warms.</p>" in html
    # <!--more--> splits off the excerpt; the unknown shortcode stays as text and is reported.
    assert post.excerpt.startswith('This is my entry for "C"')
    assert "Divers record" in post.excerpt and "youtube" not in post.excerpt
    assert '[contact-form-7 id="5" title="Contact form"]' in html
    single = wp("post", 13).body_html
    assert "<p>Emoji 🎬🍿 and 日本語 text in a paragraph.<br>\nA second line" in single
    assert "<pre>code   keeps\n   its spacing</pre>" in single
    assert "[sic]" in single


def test_hostile_markup_is_inert_on_the_page(client, imported):
    response = client.get(UNICODE_URL)
    assert response.status_code == 200
    article = response.content.decode().split("<article", 1)[1].split("</article>", 1)[0]
    for bad in (
        "<script",
        "alert(",
        "onerror",
        "onclick",
        "onmouseover",
        "onload",
        "javascript:",
        "<iframe",
        "<svg",
        "<object",
        "display: none",
    ):
        assert bad not in article, bad
    assert '<a href="https://example.org/" rel="noopener">good link</a>' in article
    assert "Clickable paragraph" in article


# Comments ----------------------------------------------------------------------------------


def test_comment_threads_three_levels_deep_are_rebuilt(imported):
    top, reply, third = comment(101), comment(102), comment(103)
    assert (top.level, reply.level, third.level) == (0, 1, 2)
    assert top.thread_id == reply.thread_id == third.thread_id == top.pk
    assert reply.parent_id == top.pk and third.parent_id == reply.pk
    assert top.nested_count == 2 and reply.nested_count == 1
    bartosz, mallory = comment(104), comment(110)
    assert mallory.parent_id == bartosz.pk and mallory.level == 1
    # The order xtd shows a thread in: a reply right after what it answers.
    post = wp("post", 11)
    thread = XtdComment.objects.filter(object_pk=str(post.pk), thread_id=top.pk)
    assert list(thread.order_by("order")) == [top, reply, third]


def test_threads_match_what_xtd_builds_comment_by_comment(imported):
    """The importer numbers whole threads at once; xtd's save, one comment at a time, agrees."""
    from tests.factories import make_post

    post = wp("post", 11)
    imported_comments = list(
        XtdComment.objects.filter(object_pk=str(post.pk)).order_by("submit_date", "pk")
    )
    replay_post = make_post("Replay")
    twin = {}  # imported pk -> replayed comment
    for original in imported_comments:
        parent = twin[original.parent_id] if original.parent_id != original.pk else None
        copy = XtdComment(
            content_type=original.content_type,
            object_pk=str(replay_post.pk),
            site_id=original.site_id,
            user_name=original.user_name,
            comment=original.comment,
            submit_date=original.submit_date,
            parent_id=parent.pk if parent else 0,
        )
        copy.save()
        twin[original.pk] = copy

    def shape(comment, pool):
        return (comment.level, comment.order, comment.nested_count, pool[comment.thread_id])

    names_imported = {c.pk: c.user_name for c in imported_comments}
    names_replayed = {c.pk: c.user_name for c in twin.values()}
    for original in imported_comments:
        copy = XtdComment.objects.get(pk=twin[original.pk].pk)
        assert shape(original, names_imported) == shape(copy, names_replayed), original


def test_comment_fields_and_states(imported):
    first = comment(101)
    assert first.user_name == "Nadia"
    assert first.user_email == "nadia@example.net"
    assert first.user_url == "https://nadia.example.net/"
    assert first.ip_address == "203.0.113.7"
    assert first.submit_date == datetime.datetime(2018, 4, 2, 10, 0, tzinfo=datetime.UTC)
    assert first.comment == (
        "Art as activism — what a film. **Loved it.**\n\n"
        "Second paragraph with a [link](https://nadia.example.net/post)."
    )
    assert comment(102).user == wp("post", 11).author  # comment_user_id of the author
    assert comment(104).ip_address == "2001:db8::1"
    assert comment(104).comment == "Świetny film! 🎨🇨🇳 I watched it twice."
    hostile = comment(110)
    assert hostile.user_url == "" and hostile.ip_address is None
    assert "alert" not in hostile.comment and "<" not in hostile.comment

    assert comment(105).is_public is False and comment(105).is_removed is False  # pending
    assert comment(106).is_public is False  # spam
    assert comment(107).is_removed is True  # trash
    # An approved reply to a thrown-away comment leaves the public thread with it.
    assert comment(112).parent_id == comment(107).pk and comment(112).is_public is False
    assert "approved, but hidden with the comment it answers (107)" in imported
    public = XtdComment.objects.filter(object_pk=str(wp("post", 11).pk), is_public=True)
    assert public.count() == 8
    assert (
        "Comments: 12 created, 0 updated, 0 unchanged (public 8, pending 1, spam 1, removed 1, "
        "hidden under those 1; pingbacks 1, trackbacks 1)"
    ) in imported
    assert 'unknown type "webmention" imported as a comment' in imported


def test_comments_are_rendered_once_at_import(imported):
    details = comment(101).details
    assert "<strong>Loved it.</strong>" in details.body_html
    assert '<a href="https://nadia.example.net/post" rel="nofollow ugc noopener">' in (
        details.body_html
    )


def test_pingbacks_and_trackbacks_are_kept_as_such(imported):
    pingback = WordPressItem.objects.get(kind="comment", wp_id="108")
    trackback = WordPressItem.objects.get(kind="comment", wp_id="109")
    assert pingback.data["type"] == "pingback" and trackback.data["type"] == "trackback"
    assert pingback.target.user_url == "https://another.example.org/2018/04/03/a-to-z-roundup/"
    assert pingback.target.is_public
    assert trackback.target.comment == "**Ai Weiwei** A trackback excerpt."


def test_moderation_state_is_recorded_for_the_spam_filter(imported):
    moderation = apps.get_model("spam", "Moderation")
    statuses = {
        wp_id: moderation.objects.get(comment=comment(wp_id)).status
        for wp_id in (101, 105, 106, 107)
    }
    assert statuses == {101: "approved", 105: "pending", 106: "spam", 107: "removed"}
    assert moderation.objects.get(comment=comment(106)).check_name == "import"


def test_post_page_shows_the_threaded_comments_and_their_count(client, imported):
    response = client.get(AI_WEIWEI_URL)
    html = response.content.decode()
    section = html.split('id="comments"', 1)[1]
    assert "8 thoughts on" in section
    for shown in ("Art as activism", "Third level: thanks to both of you!", "Świetny film!"):
        assert shown in section
    for hidden in ("Waiting for approval.", "Buy cheap pills now", "threw away", "thrown away"):
        assert hidden not in section
    # Nested: the third-level reply comes after the reply it answers.
    assert section.index("Thanks for the comment.") < section.index("Third level")
    # The hostile reply shows as harmless text.
    assert "Reply with" in section
    for bad in ("alert(", "javascript:", "onerror"):
        assert bad not in section, bad


def test_threads_deeper_than_allowed_attach_higher_up(monkeypatch):
    monkeypatch.setattr(
        "importer.wordpress.importer.max_thread_level_for_content_type", lambda content_type: 1
    )
    out, _ = run_import()
    assert comment(103).level == 1 and comment(103).parent_id == comment(101).pk
    assert "deeper than 1 levels, attached higher up the thread" in out


# Pages, images ---------------------------------------------------------------------------


def test_pages_become_pages(client, imported):
    about = Page.objects.get(slug="about")
    assert about.status == Page.Status.PUBLISHED
    assert "<p>I review a documentary a day every April.</p>" in about.body_html
    response = client.get("/about/")
    assert response.status_code == 200
    assert "Write to me any time." in response.content.decode()
    assert Page.objects.get(slug="contact").title == "Contact"


def test_without_media_dir_images_keep_their_address_and_are_listed(imported):
    assert "https://liamdocs.files.wordpress.com/2018/04/coral-300x200.jpg" in wp("post", 12).body
    assert "Images still at their WordPress address (4)" in imported
    assert "https://liamdocs.files.wordpress.com/2018/05/still.png" in imported


def _write_image(path, size=(640, 400), color=(30, 90, 160)):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, color).save(path, "JPEG")


def test_media_dir_copies_images_with_renditions_and_sets_the_poster(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "export" / "wp-content" / "uploads"
    _write_image(uploads / "2018" / "04" / "ai-weiwei-poster.jpg")
    _write_image(uploads / "2018" / "04" / "coral.jpg")
    out, _ = run_import(BLOG, "--media-dir", str(tmp_path / "export"))

    body = wp("post", 12).body
    assert "files.wordpress.com/2018/04/coral" not in body  # img src and its link
    assert settings.MEDIA_URL in body
    documentary = wp("post", 11).review.documentary
    assert documentary.poster
    assert (settings.MEDIA_ROOT / documentary.poster.name).is_file()
    assert "Images: 2 copied" in out
    # The one file the export lacks stays at its address and is reported.
    assert "image not found in the media folder: 2018/05/still.png" in out
    assert "Images still at their WordPress address (1)" in out
    if apps.is_installed("blog") and "Image" in {m.__name__ for m in apps.get_models()}:
        image = apps.get_model("blog", "Image").objects.get(file__contains="coral")
        # The copies are made by the task worker; the body links the original meanwhile.
        assert image.file.url in body
        assert run_tasks() >= 2
        image.refresh_from_db()
        assert image.renditions
    # The old attachment page and ?attachment_id= lead to the copy.
    poster_url = WordPressItem.objects.get(kind="attachment", wp_id="10").data["url"]
    assert poster_url.startswith(settings.MEDIA_URL)
    response = client.get(f"{AI_WEIWEI_URL}ai-weiwei-poster/")
    assert response.status_code == 301 and response["Location"] == poster_url
    assert client.get("/?attachment_id=10")["Location"] == poster_url
    # Again: nothing copied twice.
    out, _ = run_import(BLOG, "--media-dir", str(tmp_path / "export"))
    assert "Images: 0 copied, 2 already here" in out


# Old addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2018/04/04/movie-review-chasing-coral-2017/", CORAL_URL),  # day shifted by time zone
        ("/?p=11", AI_WEIWEI_URL),
        ("/?page_id=20", "/about/"),
        ("/about/contact/", "/contact/"),
        ("/category/reviews/documentaries/nature/", "/category/nature/"),
        (f"/2018/04/02/{AI_WEIWEI}/feed/", AI_WEIWEI_URL),
    ],
)
def test_old_addresses_redirect_permanently(client, imported, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new


def test_a_site_that_never_imported_looks_up_no_old_address(django_assert_num_queries):
    from django.core.cache import cache
    from django.http import HttpResponseNotFound
    from django.test import RequestFactory

    from importer.addresses import FLAG_KEY
    from importer.middleware import WordPressRedirectMiddleware

    cache.delete(FLAG_KEY)
    middleware = WordPressRedirectMiddleware(lambda request: HttpResponseNotFound())
    requests = RequestFactory()
    with django_assert_num_queries(1):  # once, to learn there is nothing
        assert middleware(requests.get("/2018/04/02/old-post/")).status_code == 404
    with django_assert_num_queries(0):
        for path in ("/2018/04/02/old-post/", "/?p=11", "/category/news/feed/"):
            assert middleware(requests.get(path)).status_code == 404
    run_import()  # recording old addresses raises the flag
    response = middleware(requests.get("/?p=11"))
    assert response.status_code == 301 and response["Location"] == AI_WEIWEI_URL


def test_a_tag_matched_by_name_under_another_slug_redirects(client):
    Tag.objects.create(name="China", slug="people-s-republic")
    run_import()
    assert set(wp("post", 11).tags.values_list("slug", flat=True)) >= {"people-s-republic"}
    response = client.get("/tag/china/")
    assert response.status_code == 301
    assert response["Location"] == "/tag/people-s-republic/"


def test_unchanged_addresses_answer_directly(client, imported):
    assert client.get(AI_WEIWEI_URL).status_code == 200
    assert client.get("/tag/china/").status_code == 200
    assert client.get("/category/nature/").status_code == 200
    assert client.get("/feed/").status_code == 200


def test_old_addresses_of_drafts_private_and_scheduled_posts_reveal_nothing(client, imported):
    for query in ("/?p=14", "/?p=15", "/?p=16", "/?p=999"):
        response = client.get(query)
        assert response.status_code == 200  # the home page, as for any query
        assert "Scheduled for the future" not in response.content.decode()
    assert client.get("/2018/06/02/my-private-notes/").status_code == 404
    assert client.get("/2099/01/01/scheduled-for-the-future/").status_code == 404


# Running again, dry runs, bad files --------------------------------------------------------


def _snapshot():
    return {
        "posts": list(Post.objects.order_by("pk").values()),
        "comments": list(XtdComment.objects.order_by("pk").values()),
        "reviews": list(Review.objects.order_by("pk").values()),
        "pages": list(Page.objects.order_by("pk").values()),
        "items": list(WordPressItem.objects.order_by("pk").values()),
        "users": get_user_model().objects.count(),
        "terms": (Tag.objects.count(), Category.objects.count(), Documentary.objects.count()),
    }


def test_second_import_changes_nothing(imported):
    before = _snapshot()
    out, _ = run_import()
    assert _snapshot() == before
    assert "Posts: 0 created, 0 updated, 6 unchanged" in out
    assert "Comments: 0 created, 0 updated, 12 unchanged" in out
    assert "Reviews recognised: 2" in out


def test_an_edited_export_updates_in_place(tmp_path, imported):
    text = BLOG.read_text(encoding="utf-8")
    text = text.replace(
        "<wp:comment_content><![CDATA[Waiting for approval.]]>",
        "<wp:comment_content><![CDATA[Approved at last.]]>",
    )
    text = text.replace(
        "<wp:comment_approved><![CDATA[0]]></wp:comment_approved>",
        "<wp:comment_approved><![CDATA[1]]></wp:comment_approved>",
    )
    reply = """<wp:comment>
			<wp:comment_id>120</wp:comment_id>
			<wp:comment_author><![CDATA[Liam]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[liam@example.com]]></wp:comment_author_email>
			<wp:comment_date_gmt><![CDATA[2018-04-07 10:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[A fourth level, later.]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_parent>103</wp:comment_parent>
			<wp:comment_user_id>1</wp:comment_user_id>
		</wp:comment>
		<wp:comment>
			<wp:comment_id>103</wp:comment_id>"""
    text = text.replace("<wp:comment>\n\t\t\t<wp:comment_id>103</wp:comment_id>", reply)
    text = text.replace("Divers record reefs", "Divers film reefs")
    edited = tmp_path / "edited.xml"
    edited.write_text(text, encoding="utf-8")
    posts, comments = Post.objects.count(), XtdComment.objects.count()

    out, _ = run_import(edited)
    assert Post.objects.count() == posts
    assert XtdComment.objects.count() == comments + 1
    assert "Posts: 0 created, 1 updated, 5 unchanged" in out
    assert "Comments: 1 created, 1 updated, 11 unchanged" in out
    assert "Divers film reefs" in wp("post", 12).body
    assert comment(105).is_public and comment(105).comment == "Approved at last."
    fourth = comment(120)
    assert fourth.level == 3 and fourth.parent_id == comment(103).pk
    thread = XtdComment.objects.filter(thread_id=comment(101).pk).order_by("order")
    assert list(thread) == [comment(101), comment(102), comment(103), fourth]


def test_dry_run_prints_the_summary_and_saves_nothing():
    out, _ = run_import(BLOG, "--dry-run")
    assert "DRY RUN, nothing was saved" in out
    assert "Posts: 6 created" in out
    assert "Comments: 12 created" in out
    assert Post.objects.count() == 0
    assert XtdComment.objects.count() == 0
    assert WordPressItem.objects.count() == 0
    assert get_user_model().objects.count() == 0


def test_progress_is_drawn_on_stderr():
    _, err = run_import()
    assert "12/12 items" in err
    assert "[##############################]" in err


def test_truncated_file_imports_nothing(tmp_path):
    data = BLOG.read_bytes()
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(CommandError, match=r"the XML is broken at line \d+.*Nothing was imported"):
        run_import(truncated)
    assert Post.objects.count() == 0
    assert XtdComment.objects.count() == 0
    assert WordPressItem.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-wxr.xml", "this is RSS, not a WordPress export"),
        ("entity-expansion.xml", "declares a document type"),
        ("external-entity.xml", "declares a document type"),
    ],
)
def test_files_that_are_not_exports_or_are_attacks_are_refused(name, message):
    with pytest.raises(CommandError, match=message):
        run_import(WXR / name)
    assert Post.objects.count() == 0


def test_a_failure_halfway_rolls_everything_back(monkeypatch):
    from django.db import IntegrityError

    def broken_page(self, item):
        raise IntegrityError("simulated failure")

    # Pages come after the posts and their comments in the file: those are undone too.
    monkeypatch.setattr("importer.wordpress.WordPressImporter._import_page", broken_page)
    with pytest.raises(CommandError, match="page 20 “About” could not be imported"):
        run_import()
    assert Post.objects.count() == 0
    assert XtdComment.objects.count() == 0
    assert WordPressItem.objects.count() == 0
    assert Tag.objects.count() == 0


def test_missing_file_and_missing_media_dir_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_import(tmp_path / "nope.xml")
    with pytest.raises(CommandError, match="no such folder"):
        run_import(BLOG, "--media-dir", str(tmp_path / "nope"))


def test_html_file_is_refused(tmp_path):
    page = tmp_path / "page.xml"
    page.write_text("<html><body><p>Not an export</p></body></html>", encoding="utf-8")
    with pytest.raises(CommandError, match="not a WordPress export"):
        run_import(page)


def test_wxr_1_1_exports_import_too(client):
    out, _ = run_import(WXR / "wxr-1.1.xml")
    post = Post.objects.get(slug="hello-from-2011")
    assert post.published_at == datetime.datetime(2011, 3, 5, 14, 15, tzinfo=datetime.UTC)
    assert "<p>Second &amp; last paragraph.</p>" in post.body_html
    assert post.author.username == "olduser"
    assert XtdComment.objects.get(comment="Welcome back!").is_public
    assert client.get(post.get_absolute_url()).status_code == 200
    assert "WXR 1.1" in out


def test_two_blogs_with_the_same_ids_do_not_collide():
    run_import(WXR / "wxr-1.1.xml")
    run_import()
    assert WordPressItem.objects.filter(kind="post", wp_id="5").count() == 1
    assert Post.objects.filter(slug="hello-from-2011").exists()
    assert set(WordPressItem.objects.values_list("source", flat=True)) == {
        "http://old.example.org",
        "https://liamdocs.wordpress.com",
    }


# The pieces on their own -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("****", "4"),
        ("***½", "3.5"),
        ("*** 1/2", "3.5"),
        ("★★★★★", "5"),
        ("4 out of 5 stars", "4"),
        ("3.5/5", "3.5"),
        ("<strong>**</strong>", "2"),
        ("two thumbs up", None),
        ("*******", None),
    ],
)
def test_ratings_as_people_write_them(text, rating):
    from importer.wordpress.recognize import parse_rating

    assert parse_rating(text) == (Decimal(rating) if rating else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("April 16, 2012", (datetime.date(2012, 4, 16), 2012)),
        ("16 April 2012", (datetime.date(2012, 4, 16), 2012)),
        ("April 16th, 2012", (datetime.date(2012, 4, 16), 2012)),
        ("2012-04-16", (datetime.date(2012, 4, 16), 2012)),
        ("2017", (None, 2017)),
        ("April 2017", (None, 2017)),
        ("sometime in the nineties", (None, None)),
    ],
)
def test_release_dates_full_or_year(text, expected):
    from importer.wordpress.recognize import parse_release

    assert parse_release(text) == expected


def test_labels_in_bold_and_sections_on_their_own_line():
    from importer.wordpress.recognize import find_review

    found = find_review(
        "<b>Title:</b> Some Film\n<strong>Rating:</strong> **\n\n"
        "What Can One Learn From Watching This Documentary:\n\nPatience, mostly.\nAnd more.\n\n"
        "The end.",
        "Some post",
    )
    assert found.title == "Some Film" and found.rating == Decimal("2")
    assert found.lessons == "Patience, mostly.\nAnd more."
    assert found.content.strip() == "The end."


def test_no_rating_means_no_review_and_the_text_stays():
    from importer.wordpress.recognize import find_review

    text = "Title: A Film\nDirector: Someone\n\nA paragraph."
    found = find_review(text, "A post")
    assert not found.is_review
    assert found.content == text
    assert found.unrecognised == ["review lines without a rating: kept as text"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[youtube=http://www.youtube.com/watch?v=abcdefgh&w=320]", "watch?v=abcdefgh"),
        ("[embed]https://youtu.be/abcdefgh[/embed]", "watch?v=abcdefgh"),
        ("https://www.youtube.com/watch?v=abcdefgh", "watch?v=abcdefgh"),
        ('<iframe src="//www.youtube-nocookie.com/embed/abcdefgh"></iframe>', "watch?v=abcdefgh"),
        ("[youtube abcdefgh]", "watch?v=abcdefgh"),
        ("[vimeo 76979871]", None),
    ],
)
def test_embeds_become_links(content, expected):
    from importer.wordpress.convert import convert_content

    body = convert_content(content).body
    assert "<iframe" not in body
    if expected:
        assert f'<a href="https://www.youtube.com/{expected}">' in body
    else:
        assert '<a href="https://vimeo.com/76979871">' in body


def test_only_real_looking_shortcodes_are_reported():
    from importer.wordpress.convert import convert_content

    text = '[sic] [Update 2019: see below] [note this] [poll id="3"] [box]text[/box]'
    conversion = convert_content(text)
    assert conversion.unknown_shortcodes == ["poll", "box"]
    assert conversion.body == f"<p>{text}</p>"


def test_gallery_uses_the_attachments_and_headings_step_down():
    from importer.wordpress.convert import convert_content

    body = convert_content(
        '<h1>Big</h1>\n[gallery ids="1,2"]',
        gallery_images=lambda ids: [f"https://x.example/{i}.jpg" for i in ids],
    ).body
    assert body.startswith("<h2>Big</h2>")
    assert '<figure><img src="https://x.example/1.jpg" alt="">' in body


def test_post_page_shows_pingbacks_and_trackbacks_as_such(client, imported):
    section = client.get(AI_WEIWEI_URL).content.decode().split('id="comments"', 1)[1]
    pingback = section.split(f'id="c{comment(108).pk}"', 1)[1].split("</header>", 1)[0]
    assert '<span class="comment-kind">Pingback:</span>' in pingback
    assert 'href="https://another.example.org/2018/04/03/a-to-z-roundup/"' in pingback
    assert "Another Blog" in pingback
    trackback = section.split(f'id="c{comment(109).pk}"', 1)[1].split("</header>", 1)[0]
    assert '<span class="comment-kind">Trackback:</span>' in trackback
    ordinary = section.split(f'id="c{comment(101).pk}"', 1)[1].split("</header>", 1)[0]
    assert "comment-kind" not in ordinary
