"""The spam filter on a blog in the A to Z challenge: fellow participants are welcome, link spam
is held, the classifier alone never files a comment as spam, the owner's trusted blogs skip the
classifier, and the queue says why in plain words."""

import csv
import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from blog.models import Challenge
from comments.forms import CommentForm
from comments.spam import training
from comments.spam.models import ClassifierModel, Moderation, SpamLink, TrustedBlog
from tests.comment_helpers import POST_URL, add_comment
from tests.factories import make_documentary, make_post, make_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

QUEUE = "admin:spam_moderation_changelist"
DECIDE = "admin:spam_moderation_decide"

# The three comments of the report that started this: a fellow participant's visit, one with a
# link to the visitor's own "A" post, and a short note of thanks.
GARDENS = (
    "Hopping over from #AtoZChallenge. Great pick for A! My theme this year is gardens: "
    "https://gardenpathnotes.blogspot.com/2026/04/a-is-for-alliums.html"
)
OWN_A_POST = (
    "Visiting from the A to Z list. Ai Weiwei is such a good A, I saw the film years ago. "
    "Here's my A: https://lettersfromthelake.com/2026/04/01/a-is-for-anchors/"
)
ADD_TO_LIST = "Great review, I will add it to my list. Happy A to Z!"

SHOP_VISIT = (
    "Hopping over from #AtoZChallenge. Great pick for A! My shop has lovely handmade candles, "
    "20% off this week: https://candle-deals.shop/products/vanilla"
)
PRAISE_AND_LINK = (
    "Great post! Very informative. Visit https://cheap-essay-writers.com/order for the best essays."
)


@pytest.fixture
def entry():
    """The blog's "A" entry of this year's challenge, a review of Ai Weiwei: Never Sorry."""
    challenge = Challenge.objects.create(year=2026, theme="Documentaries")
    post = make_post("A is for Ai Weiwei: Never Sorry", challenge=challenge, challenge_letter="A")
    documentary = make_documentary("Ai Weiwei: Never Sorry", directors=["Alison Klayman"])
    make_review(post, documentary)
    post.refresh_from_db()
    return post


def send(client, post, text, *, name="Rosemary Quinn", email="rosemary@example.org", url=""):
    """Post a comment through the form, as a browser does a minute after showing it."""
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
    assert response.status_code == 302, response.content.decode()[:500]
    comment = XtdComment.objects.get(comment=text)
    return comment, Moderation.objects.get(comment=comment)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (GARDENS, "https://gardenpathnotes.blogspot.com/"),
        (OWN_A_POST, "https://lettersfromthelake.com"),
        (ADD_TO_LIST, ""),
    ],
    ids=["gardens", "own-a-post", "add-to-list"],
)
def test_challenge_visits_are_published_or_held_never_spam(client, entry, settings, text, url):
    comment, moderation = send(client, entry, text, url=url)
    assert moderation.status != Moderation.Status.SPAM
    assert moderation.check_name != "classifier"  # at most held as a first comment

    settings.SPAM_FIRST_COMMENT_HOLD = False
    XtdComment.objects.all().delete()
    comment, moderation = send(client, entry, text, url=url, email="another@example.org")
    assert comment.is_public is True
    assert moderation.status == Moderation.Status.APPROVED
    assert text in client.get(entry.get_absolute_url()).content.decode()


def test_a_look_alike_challenge_visit_linking_to_a_shop_is_held(client, entry, settings):
    settings.SPAM_FIRST_COMMENT_HOLD = False
    comment, moderation = send(client, entry, SHOP_VISIT, url="https://candle-deals.shop")
    assert comment.is_public is False
    assert moderation.status in {Moderation.Status.PENDING, Moderation.Status.SPAM}
    assert moderation.check_name == "classifier"
    assert "commercial link" in moderation.reason
    assert "candle-deals" not in Client().get(entry.get_absolute_url()).content.decode()


def test_the_classifier_alone_only_holds_and_files_spam_with_a_second_key(
    client, admin_client, entry, settings
):
    settings.SPAM_FIRST_COMMENT_HOLD = False
    # All but certain, but nothing a person would call commercial: only held.
    praise = "Great post! Very informative. Visit https://sunny-pages.example/best for the best."
    first, moderation = send(client, entry, praise, name="Mary Quist", email="a@example.net")
    assert moderation.status == Moderation.Status.PENDING
    assert moderation.score >= settings.SPAM_CLASSIFIER_SPAM

    # The same praise from a business, linking to a commercial site: filed as spam.
    _, filed = send(client, entry, PRAISE_AND_LINK, name="Essay Writing Service", email="e@x.net")
    assert filed.status == Moderation.Status.SPAM
    assert "the name is a business" in filed.reason or "commercial" in filed.reason

    add_comment(entry, "The background is on https://en.wikipedia.org/wiki/Ai_Weiwei")
    first.comment += " Sources: https://en.wikipedia.org/wiki/Essay"
    first.save(update_fields=["comment"])
    admin_client.post(reverse(DECIDE, args=[moderation.pk, "spam"]))
    # The spammer's site is remembered; a site published comments link to is not.
    assert set(SpamLink.objects.values_list("host", flat=True)) == {"sunny-pages.example"}

    again = "Nice article, thanks for sharing! More at https://sunny-pages.example/more"
    _, second = send(client, entry, again, name="Dora Quist", email="b@example.net")
    assert second.status == Moderation.Status.SPAM
    assert "sunny-pages.example, filed as spam before" in second.reason

    # A reader who merely links there is held, not filed as spam: the classifier is not sure.
    reader = "Ai Weiwei's cats steal the film. (Someone posted https://sunny-pages.example)"
    _, third = send(client, entry, reader, name="Ana Lima", email="ana@example.org")
    assert third.status == Moderation.Status.PENDING


