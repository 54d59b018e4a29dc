"""Feeds as a feed reader sees them: RSS 2.0 and Atom, every post and per tag, category and
challenge, items with the rating and the film's facts; drafts never appear."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from blog.feeds import FEED_ITEMS
from blog.models import Post, Tag
from tests.factories import make_challenge, make_post, make_review

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SEED_PATH = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"


def _rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel"), root.findall("channel/item")


def _atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def test_main_feed_is_at_wordpress_address_with_every_published_post(client, demo):
    channel, items = _rss_items(client, "/feed/")
    assert channel.findtext("title") == "A to Z Documentaries"
    published = list(Post.objects.published().order_by("-published_at"))
    assert [item.findtext("title") for item in items] == [post.title for post in published]
    seed = next(item for item in items if item.findtext("link").endswith(SEED_PATH))
    assert seed.findtext("pubDate").startswith("Mon, 02 Apr 2018")
    assert {"art", "activism", "China", "Documentary Reviews"} <= {
        category.text for category in seed.findall("category")
    }


def test_items_carry_rating_and_film_facts(client, demo):
    _, items = _rss_items(client, "/feed/")
    seed = next(item for item in items if item.findtext("link").endswith(SEED_PATH))
    description = seed.findtext("description")  # HTML, as feed readers expect
    assert "Rating: 4 out of 5 stars" in description
    assert "<strong>Ai Weiwei: Never Sorry</strong> (2012)" in description
    assert "directed by Alison Klayman" in description
    assert "91 minutes" in description
    assert "letter “A”" in description


def test_atom_feed_has_the_same_entries(client, demo):
    root, entries = _atom_entries(client, "/feed/atom/")
    assert root.findtext(f"{ATOM}title") == "A to Z Documentaries"
    assert len(entries) == Post.objects.published().count()
    seed = next(e for e in entries if e.find(f"{ATOM}link").get("href").endswith(SEED_PATH))
    assert "4 out of 5 stars" in seed.findtext(f"{ATOM}summary")
    assert seed.findtext(f"{ATOM}published").startswith("2018-04-02T08:00:00")
    assert seed.findtext(f"{ATOM}author/{ATOM}name") == "Liam"


def test_tag_feed_has_only_that_tags_posts(client, demo):
    _, items = _rss_items(client, "/tag/art/feed/")
    titles = {item.findtext("title") for item in items}
    assert titles == {post.title for post in Post.objects.published().filter(tags__slug="art")}
    assert len(titles) == 2
    _, entries = _atom_entries(client, "/tag/art/feed/atom/")
    assert len(entries) == 2


def test_category_feed(client, demo):
    channel, items = _rss_items(client, "/category/documentary-reviews/feed/")
    assert "Documentary Reviews" in channel.findtext("title")
    assert len(items) == Post.objects.published().count()
    assert len(_atom_entries(client, "/category/documentary-reviews/feed/atom/")[1]) == len(items)


def test_challenge_feed_has_that_years_posts(client, demo):
    channel, items = _rss_items(client, "/challenge/2018/feed/")
    assert "2018" in channel.findtext("title")
    assert channel.findtext("link").endswith("/challenge/2018/")
    assert len(items) == Post.objects.published().filter(challenge__year=2018).count() == 4
    assert len(_atom_entries(client, "/challenge/2015/feed/atom/")[1]) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/tag/no-such-tag/feed/",
        "/category/no-such-category/feed/atom/",
        "/challenge/1999/feed/",
    ],
)
def test_unknown_feeds_are_404(client, demo, url):
    assert client.get(url).status_code == 404


def test_drafts_and_scheduled_posts_stay_out_of_every_feed(client, demo):
    art = Tag.objects.get(slug="art")
    draft = make_post("Secret draft", status=Post.Status.DRAFT)
    scheduled = make_post(
        "Secret scheduled",
        challenge=make_challenge(2018),
        challenge_letter="Z",
        published_at=timezone.now() + datetime.timedelta(hours=2),
    )
    make_review(post=scheduled, rating="1")
    for post in (draft, scheduled):
        post.tags.add(art)
        post.categories.add(*Post.objects.get(slug__contains="weiwei").categories.all())
    for url in [
        "/feed/",
        "/feed/atom/",
        "/tag/art/feed/",
        "/tag/art/feed/atom/",
        "/category/documentary-reviews/feed/",
        "/challenge/2018/feed/",
        "/challenge/2018/feed/atom/",
    ]:
        assert b"Secret" not in client.get(url).content, url


def test_feed_is_bounded_and_newest_first(client, db):
    for index in range(FEED_ITEMS + 5):
        make_post(f"Bulk {index}")
    _, items = _rss_items(client, "/feed/")
    assert len(items) == FEED_ITEMS
    dates = [Post.objects.get(title=item.findtext("title")).published_at for item in items]
    assert dates == sorted(dates, reverse=True)


def test_hostile_titles_and_bodies_are_escaped_in_feeds(client, db):
    make_post('<script>alert("t")</script> title', body="<script>alert(1)</script> body")
    content = client.get("/feed/").content
    ET.fromstring(content)  # noqa: S314 (still well-formed XML)
    assert b"<script>" not in content
    _, items = _rss_items(client, "/feed/")
    assert "<script>" not in items[0].findtext("description")


def test_links_use_the_address_the_reader_came_by(client, demo):
    channel, items = _rss_items(client, "/feed/")
    assert channel.findtext("link") == "http://testserver/"
    assert items[0].findtext("link").startswith("http://testserver/20")
    root, _ = _atom_entries(client, "/tag/art/feed/atom/")
    self_link = next(link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == "http://testserver/tag/art/feed/atom/"
    assert b"example.com" not in client.get("/feed/").content
