"""Comments under posts: posting, replying, threads, moderation display, mail, feeds, limits."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments.demo import add_filler_comments, load_demo_comments
from comments.forms import CommentForm
from comments.models import CommentDetails
from comments.posting import ensure_details
from infra import pages as pagecache
from tests.comment_helpers import POST_URL, add_comment, comment_data, thread_parents
from tests.factories import make_post, make_user
from tests.queries import build_afresh
from tests.task_helpers import run_tasks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache", "spam_filter_approves")]


def page_of(client, post, query=""):
    response = client.get(post.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_reader_posts_a_comment_and_sees_it(client):
    post = make_post("Grizzly Man")
    response = client.post(POST_URL, comment_data(post, comment="What a *strange* film."))
    comment = XtdComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    page = page_of(client, post)
    assert "1 thought on “Grizzly Man”" in page
    assert "What a <em>strange</em> film." in page
    assert f'href="#c{comment.pk}"' in page  # the date is the permalink
    assert "ana@example.org" not in page  # email is never shown


def test_logged_in_reader_replies_and_the_reply_nests_under_its_parent(client):
    post = make_post()
    parent = add_comment(post, "First!")
    user = make_user("kim", first_name="Kim", last_name="Ng")
    client.force_login(user)
    data = comment_data(post, comment="A reply.", reply_to=parent.pk, name="", email="")
    response = client.post(POST_URL, data)
    assert response.status_code == 302
    reply = XtdComment.objects.get(comment="A reply.")
    assert (reply.user, reply.user_name, reply.user_email) == (user, "Kim Ng", "kim@example.com")
    assert (reply.parent_id, reply.level) == (parent.pk, 1)
    parents = thread_parents(page_of(client, post))
    assert parents == {parent.pk: None, reply.pk: parent.pk}


def test_anonymous_reply_through_the_reply_link_without_javascript(client):
    post = make_post()
    parent = add_comment(post, "Question?", user_name="Bo")
    page = page_of(client, post)
    link = f"{post.get_absolute_url()}?replytocom={parent.pk}#respond"
    assert f'href="{link}"' in page
    form_page = page_of(client, post, f"?replytocom={parent.pk}")
    assert "Reply to Bo" in form_page
    assert f'name="reply_to" value="{parent.pk}"' in form_page
    client.post(POST_URL, comment_data(post, comment="Answer.", reply_to=parent.pk))
    reply = XtdComment.objects.get(comment="Answer.")
    assert thread_parents(page_of(client, post))[reply.pk] == parent.pk


@pytest.mark.parametrize("query", ["?replytocom=abc", "?replytocom=999999", "?replytocom=-1"])
def test_a_bad_reply_parameter_shows_the_plain_form(client, query):
    post = make_post()
    page = page_of(client, post, query)
    assert "Leave a comment" in page


def test_threads_stop_at_the_configured_depth(client, settings):
    assert settings.COMMENTS_THREAD_DEPTH == 5
    post = make_post()
    chain = [add_comment(post, "level 0")]
    for level in range(1, 5):
        chain.append(add_comment(post, f"level {level}", parent=chain[-1]))
    deepest = chain[-1]
    assert deepest.level == 4
    page = page_of(client, post)
    assert f"?replytocom={chain[-2].pk}#respond" in page
    assert f"?replytocom={deepest.pk}#respond" not in page  # no Reply link at the bottom

    response = client.post(POST_URL, comment_data(post, comment="Too deep", reply_to=deepest.pk))
    assert response.status_code == 400
    assert "as deep as it goes" in response.content.decode()
    assert "Too deep" in response.content.decode()  # what was typed comes back
    assert not XtdComment.objects.filter(comment="Too deep").exists()


def test_the_count_counts_public_comments_only(client):
    post = make_post("Man on Wire")
    add_comment(post, "shown one")
    add_comment(post, "shown two")
    add_comment(post, "held back", is_public=False)
    add_comment(post, "taken down", is_removed=True)
    page = page_of(client, post)
    assert "2 thoughts on “Man on Wire”" in page
    assert "held back" not in page
    assert "taken down" not in page


def test_no_comments_yet(client):
    page = page_of(client, make_post())
    assert "No comments yet" in page
    assert 'action="/comments/post/"' in page


def test_the_form_keeps_everything_typed_on_error(client):
    post = make_post()
    data = comment_data(
        post, comment="My careful words", name="Ana", email="not-an-email", url="ana.example"
    )
    data["followup"] = "on"
    response = client.post(POST_URL, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "My careful words" in page
    assert 'value="Ana"' in page
    assert 'value="not-an-email"' in page
    assert "Enter a valid email address." in page
    assert re.search(r'<input type="checkbox" name="followup"[^>]*checked', page)
    assert "<title>Check your comment" in page  # inside the site's layout
    assert 'class="site-header"' in page
    assert not XtdComment.objects.exists()


def test_missing_fields_are_marked_at_the_field(client):
    post = make_post()
    response = client.post(POST_URL, comment_data(post, comment="", name="", email=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("This field is required.") == 3
    assert 'aria-invalid="true"' in page


def test_preview_shows_the_rendered_comment_without_posting(client):
    post = make_post()
    data = comment_data(post, comment="Some **bold** words", preview="1")
    response = client.post(POST_URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in page
    assert "Some **bold** words" in page  # still in the form, to post
    assert not XtdComment.objects.exists()


HOSTILE = {
    "script": "<script>alert(1)</script> hi",
    "img": '<img src=x onerror="alert(1)">',
    "js-link": "[click me](javascript:alert(1))",
    "raw-js-link": '<a href="javascript:alert(1)">x</a>',
    "unicode": "Ze\u0301ro\u200b width \u202eevil\u202c 🎬👩‍👩‍👧 ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_comments_render_inert(client, name):
    post = make_post()
    response = client.post(POST_URL, comment_data(post, comment=HOSTILE[name]))
    assert response.status_code == 302
    page = page_of(client, post)
    body = page.split('id="comments"', 1)[1]
    assert "<script>alert" not in body
    assert "<img" not in body  # at most as escaped text: &lt;img
    assert not re.search(r"<a [^>]*href=\"javascript:", body)
    comment = XtdComment.objects.get()
    for feed in ("comments:feed", "comments:feed_atom"):
        feed_body = client.get(reverse(feed)).content.decode()
        assert "<script>" not in feed_body
        assert "javascript:" not in feed_body or name in ("js-link", "raw-js-link")
        assert "&lt;script" not in feed_body or name == "script"
    assert CommentDetails.objects.get(comment=comment).body_html


def test_script_in_a_comment_is_shown_as_text(client):
    post = make_post()
    client.post(POST_URL, comment_data(post, comment="<script>alert(1)</script>"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_of(client, post)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"comment": "x" * 10_000}, "at most 3000 characters"),
        ({"comment": "null \x00 byte"}, "Null characters are not allowed."),
        ({"name": "n" * 80}, "at most 50 characters"),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"url": "https://example.org/" + "a" * 300}, "at most 200 characters"),
        ({"email": "a@" + ".".join(["b" * 60] * 5) + ".org"}, "at most 254 characters"),
        ({"comment": "   \n  "}, "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message(client, fields, message):
    post = make_post()
    response = client.post(POST_URL, comment_data(post, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not XtdComment.objects.exists()


@pytest.mark.parametrize(
    "override",
    [{"content_type": "auth.user"}, {"object_pk": "nope"}, {"object_pk": "999999"}],
)
def test_a_form_naming_no_post_is_not_found(client, override):
    post = make_post()
    assert client.post(POST_URL, comment_data(post, **override)).status_code == 404


def test_a_tampered_form_is_refused(client):
    post = make_post()
    response = client.post(POST_URL, comment_data(post, security_hash="0" * 40))
    assert response.status_code == 400
    assert not XtdComment.objects.exists()


def test_a_form_left_open_for_more_than_a_day_comes_back_with_the_text(client):
    post = make_post()
    data = comment_data(post, comment="Written slowly")
    long_ago = int(data["timestamp"]) - 25 * 60 * 60
    data["timestamp"] = str(long_ago)
    data["security_hash"] = CommentForm(post).initial_security_hash(long_ago)
    response = client.post(POST_URL, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "open for a long time" in page
    assert "Written slowly" in page
    fresh = re.search(r'name="timestamp" value="(\d+)"', page).group(1)
    assert int(fresh) > int(data["timestamp"])


def test_comments_on_drafts_are_not_possible(client):
    draft = make_post(status="draft")
    assert client.post(POST_URL, comment_data(draft)).status_code == 404


def test_closed_post_shows_no_form_and_refuses_comments(client):
    post = make_post(allow_comments=False)
    page = page_of(client, post)
    assert "Comments are closed." in page
    assert 'action="/comments/post/"' not in page
    response = client.post(POST_URL, comment_data(post))
    assert response.status_code == 403
    assert "Comments are closed." in response.content.decode()
    assert not XtdComment.objects.exists()


def test_comments_close_automatically_after_the_set_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_post(published_at=timezone.now() - datetime.timedelta(days=31))
    recent = make_post(published_at=timezone.now() - datetime.timedelta(days=3))
    assert client.post(POST_URL, comment_data(old)).status_code == 403
    assert client.post(POST_URL, comment_data(recent)).status_code == 302
    assert "Comments are closed." in page_of(client, old)


def test_sending_the_same_form_twice_posts_one_comment(client):
    post = make_post()
    data = comment_data(post, comment="Only once, please.")
    first = client.post(POST_URL, data)
    again = client.post(POST_URL, data)
    assert XtdComment.objects.count() == 1
    assert again.status_code == 302
    assert again["Location"] == first["Location"]


def test_a_refusal_by_the_spam_filter_keeps_the_text_and_says_why(client, monkeypatch):
    from comments.spam import pipeline

    monkeypatch.setattr(pipeline, "allow", lambda *args: (False, "Too many links."))
    post = make_post()
    response = client.post(POST_URL, comment_data(post, comment="Look at my links"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Too many links." in page
    assert "Look at my links" in page
    assert not XtdComment.objects.exists()


def hold_everything(monkeypatch):
    from comments.spam import pipeline

    held = pipeline.Decision(status=pipeline.Moderation.Status.PENDING)
    monkeypatch.setattr(pipeline, "decide", lambda *args: held)


def test_a_held_comment_is_shown_only_to_its_writer(client, monkeypatch):
    hold_everything(monkeypatch)
    post = make_post("Blackfish")
    add_comment(post, "Already here.")
    client.post(POST_URL, comment_data(post, comment="Please approve me."))
    held = XtdComment.objects.get(comment="Please approve me.")
    assert held.is_public is False

    mine = page_of(client, post)
    assert "Please approve me." in mine
    assert "Your comment is awaiting moderation." in mine
    assert "1 thought on “Blackfish”" in mine  # still counts public comments only

    from django.test import Client

    other = page_of(Client(), post)
    assert "Please approve me." not in other
    assert "awaiting moderation" not in other


def test_post_author_is_marked_and_website_links_are_nofollow(client):
    post = make_post()
    reader = add_comment(post, "Hi", user_name="Site Owner", user_url="https://reader.example/")
    author_reply = add_comment(
        post, "Thanks!", parent=reader, user=post.author, user_name="Liam", user_url=""
    )
    impostor = add_comment(post, "I'm the author", user_name="Liam", user_url="javascript:alert(1)")
    page = page_of(client, post)
    assert '<a href="https://reader.example/" rel="nofollow ugc">Site Owner</a>' in page
    author_block = page.split(f'id="c{author_reply.pk}"', 1)[1].split("</header>", 1)[0]
    assert "Author</span>" in author_block
    impostor_block = page.split(f'id="c{impostor.pk}"', 1)[1].split("</header>", 1)[0]
    assert "Author</span>" not in impostor_block
    assert "javascript:" not in page


def test_avatars_are_drawn_locally(client):
    post = make_post()
    add_comment(post, "Hi", user_name="Rosa Parks")
    page = page_of(client, post)
    assert re.search(r'<span class="avatar avatar-hue-\d+"[^>]*>RP</span>', page)
    assert "gravatar" not in page.lower()
    assert "style=" not in page.split('id="comments"')[1]  # a class, not an inline style


def test_remember_me_sets_a_cookie_only_when_ticked(client):
    post = make_post()
    response = client.post(POST_URL, comment_data(post, comment="no cookie"))
    assert "comment_author" not in response.cookies
    response = client.post(
        POST_URL, comment_data(post, comment="remember", name="Ana", remember="on")
    )
    assert response.cookies["comment_author"]["httponly"]
    page = page_of(client, post)
    assert 'value="Ana"' in page
    assert 'value="ana@example.org"' in page
    response = client.post(POST_URL, comment_data(post, comment="forget me now"))
    assert response.cookies["comment_author"].value == ""  # deleted


def test_a_forged_remember_cookie_is_ignored(client):
    post = make_post()
    client.cookies["comment_author"] = '{"name": "Forged"}'
    assert "Forged" not in page_of(client, post)


def test_the_form_links_to_the_privacy_page(client):
    page = page_of(client, make_post())
    assert f'href="{reverse("comments:privacy")}"' in page
    privacy = client.get(reverse("comments:privacy"))
    assert privacy.status_code == 200
    assert "Never shown:" in privacy.content.decode()


def test_the_post_author_is_told_of_every_comment(client):
    post = make_post("Citizenfour")
    client.post(POST_URL, comment_data(post, comment="Chilling film."))
    assert mail.outbox == []  # the request does not wait for the mail server
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [post.author.email]
    assert "Citizenfour" in message.subject
    assert "Chilling film." in message.body


def test_followers_get_mail_and_the_mute_link_stops_it(client):
    post = make_post()
    follower = comment_data(post, comment="Tell me more", email="follow@example.org")
    follower["followup"] = "on"
    client.post(POST_URL, follower)
    run_tasks()
    mail.outbox.clear()

    client.post(POST_URL, comment_data(post, comment="Second voice", email="b@example.org"))
    run_tasks()
    to_follower = [m for m in mail.outbox if m.to == ["follow@example.org"]]
    assert len(to_follower) == 1
    body = to_follower[0].body
    assert "Second voice" in body
    mute_path = re.search(r"https?://[^/\s]+(/comments/mute/[^\s]+/)", body).group(1)

    muted = client.get(mute_path)
    assert muted.status_code == 200
    assert "No more mail about this thread" in muted.content.decode()
    assert not XtdComment.objects.get(comment="Tell me more").followup

    mail.outbox.clear()
    client.post(POST_URL, comment_data(post, comment="Third voice", email="c@example.org"))
    run_tasks()
    assert not [m for m in mail.outbox if m.to == ["follow@example.org"]]


def test_a_broken_mute_link_is_a_bad_request(client):
    assert client.get("/comments/mute/not-a-key/").status_code == 400


def test_feeds_of_a_post_and_of_the_site(client):
    post = make_post("Hoop Dreams")
    draft = make_post("Secret", status="draft")
    add_comment(post, "Public *words*", user_email="hidden@example.org")
    add_comment(post, "Held words", is_public=False)
    add_comment(draft, "Words on a draft")
    day = post.published_on
    for name in ("comments:post_feed", "comments:post_feed_atom"):
        response = client.get(reverse(name, args=[day.year, day.month, day.day, post.slug]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Public &lt;em&gt;words&lt;/em&gt;" in body
        assert "Held words" not in body
        assert "hidden@example.org" not in body
    for name in ("comments:feed", "comments:feed_atom"):
        body = client.get(reverse(name)).content.decode()
        assert "Hoop Dreams" in body
        assert "Words on a draft" not in body
        assert "Held words" not in body
    missing = reverse("comments:post_feed", args=[day.year, 2, 30, post.slug])
    assert client.get(missing).status_code == 404


def test_recent_comments_on_the_home_page(client):
    post = make_post("Koyaanisqatsi")
    draft = make_post("Unpublished", status="draft")
    add_comment(post, "Lovely", user_name="Dee")
    add_comment(draft, "Sneaky", user_name="Eve")
    page = client.get(reverse("blog:home")).content.decode()
    assert "Recent comments" in page
    assert "Dee</span> on" in page
    assert "Eve" not in page


def test_the_post_page_runs_the_same_queries_for_1_and_200_comments(client, settings):
    build_afresh(client)

    def queries_for(post):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(post.get_absolute_url()).status_code == 200
        return len(queries)

    one = make_post("One")
    ensure_details(add_comment(one, "Only one"))  # as posted through the form
    many = make_post("Many")
    add_filler_comments(many, 200)
    assert XtdComment.objects.filter(object_pk=str(many.pk), is_public=True).count() == 200
    liker = make_user("liker")
    warm = make_post("Warm")
    add_comment(warm, "Warming up")
    queries_for(warm)  # fills the per-process caches (site, content types) first

    def fresh(post):
        pagecache.move(pagecache.CONTENT)  # a write elsewhere: the thread is rendered again
        return queries_for(post)

    def cold(post):
        pagecache.move(pagecache.CONTENT, pagecache.POSTS)  # the article too
        return queries_for(post)

    assert cold(one) == cold(many)
    queries_for(one)  # its article is kept under the posts' version that moved since
    assert fresh(one) == fresh(many)
    # With every part kept, a reader's page reads none of the thread.
    queries_for(one)
    assert queries_for(one) == queries_for(many) < fresh(many)

    client.force_login(liker)  # a logged-in reader's thread is rendered for them
    assert queries_for(one) == queries_for(many)


def test_the_demo_comments_load_once(client, demo):
    post = load_demo_comments()
    load_demo_comments()
    page = page_of(client, post)
    assert "8 thoughts on “Movie Review: Ai Weiwei: Never Sorry (2012) #atozchallenge”" in page
    assert page.count("Author</span>") == 3
    assert "Liked by 1 person" in page


def test_xtd_reply_page_leads_to_the_form_under_the_post(client):
    post = make_post()
    comment = add_comment(post, "Hi")
    response = client.get(f"/comments/reply/{comment.pk}/")
    assert response["Location"] == f"{post.get_absolute_url()}?replytocom={comment.pk}#respond"
    on_draft = add_comment(make_post(status="draft"), "Draft talk")
    assert client.get(f"/comments/reply/{on_draft.pk}/").status_code == 404


def test_xtd_json_api_is_switched_off(client):
    post = make_post()
    add_comment(post, "Hi")
    assert client.get(f"/comments/api/blog-post/{post.pk}/").status_code == 404
    assert client.post("/comments/api/comment/", {}).status_code == 404


# --- Long threads in pages (COMMENTS_PER_PAGE) ------------------------------------------------


def test_long_threads_can_be_paged_and_permalinks_land_on_the_right_page(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    post = make_post("Paged")
    roots = [add_comment(post, f"Root number {n}.") for n in range(5)]
    reply = add_comment(post, "A reply on the last page.", parent=roots[4])
    first = page_of(client, post)
    assert "5 thoughts" not in first and "6 thoughts on “Paged”" in first
    assert "Root number 0." in first and "Root number 1." in first
    assert "Root number 2." not in first
    assert '?cpage=2#comments">Newer comments' in first or "?cpage=2#comments" in first
    third = page_of(client, post, "?cpage=3")
    assert "Root number 4." in third and "A reply on the last page." in third
    assert "Root number 0." not in third
    assert "Root number 4." in page_of(client, post, "?cpage=99")  # past the end: the last page
    assert "Root number 0." in page_of(client, post, "?cpage=nope")

    from comments.threads import comment_url

    assert comment_url(reply, post) == f"{post.get_absolute_url()}?cpage=3#c{reply.pk}"
    assert comment_url(roots[0], post) == f"{post.get_absolute_url()}#c{roots[0].pk}"
    # Replying without JavaScript opens the page the comment is on, with the form set.
    replying = page_of(client, post, f"?replytocom={reply.pk}")
    assert "A reply on the last page." in replying
    assert f'name="reply_to" value="{reply.pk}"' in replying


def test_after_posting_on_a_paged_thread_the_reader_lands_on_their_comment(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    post = make_post()
    for n in range(4):
        add_comment(post, f"Earlier {n}.")
    response = client.post(POST_URL, comment_data(post, comment="Mine, on page three."))
    comment = XtdComment.objects.get(comment="Mine, on page three.")
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#c{comment.pk}"
    assert "Mine, on page three." in page_of(client, post, "?cpage=3")
