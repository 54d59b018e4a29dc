"""The archive as readers browse it: challenge grids, letters, tags, categories, dates,
related reviews, sitemap and robots.txt; drafts never leak; lists keep their query counts."""

import datetime
import re

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.utils import timezone

from blog.challenge import expected_letter, letter_day, letter_warning
from blog.models import Category, Post, Tag
from tests.factories import (
    make_challenge,
    make_documentary,
    make_post,
    make_review,
    make_staff,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

SEED_URL = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _cells(html):
    """The A to Z grid as {letter: cell html}."""
    cells = re.findall(r'<li class="az-cell[^"]*">(.*?)</li>', html, re.S)
    return {re.search(r"az-letter[^>]*>(\w)<", cell).group(1): cell for cell in cells}


# The challenge calendar


@pytest.mark.parametrize(
    ("day", "letter"),
    [
        ("2015-04-01", "A"),  # a Wednesday: the challenge starts on April 1
        ("2015-04-04", "D"),
        ("2015-04-05", None),  # Sunday off
        ("2015-04-06", "E"),
        ("2015-04-30", "Z"),
        ("2018-04-01", None),  # April 1 is a Sunday: A moves to Monday ...
        ("2018-04-02", "A"),
        ("2018-04-07", "F"),
        ("2018-04-28", "X"),
        ("2018-04-29", "Y"),  # ... and, April being one day short, its last Sunday counts
        ("2018-04-30", "Z"),
        ("2018-05-01", None),
        ("2018-03-31", None),
        ("2018-12-24", None),
    ],
)
def test_expected_letter_follows_april_with_sundays_off(day, letter):
    assert expected_letter(datetime.date.fromisoformat(day)) == letter


def test_every_year_has_26_distinct_days():
    for year in range(2010, 2031):
        days = [letter_day(year, chr(65 + index)) for index in range(26)]
        assert len(set(days)) == 26
        assert all(day.month == 4 for day in days)
        # Sundays are off, except the last one when April is one day short.
        april_1 = datetime.date(year, 4, 1)
        weekdays = sum(1 for n in range(30) if (april_1 + datetime.timedelta(n)).weekday() != 6)
        sundays = [day for day in days if day.weekday() == 6]
        assert len(sundays) == max(0, 26 - weekdays)
        assert all(
            day == max(days) - datetime.timedelta(days=1) or day == max(days) for day in sundays
        )


def test_letter_warning_only_when_the_letter_does_not_fit():
    assert letter_warning("A", 2018, datetime.date(2018, 4, 2)) is None
    assert letter_warning("A", 2018, None) is None
    late = letter_warning("A", 2018, datetime.date(2018, 4, 3))
    assert "April 2" in late and "“B”" in late
    sunday = letter_warning("G", 2018, datetime.date(2018, 4, 8))
    assert "no letter" in sunday


def _save_in_admin(post):
    request = RequestFactory().post("/admin/blog/post/")
    request.user = make_staff()
    request.session = {}
    request._messages = FallbackStorage(request)
    admin_site._registry[Post].save_model(request, post, form=None, change=False)
    return [str(message) for message in get_messages(request)]


def test_admin_warns_but_saves_a_post_whose_letter_misses_its_day(db):
    challenge = make_challenge(2018)
    post = make_post(
        "Late letter",
        challenge=challenge,
        challenge_letter="C",
        published_at=datetime.datetime(2018, 4, 9, 9, tzinfo=datetime.UTC),
        status=Post.Status.DRAFT,
    )
    post.status = Post.Status.PUBLISHED
    warnings = _save_in_admin(post)
    assert Post.objects.filter(pk=post.pk, status=Post.Status.PUBLISHED).exists()
    assert len(warnings) == 1 and "“C”" in warnings[0] and "April 4" in warnings[0]


def test_admin_says_nothing_when_the_letter_fits(db):
    post = make_post(
        "On time",
        challenge=make_challenge(2018),
        challenge_letter="C",
        published_at=datetime.datetime(2018, 4, 4, 9, tzinfo=datetime.UTC),
    )
    assert not [m for m in _save_in_admin(post) if "due on" in m]


# Challenge pages


def test_challenge_index_lists_every_year_with_its_theme(client, demo):
    html = _html(client, "/challenge/")
    for year in (2015, 2016, 2017, 2018):
        assert f'href="/challenge/{year}/"' in html
    assert "Documentaries" in html


def test_2018_grid_links_a_to_the_seed_and_shows_letters_without_posts(client, demo):
    cells = _cells(_html(client, "/challenge/2018/"))
    assert list(cells) == [chr(65 + index) for index in range(26)]
    assert f'href="{SEED_URL}"' in cells["A"]
    assert "Ai Weiwei: Never Sorry" in cells["A"]
    assert 'aria-label="4 out of 5 stars"' in cells["A"]
    assert "Bill Nye" in cells["B"] and "3 out of 5 stars" in cells["B"]
    for letter in "DFGZ":
        assert "Not posted" in cells[letter]  # 2018 is long past: no "yet", no "due"
        assert "yet" not in cells[letter] and "Due" not in cells[letter]
        assert "href" not in cells[letter]


def test_grid_shows_scheduled_letters_as_coming_soon_without_title(client, demo):
    challenge = make_challenge(2018)
    make_post(
        "Secret scheduled film",
        challenge=challenge,
        challenge_letter="D",
        published_at=timezone.now() + datetime.timedelta(days=2),
    )
    make_post("Secret draft film", challenge=challenge, challenge_letter="F", status="draft")
    html = _html(client, "/challenge/2018/")
    cells = _cells(html)
    assert "Coming soon" in cells["D"] and "href" not in cells["D"]
    assert "Not posted" in cells["F"]
    assert "Secret" not in html


def test_a_year_without_challenge_is_404(client, demo):
    assert client.get("/challenge/1999/").status_code == 404


def test_letter_page_lists_every_a_review_across_years_in_order(client, demo):
    html = _html(client, "/challenge/letter/a/")
    titles = [
        "Africa: The Serengeti",  # 2015
        "American Experience: Blackout",  # 2016
        "American Experience: Into the Amazon",  # 2017
        "Ai Weiwei: Never Sorry",  # 2018
    ]
    positions = [html.find(title) for title in titles]
    assert all(position > 0 for position in positions)
    assert positions == sorted(positions)
    assert "Bill Nye" not in html.split("<main", 1)[1]
    assert _html(client, "/challenge/letter/A/").count("<li>") == html.count("<li>")


def test_letter_page_for_an_unused_letter_says_so(client, demo):
    assert "No challenge so far has a “Q” post." in _html(client, "/challenge/letter/q/")


@pytest.mark.parametrize("url", ["/challenge/letter/ab/", "/challenge/letter/1/", "/challenge/x/"])
def test_bad_letters_are_404(client, demo, url):
    assert client.get(url).status_code == 404


# Tags, categories and dates


def test_tag_and_category_pages_have_wordpress_addresses(client, demo):
    html = _html(client, "/tag/art/")
    assert "Ai Weiwei: Never Sorry" in html and "Exit Through the Gift Shop" in html
    assert "Chasing Coral" not in html.split("<main", 1)[1]
    html = _html(client, "/category/documentary-reviews/")
    assert html.count('class="post-card"') == Post.objects.published().count()


def test_child_categories_under_their_parent_redirect_to_their_page(client, demo):
    parent = Category.objects.get(slug="documentary-reviews")
    child = Category.objects.create(name="Nature", slug="nature", parent=parent)
    Post.objects.get(title__contains="Serengeti").categories.add(child)
    response = client.get("/category/documentary-reviews/nature/")
    assert response.status_code == 301 and response["Location"] == "/category/nature/"
    assert "Serengeti" in _html(client, "/category/nature/")
    assert client.get("/category/elsewhere/nature/").status_code == 404


def test_terms_without_public_posts_are_404(client, demo):
    tag = Tag.objects.create(name="Only drafts", slug="only-drafts")
    make_post("Hidden", status="draft").tags.add(tag)
    assert client.get("/tag/only-drafts/").status_code == 404
    assert client.get("/tag/no-such-tag/").status_code == 404
    assert client.get("/category/no-such-category/").status_code == 404


def test_year_month_and_day_archives(client, demo):
    html = _html(client, "/2018/")
    assert "Ai Weiwei: Never Sorry" in html and "Chasing Coral" in html
    assert 'href="/2018/04/"' in html
    html = _html(client, "/2018/04/")
    assert html.count('class="post-card"') == 4
    html = _html(client, "/2018/04/02/")
    assert html.count('class="post-card"') == 1 and SEED_URL in html


@pytest.mark.parametrize(
    "url", ["/2019/", "/2018/05/", "/2018/13/", "/2018/00/", "/2018/02/30/", "/0000/", "/2018/4/"]
)
def test_empty_or_impossible_dates_are_404(client, demo, url):
    assert client.get(url).status_code == 404


def test_archive_index_links_every_way_in(client, demo):
    html = _html(client, "/archive/")
    for href in ["/challenge/2015/", "/2018/", "/2018/04/", "/tag/art/", "/challenge/letter/a/"]:
        assert f'href="{href}"' in html
    assert "/category/documentary-reviews/" in html


def test_navigation_links_to_archive_search_and_feeds(client, demo):
    html = _html(client, "/")
    assert 'href="/archive/"' in html
    assert 'action="/search/"' in html and 'name="q"' in html
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert 'href="/feed/atom/"' in html


# Related reviews


def test_related_reviews_show_same_director_but_not_the_letter_posts_linked_above(client, demo):
    same_director = make_post("Another Klayman film")
    make_review(post=same_director, documentary=make_documentary(directors=["Alison Klayman"]))
    html = _html(client, SEED_URL)
    intro = html.split('class="challenge-intro"', 1)[1].split("</p>", 1)[0]
    related = html.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert same_director.review.documentary.title in related
    for title in ["Africa: The Serengeti", "American Experience: Blackout"]:
        assert title in intro
        assert title not in related
    assert related.count("<li>") <= 6


def test_related_reviews_count_the_letter_across_other_challenges(client, demo):
    from blog.models import Challenge

    other_challenge = Challenge.objects.create(name="Another letter challenge", year=2018)
    same_letter = make_post("Other A", challenge=other_challenge, challenge_letter="A")
    make_review(post=same_letter)
    related = _html(client, SEED_URL).split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert same_letter.review.documentary.title in related


def test_related_reviews_hidden_without_good_matches(client, db):
    lonely = make_post("Lonely review")
    make_review(post=lonely)
    other = make_post("Unrelated")
    other.tags.create(name="one", slug="one")
    assert "Related reviews" not in _html(client, lonely.get_absolute_url())


def test_related_reviews_are_at_most_six_and_published_only(client, db):
    tag_a, tag_b = Tag.objects.create(name="a", slug="a"), Tag.objects.create(name="b", slug="b")
    post = make_post("Centre")
    post.tags.add(tag_a, tag_b)
    for index in range(9):
        make_post(f"Match {index}").tags.add(tag_a, tag_b)
    make_post("Draft match", status="draft").tags.add(tag_a, tag_b)
    html = _html(client, post.get_absolute_url())
    related = html.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert related.count("<li>") == 6
    assert "Draft match" not in html


# Sitemap and robots.txt


def test_sitemap_lists_posts_documentaries_and_archive_pages(client, demo):
    xml = _html(client, "/sitemap.xml")
    for post in Post.objects.published():
        assert post.get_absolute_url() in xml
    for path in [
        "/documentaries/ai-weiwei-never-sorry-2012/",
        "/challenge/2018/",
        "/challenge/letter/a/",
        "/2018/04/",
        "/tag/art/",
        "/category/documentary-reviews/",
    ]:
        assert f"<loc>http://testserver{path}</loc>" in xml, path
    assert "example.com" not in xml


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


# Drafts, smoke, query counts


def _public_archive_urls():
    return [
        "/archive/",
        "/challenge/",
        "/challenge/2018/",
        "/challenge/2015/",
        "/challenge/letter/a/",
        "/challenge/letter/d/",
        "/tag/art/",
        "/category/documentary-reviews/",
        "/2018/",
        "/2018/04/",
        "/2018/04/02/",
        SEED_URL,
        "/search/?q=secret",
        "/search/?q=Klayman",
        "/search/?q=hidden",
        "/feed/",
        "/feed/atom/",
        "/tag/art/feed/",
        "/tag/art/feed/atom/",
        "/category/documentary-reviews/feed/",
        "/category/documentary-reviews/feed/atom/",
        "/challenge/2018/feed/",
        "/challenge/2018/feed/atom/",
        "/sitemap.xml",
        "/robots.txt",
    ]


def test_every_public_archive_url_answers_200(client, demo):
    for url in _public_archive_urls():
        assert client.get(url).status_code == 200, url


def test_drafts_and_scheduled_posts_never_leak_into_archives(client, demo):
    challenge = make_challenge(2018)
    art = Tag.objects.get(slug="art")
    category = Category.objects.get(slug="documentary-reviews")
    hidden_doc = make_documentary("Hidden Documentary Title", directors=["Hidden Director"])
    draft = make_post(
        "Secret draft title",
        status="draft",
        challenge=challenge,
        challenge_letter="F",
        body="Secret draft body about Klayman and art.",
    )
    scheduled = make_post(
        "Secret scheduled title",
        challenge=challenge,
        challenge_letter="D",
        published_at=timezone.now() + datetime.timedelta(days=3),
        body="Secret scheduled body about Klayman and art.",
    )
    make_review(post=scheduled, documentary=hidden_doc, rating="1")
    for post in (draft, scheduled):
        post.tags.add(art, Tag.objects.create(name=f"hidden-{post.pk}", slug=f"hidden-{post.pk}"))
        post.categories.add(category)
    for url in _public_archive_urls():
        body = client.get(url).content.decode()
        for secret in ["Secret", "Hidden Documentary", "Hidden Director", "hidden-"]:
            assert secret not in body, (url, secret)
        assert scheduled.get_absolute_url() not in body, url
    for url in [f"/tag/hidden-{draft.pk}/", f"/tag/hidden-{scheduled.pk}/feed/"]:
        assert client.get(url).status_code == 404, url
    future_year = timezone.localdate().year + 1
    assert client.get(f"/{future_year}/").status_code == 404


def _add_posts(count, year, start=0):
    challenge = make_challenge(year)
    tag = Tag.objects.get_or_create(name="common", slug="common")[0]
    category = Category.objects.get_or_create(name="Reviews", slug="reviews")[0]
    for index in range(start, start + count):
        post = make_post(
            f"Film review {index}",
            challenge=challenge,
            challenge_letter=chr(65 + index % 26),
            published_at=datetime.datetime(year, 4, 1 + index % 26, 9, tzinfo=datetime.UTC),
            slug=f"film-review-{index}",
            body=f"A film about searchable things, number {index}.",
        )
        make_review(
            post=post, documentary=make_documentary(directors=[f"Director {index}", "Shared"])
        )
        post.tags.add(tag, Tag.objects.create(name=f"own {index}", slug=f"own-{index}"))
        post.categories.add(category)


LIST_URLS = [
    "/archive/",
    "/challenge/",
    "/challenge/2018/",
    "/challenge/letter/a/",
    "/tag/common/",
    "/category/reviews/",
    "/2018/",
    "/2018/04/",
    "/2018/04/01/",
    "/search/?q=searchable",
    "/search/?q=Shared",
    "/feed/",
    "/feed/atom/",
    "/tag/common/feed/",
    "/category/reviews/feed/",
    "/challenge/2018/feed/atom/",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_pages_run_the_same_queries_for_1_and_many_posts(client, db, url):
    _add_posts(1, 2018)
    client.get(url)  # the first request also reads the Site, cached afterwards
    one = count_queries(client, url)
    _add_posts(11, 2018, start=1)  # letters B..L; "A" and April 1 get a second post below
    _add_posts(3, 2019, start=26)
    Post.objects.filter(title="Film review 26").update(
        published_at=datetime.datetime(2018, 4, 1, 10, tzinfo=datetime.UTC),
        published_on=datetime.date(2018, 4, 1),
    )
    assert Post.objects.published().count() == 15
    many = count_queries(client, url)
    assert one == many, url