def test_the_queue_shows_the_decision_and_its_reasons_in_plain_words(
    client, admin_client, entry, settings
):
    settings.SPAM_FIRST_COMMENT_HOLD = False
    send(client, entry, PRAISE_AND_LINK, name="Essay Writing Service", email="a@example.net")
    page = admin_client.get(reverse(QUEUE) + "?status=spam").content.decode()
    rows = page.split('id="result_list"')[1]
    assert "cheap-essay-writers.com" in rows
    assert "The classifier is all but certain" in rows
    assert "generic praise that would fit any page" in rows
    assert "links to a commercial site (cheap, essay" in rows


def test_a_participant_on_the_pasted_list_is_published(client, admin_client, entry):
    paste = reverse("admin:spam_trustedblog_paste")
    assert (
        "Paste a list"
        in admin_client.get(reverse("admin:spam_trustedblog_changelist")).content.decode()
    )
    assert admin_client.get(paste).status_code == 200
    listing = (
        "1. Rosemary - Gardens A to Z https://gardenpathnotes.blogspot.com/\n"
        "2. Pat (lakes) - www.lettersfromthelake.com/2026/04/01/a-is-for-anchors/\n"
        "3. medium.com/@tomwrites\n"
    )
    response = admin_client.post(paste, {"blogs": listing, "note": "A to Z 2026"})
    assert response.status_code == 302
    assert set(TrustedBlog.objects.values_list("address", flat=True)) == {
        "gardenpathnotes.blogspot.com",
        "lettersfromthelake.com",
        "medium.com/@tomwrites",
    }
    # First comment, a link and words the classifier might doubt: the trusted list wins.
    text = "Hi from a fellow participant! More gardens: https://gardenpathnotes.blogspot.com/2026/04/b-is-for-borage.html"
    comment, moderation = send(client, entry, text, url="https://gardenpathnotes.blogspot.com")
    assert comment.is_public is True
    assert moderation.check_name == "trusted"
    assert text in client.get(entry.get_absolute_url()).content.decode()

    # A trusted website does not cover a link to a shop in the text.
    _, shop = send(
        client, entry, SHOP_VISIT, url="https://gardenpathnotes.blogspot.com", email="x@example.net"
    )
    assert shop.status != Moderation.Status.APPROVED


def test_pasting_text_without_an_address_keeps_it_and_says_why(admin_client):
    response = admin_client.post(reverse("admin:spam_trustedblog_paste"), {"blogs": "no blogs"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No blog address found" in page
    assert "no blogs</textarea>" in page
    assert not TrustedBlog.objects.exists()


def test_trust_this_blog_from_the_queue(client, admin_client, entry):
    text = "Visiting from the A to Z! Lovely choice. My A is here: https://lettersfromthelake.com/?p=812"
    comment, moderation = send(client, entry, text, name="Pat", email="pat@example.org")
    assert comment.is_public is False  # a first comment
    button = reverse(DECIDE, args=[moderation.pk, "trust"])
    assert f'formaction="{button}"' in admin_client.get(reverse(QUEUE)).content.decode()

    response = admin_client.post(button, follow=True)
    assert "lettersfromthelake.com is now trusted" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_public is True
    assert TrustedBlog.objects.filter(address="lettersfromthelake.com").exists()

    later = "B is up too: https://lettersfromthelake.com/2026/04/02/b-is-for-buoys/"
    next_comment, _ = send(client, entry, later, name="Pat", email="pat.new@example.org")
    assert next_comment.is_public is True


def _write_csv(path, rows, fields):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_spam_eval_reads_the_optional_columns_and_reports_by_check(tmp_path):
    path = tmp_path / "mine.csv"
    _write_csv(
        path,
        [
            {
                "text": GARDENS,
                "label": "0",
                "name": "Rosemary",
                "email": "r@example.org",
                "url": "https://gardenpathnotes.blogspot.com",
                "post_title": "A is for Ai Weiwei: Never Sorry #AtoZChallenge",
            },
            {
                "text": PRAISE_AND_LINK,
                "label": "1",
                "name": "Essay Writing Service",
                "email": "",
                "url": "https://cheap-essay-writers.com",
                "post_title": "A is for Ai Weiwei: Never Sorry #AtoZChallenge",
            },
        ],
        ["text", "label", "name", "email", "url", "post_title"],
    )
    out = io.StringIO()
    call_command("spam_eval", str(path), stdout=out)
    report = out.getvalue()
    assert "mine.csv: 2 comments, 1 spam, 1 ham" in report
    assert "ham published             1" in report
    assert "spam filed as spam        1" in report
    assert "classifier    spam filed as spam: 1" in report
    assert "ms per comment" in report

    broken = tmp_path / "broken.csv"
    _write_csv(broken, [{"text": "hello", "kind": "spam"}], ["text", "kind"])
    with pytest.raises(CommandError, match="no label column"):
        call_command("spam_eval", str(broken), stdout=io.StringIO())


def test_a_stored_classifier_of_older_features_gives_way_to_the_shipped_data():
    ClassifierModel.objects.create(data={"kind": "logistic", "bias": 30.0, "weights": {}})
    assert training.current_classifier() is training.seed_classifier()
    assert training.current_classifier().score(ADD_TO_LIST) < 0.3
