"""Links a reader follows: the challenge, letters, terms, neighbours, the menu, the home page."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from blog.models import Post
from tests.comment_helpers import add_comment
from tests.factories import make_challenge, make_post


class Links(HTMLParser):
    """Every <a> of a page as (href, rel, text), and those inside <nav aria-label=…>."""

    def __init__(self):
        super().__init__()
        self.links, self.navs, self._nav, self._open = [], {}, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._nav.append(attrs.get("aria-label", ""))
        if tag == "a":
            self._open = {"href": attrs.get("href"), "rel": attrs.get("rel", ""), "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav:
            self._nav.pop()
        if tag == "a" and self._open is not None:
            link = {**self._open, "text": " ".join(self._open["text"].split())}
            self.links.append(link)
            for label in self._nav:
                self.navs.setdefault(label, []).append(link)
            self._open = None


def links_of(response):
    parser = Links()
    parser.feed(response.content.decode())
    return parser


def test_seed_review_links_its_challenge_letter_tags_and_category(client, demo):
    page = links_of(client.get(demo.get_absolute_url()))
    by_href = {link["href"]: link for link in page.links}
    challenge = [link for link in page.links if link["href"] == "/challenge/2018/"]
    assert "Blogging from A to Z Challenge 2018" in [link["text"] for link in challenge]
    assert by_href["/challenge/letter/a/"]["text"].startswith("Challenge letter A")
    for tag in demo.tags.all():
        link = by_href[f"/tag/{tag.slug}/"]
        assert link["rel"] == "tag" and link["text"] == tag.name
    category = demo.categories.get()
    assert by_href[f"/category/{category.slug}/"]["rel"] == "tag"
    assert category.name == "Documentary Reviews"
    # Each of them leads somewhere real, and the letter page lists the seed review.
    for href in ["/challenge/2018/", "/challenge/letter/a/", f"/category/{category.slug}/"]:
        assert client.get(href).status_code == 200
    assert demo.get_absolute_url() in client.get("/challenge/letter/a/").content.decode()


def test_menu_carries_the_latest_challenge_and_then_this_years(client, demo):
    menu = links_of(client.get("/")).navs["Main"]
    assert [link["text"] for link in menu] == ["Home", "Documentaries", "A to Z", "Archive"]
    assert menu[2]["href"] == "/challenge/2018/"
    make_challenge(year=timezone.localdate().year)
    make_challenge(year=timezone.localdate().year + 1)  # planned, not current
    menu = links_of(client.get("/archive/")).navs["Main"]
    assert menu[2]["href"] == f"/challenge/{timezone.localdate().year}/"


def test_home_shows_the_challenge_progress_and_the_next_letter_due(client, demo):
    text = client.get("/").content.decode()
    assert "4 of 26 letters posted; it ended on April 30, 2018." in text
    today = timezone.localdate()
    current = make_challenge(year=today.year, starts_on=today)
    make_post("Letter A", challenge=current, challenge_letter="A")
    text = " ".join(client.get("/").content.decode().split())
    assert f"Blogging from A to Z {today.year}" in text
    assert "1 of 26 letters posted." in text
    due = current.letter_days()[1]
    assert f"Next: “B”, due {due:%A, %B} {due.day}." in text


def test_a_challenge_post_links_the_neighbouring_letters_skipping_gaps(client, demo):
    challenge = demo.challenge
    posts = {post.challenge_letter: post for post in Post.objects.filter(challenge=challenge)}
    nav = links_of(client.get(posts["C"].get_absolute_url())).navs["In this challenge"]
    assert [link["href"] for link in nav] == [
        "/challenge/2018/",
        posts["B"].get_absolute_url(),
        posts["E"].get_absolute_url(),  # no D was posted
    ]
    assert nav[1]["text"].startswith("← B") and nav[2]["text"].startswith("E")
    # A draft for D stays out of the way.
    make_post("D draft", status=Post.Status.DRAFT, challenge=challenge, challenge_letter="D")
    nav = links_of(client.get(posts["C"].get_absolute_url())).navs["In this challenge"]
    assert nav[2]["href"] == posts["E"].get_absolute_url()
    first = links_of(client.get(demo.get_absolute_url())).navs["In this challenge"]
    assert [link["href"] for link in first][1:] == [posts["B"].get_absolute_url()]


def test_a_post_links_the_older_and_newer_posts_but_never_a_draft_or_scheduled_one(client, db):
    now = timezone.now()
    old = make_post("Old one", published_at=now - datetime.timedelta(days=3))
    middle = make_post("Middle one", published_at=now - datetime.timedelta(days=2))
    make_post("Secret draft", status=Post.Status.DRAFT)
    make_post("Tomorrow", published_at=now + datetime.timedelta(days=1))
    nav = links_of(client.get(middle.get_absolute_url())).navs["Older and newer posts"]
    assert [link["href"] for link in nav] == [old.get_absolute_url()]
    newest = make_post("Newest", published_at=now - datetime.timedelta(days=1))
    nav = links_of(client.get(middle.get_absolute_url())).navs["Older and newer posts"]
    assert [link["href"] for link in nav] == [old.get_absolute_url(), newest.get_absolute_url()]


def test_home_list_shows_public_comment_counts(client, demo):
    add_comment(demo, "First.")
    add_comment(demo, "Second.")
    add_comment(demo, "Held back.", is_public=False)
    add_comment(demo, "Taken down.", is_removed=True)
    text = client.get("/").content.decode()
    link = re.search(rf'href="{demo.get_absolute_url()}#comments">([^<]*)<', text)
    assert link and link.group(1) == "2 comments"
    assert "No comments yet" in text  # the other demo posts


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_home_counts_comments_without_a_query_per_post(client, db):
    add_comment(make_post("One"), "Hi.")
    one = _queries(client, "/")
    for index in range(8):
        post = make_post(f"More {index}")
        add_comment(post, "Hello.")
        add_comment(post, "Again.")
    assert _queries(client, "/") == one
    assert client.get("/").content.decode().count(">2 comments<") == 8


@pytest.mark.parametrize("url", ["/", "/archive/", "/challenge/2018/"])
def test_pages_answer_with_the_new_links(client, demo, url):
    assert client.get(url).status_code == 200


def test_letter_bar_links_only_letters_with_posts(client, demo):
    html = client.get("/archive/").content.decode()
    bar = html.split('aria-label="Letters"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/challenge/letter/a/"' in bar and 'href="/challenge/letter/e/"' in bar
    assert 'href="/challenge/letter/d/"' not in bar
    assert 'D<span class="visually-hidden"> (nothing posted yet)</span>' in bar


def test_a_coming_challenge_says_when_each_letter_is_due(client, demo):
    year = timezone.localdate().year + 1
    coming = make_challenge(year=year)
    day = coming.letter_days()[3]
    html = " ".join(client.get(f"/challenge/{year}/").content.decode().split())
    assert f"Due {day:%a} {day.day} {day:%b}" in html
    assert "Not posted" not in html
    letter_page = " ".join(client.get("/challenge/letter/d/").content.decode().split())
    assert "No challenge so far has a “D” post." in letter_page
    assert f"is due on {day:%A, %B} {day.day}, {year}." in letter_page
