"""What a person sees at a glance in a comment, and what the filter does with it: certain spam
is filed away, obvious spam is never published, and readers who cite references are welcome.

Every comment goes through the real comment form on a fresh site (no known spam links, no
trusted blogs, no disallowed terms), with the first-comment rule and rate limits off."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from comments.forms import CommentForm
from comments.spam import signals
from comments.spam.models import Moderation, SparedSignal
from tests.comment_helpers import POST_URL, add_comment
from tests.factories import make_documentary, make_post, make_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_spam_site")]

PUBLISHED = Moderation.Status.APPROVED
HELD = Moderation.Status.PENDING
FILED = Moderation.Status.SPAM
DECIDE = "admin:spam_moderation_decide"


@pytest.fixture
def post():
    """A review of Flee, with a body that spam may copy."""
    post = make_post(
        "Review: Flee",
        body=(
            "Jonas Poher Rasmussen tells the story of his friend Amin, who fled Kabul as a boy, "
            "mostly in animation that keeps him hidden and lets memory look like memory."
        ),
    )
    make_review(post, make_documentary("Flee", directors=["Jonas Poher Rasmussen"]))
    post.refresh_from_db()
    return post


def send(client, post, text, *, name="Rosemary Quinn", email="rosemary@example.org", url=""):
    """Post through the form a minute after it was shown; (comment, its moderation)."""
    form = CommentForm(post)
    timestamp = int(time.time()) - 60
    data = {
        "content_type": form.initial["content_type"],
        "object_pk": form.initial["object_pk"],
        "timestamp": str(timestamp),
        "security_hash": form.initial_security_hash(timestamp),
        "form_token": form.initial["form_token"],
        "reply_to": 0,
        "name": name,
        "email": email,
        "url": url,
        "comment": text,
    }
    response = client.post(POST_URL, data)
    assert response.status_code == 302, response.content.decode().split("<main")[-1][:1500]
    comment = XtdComment.objects.filter(comment=text).latest("pk")
    return comment, Moderation.objects.get(comment=comment)


def shown_to_readers(post, text):
    return text in Client().get(post.get_absolute_url()).content.decode()


# --- Certain spam is filed away --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "email", "url", "reason"),
    [
        (
            "Good job!",
            "Cheap Replica Watches",
            "sales@replicawatchesoutlet.example",
            "https://replicawatchesoutlet.example",
            "commercial website (replica, outlet)",
        ),
        (
            "cool",
            "Emergency Plumber Leeds",
            "jobs@emergencyplumberleeds.example",
            "https://emergencyplumberleeds.example",
            "commercial website (plumber)",
        ),
        (
            "Very nice post, I have bookmarked your site. Keep it up!",
            "Water Damage Restoration Orlando",
            "office@example.org",
            "",
            "the name is a business, not a person",
        ),
    ],
    ids=["joined-up-domain", "short-praise", "business-name"],
)
def test_praise_under_a_commercial_site_or_business_is_filed_as_spam(
    client, post, text, name, email, url, reason
):
    comment, moderation = send(client, post, text, name=name, email=email, url=url)
    assert moderation.status == FILED
    assert reason in moderation.reason
    assert "all but certain" in moderation.reason
    assert not comment.is_public
    assert not shown_to_readers(post, text)


@pytest.mark.parametrize(
    ("text", "name", "email", "url", "reason"),
    [
        (
            "Thanks for sharing this, very informative.",
            "Mark",
            "mark@easyloansnow.example",
            "https://easyloansnow.example",
            "commercial website (loans)",
        ),
        (
            "Interesting read.",
            "Oliver",
            "oliver@bestcasinobonus.example",
            "",
            "commercial email domain (casino)",
        ),
        (
            "I lost $40,000 to a fake trading site and Agent Morris got it all back. Contact "
            "him on WhatsApp +1 914 555 0187.",
            "Linda Carter",
            "linda@example.org",
            "",
            "a sales pitch with a messenger or phone contact",
        ),
        (
            "Earn $500 a day from home, message my mentor on Telegram @richtraders",
            "Sophia",
            "sophia@example.org",
            "",
            "a sales pitch with a messenger or phone contact",
        ),
        (
            "专业代写论文，保证原创，价格优惠。加微信：lunwen2025",
            "小王",
            "xw@example.org",
            "",
            "an offer in Chinese or Russian",
        ),
        (
            "Hello from a fellow A to Z blogger! Here is my F: "
            "https://quickcashloansusa.example/2025/04/07/f-is-for-finance/",
            "Jenny",
            "jenny@example.org",
            "https://quickcashloansusa.example",
            "commercial website (cash, loans)",
        ),
        (
            "{Hi|Hello} there! {This|This post} {couldn't|could not} be written any better!",
            "Bryan",
            "bryan@example.org",
            "",
            "spun or templated text",
        ),
        (
            "Hello %NAME%, I really like your post about %TITLE%. Do you take guest posts?",
            "Outreach Team",
            "team@example.org",
            "",
            "spun or templated text",
        ),
        (
            "Check out my channel, I make videos every week! Subscribe please",
            "Jay",
            "jay@example.org",
            "",
            "asks readers to come and see, subscribe or share",
        ),
    ],
    ids=[
        "website-only",
        "email-domain",
        "whatsapp",
        "telegram",
        "chinese-offer",
        "look-alike",
        "spintax",
        "template",
        "self-promotion",
    ],
)
def test_each_signal_holds_and_files_when_the_classifier_is_all_but_certain(
    client, post, settings, text, name, email, url, reason
):
    comment, moderation = send(client, post, text, name=name, email=email, url=url)
    certain = moderation.score >= settings.SPAM_CLASSIFIER_SPAM
    assert moderation.status == (FILED if certain else HELD)
    assert reason in moderation.reason
    assert not comment.is_public
    assert not shown_to_readers(post, text)


# --- Copied text ----------------------------------------------------------------------------


def test_text_copied_from_the_post_is_held(client, post):
    text = (
        "Jonas Poher Rasmussen tells the story of his friend Amin, who fled Kabul as a boy. "
        "https://some-site.example/page"
    )
    comment, moderation = send(client, post, text, name="Ola", email="ola@example.org")
    assert moderation.status in {HELD, FILED}
    assert "text copied from the post or another comment" in moderation.reason


def test_text_copied_from_another_comment_is_held(client, post):
    reader = (
        "The scene at the Moscow airport, with the whole family waiting for the smuggler, "
        "is the one that I cannot get out of my head."
    )
    add_comment(post, reader, is_public=True, ip_address="10.0.0.9")
    copy = reader + " https://tims.example/page"
    comment, moderation = send(client, post, copy, name="Tim", email="tim@example.org")
    assert moderation.status in {HELD, FILED}
    assert "text copied from the post or another comment" in moderation.reason


# --- Readers are welcome ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Amin's story is on Wikipedia too: https://en.wikipedia.org/wiki/Flee_(film)",
        "The director explains the animation here: https://www.youtube.com/watch?v=abc123",
        "IMDb says 89 minutes: https://www.imdb.com/title/tt8277574/",
        "Pair it with this: https://letterboxd.com/film/exit-through-the-gift-shop/",
        "The old broadcast is on https://archive.org/details/kabul-1980s-news",
        "The Guardian's review: https://www.theguardian.com/film/2021/dec/flee-review and "
        "the NYT's: https://www.nytimes.com/2021/12/02/movies/flee-review.html and the "
        "museum's page https://www.moma.org/calendar/film/flee",
    ],
    ids=["wikipedia", "youtube", "imdb", "letterboxd-shop-slug", "archive-org", "three-papers"],
)
def test_a_reader_citing_a_reference_is_published(client, post, text):
    comment, moderation = send(client, post, text)
    assert moderation.status == PUBLISHED
    assert shown_to_readers(post, text)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("Pieter van der Berg", ""),
        ("Siobhán O'Connor", ""),
        ("José Luis de la Fuente", ""),
        ("Beans & Books", "https://beansandbooks.blogspot.com"),
        ("Kate (co-host, Reel Talk podcast)", "https://reeltalkpod.wordpress.com"),
        ("王芳", ""),
    ],
)
def test_real_names_and_blog_signatures_are_names(client, post, name, url):
    assert signals.name_kind(name) != "business"
    text = f"Amin's voice when he talks about his brother, {name.split()[0]} here, had to pause."
    _, moderation = send(client, post, text, name=name, url=url)
    assert moderation.status == PUBLISHED


@pytest.mark.parametrize(
    "text",
    [
        "check out the director's earlier shorts, my money is on him making another one soon.",
        "看完这部片子我哭了很久。动画的部分让我想起小时候。谢谢你的影评。",
        "cool",
        "Worst review on this blog. Three paragraphs on the score and one line on Amin?",
    ],
    ids=["everyday-words", "chinese-reader", "one-word", "rude-reader"],
)
def test_everyday_readers_are_published(client, post, text):
    _, moderation = send(client, post, text, name="Dana Ruiz")
    assert moderation.status == PUBLISHED


def test_joined_up_domains_are_read_as_words_but_not_inside_other_words():
    assert signals.domain_words("easyloansnow.com") == ["loans"]
    assert signals.domain_words("www.cheap-replica-bags.co.uk") == ["cheap", "replica"]
    assert signals.domain_words("alphabetsoup.blog") == []
    assert signals.domain_words("cashewcrumbs.com") == []
    assert signals.read_site("https://letterboxd.com/film/the-shop-around-the-corner/") is None


# --- The moderator's rescue teaches the filter -----------------------------------------------


def test_a_rescued_comment_changes_the_next_decision_for_its_kind(client, admin_client, post):
    site = "https://replicawatchesoutlet.example"
    name = "Cheap Replica Watches"
    first, moderation = send(client, post, "Good job!", name=name, email="made@x.org", url=site)
    assert moderation.status == FILED
    assert "commercial website" in moderation.reason

    admin_client.post(reverse(DECIDE, args=[moderation.pk, "not_spam"]))
    first.refresh_from_db()
    assert first.is_public
    assert SparedSignal.objects.filter(kind="site", value="replicawatchesoutlet.example").exists()

    _, again = send(client, post, "Good job again!", name=name, email="made@x.org", url=site)
    # The site and the name no longer count as signals: the classifier alone only holds it
    # (until the retraining the rescue queued teaches it too).
    assert again.status == HELD
    assert again.check_name == "classifier"

    # Filed as spam after all: the site is a signal again.
    admin_client.post(reverse(DECIDE, args=[again.pk, "spam"]))
    assert not SparedSignal.objects.exists()
