"""Posts as readers see them: the seed review, drafts and schedules, addresses, query counts."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.factories import make_challenge, make_post, make_review, make_staff
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

SEED_URL = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"


def test_seed_review_page_shows_everything_the_original_shows(client, demo):
    assert demo.get_absolute_url() == SEED_URL
    response = client.get(SEED_URL)
    assert response.status_code == 200
    html = response.content.decode().split("<main", 1)[1]
    expected_in_order = [
        "Movie Review: Ai Weiwei: Never Sorry (2012) #atozchallenge",
        "This is my entry for “A”",
        "Some other “A” documentaries I’ve reviewed are",
        "<dt>Title</dt>",
        "Ai Weiwei: Never Sorry",
        "<dt>Release Date</dt>",
        "April 16, 2012",
        "<dt>Director</dt>",
        "Alison Klayman",
        "<dt>Production Company</dt>",
        "United Expression Media",
        "Sichuan earthquake",
        "What Can One Learn From Watching This Documentary",
        "If You Like This You Might Also Want To",
        "Source:",
        "Netflix streaming",
        "Hulu",
        "Rating:",
        "4 out of 5 stars",
        'id="comments"',
    ]
    position, missing = 0, []
    for text in expected_in_order:  # each item after the one before, as on the page
        found = html.find(text, position)
        if found < 0:
            missing.append(text)
        else:
            position = found + len(text)
    assert not missing


def test_seed_links_to_the_other_a_reviews_from_data(client, demo):
    html = client.get(SEED_URL).content.decode()
    others = Post.objects.published().filter(challenge_letter="A").exclude(pk=demo.pk)
    assert others.count() == 3
    for other in others:
        assert f'href="{other.get_absolute_url()}"' in html
        assert other.review.documentary.title in html


def test_other_letter_links_follow_new_posts(client, demo):
    challenge = make_challenge(2019)
    new = make_post("Another A", challenge=challenge, challenge_letter="A")
    make_review(post=new)
    assert new.get_absolute_url() in client.get(SEED_URL).content.decode()


def test_home_lists_latest_posts_and_pages(client, demo, settings):
    response = client.get("/")
    assert response.status_code == 200
    assert "Ai Weiwei: Never Sorry" in response.content.decode()
    last_page = response.context["paginator"].num_pages
    assert client.get(f"/?page={last_page}").status_code == 200


@pytest.mark.parametrize("page", ["0", "999", "abc", "-1", "1.5", "9" * 30])
def test_bad_page_numbers_are_404(client, demo, page):
    assert client.get("/", {"page": page}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/2018/04/02/no-such-post/",
        "/2018/02/30/movie-review-ai-weiwei-never-sorry-2012/",
        "/2018/13/02/movie-review-ai-weiwei-never-sorry-2012/",
        "/0000/04/02/movie-review-ai-weiwei-never-sorry-2012/",
        "/2018/04/03/movie-review-ai-weiwei-never-sorry-2012/",
        "/2018/04/02/%F0%9F%92%A5/",
        "/documentaries/no-such-film/",
        "/preview/999999/",
    ],
)
def test_unknown_addresses_are_404(client, demo, url):
    assert client.get(url).status_code == 404


def _public_pages(client):
    pages = ["/", "/documentaries/"]
    pages += [doc_url for doc_url in _documentary_urls()]
    return {url: client.get(url).content.decode() for url in pages}


def _documentary_urls():
    from reviews.models import Documentary

    return [doc.get_absolute_url() for doc in Documentary.objects.all()]


def test_drafts_and_scheduled_posts_never_leak(client, demo):
    draft = make_post("Secret draft title", status=Post.Status.DRAFT)
    future = make_post(
        "Secret scheduled title", published_at=timezone.now() + datetime.timedelta(days=3)
    )
    make_review(post=future, rating="2")
    for url, html in _public_pages(client).items():
        assert "Secret draft title" not in html, url
        assert "Secret scheduled title" not in html, url
    assert client.get(future.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_can_preview_drafts_and_scheduled_posts(client, demo):
    draft = make_post("Secret draft title", status=Post.Status.DRAFT)
    future = make_post(
        "Secret scheduled title", published_at=timezone.now() + datetime.timedelta(days=3)
    )
    client.force_login(make_staff())
    for post in (draft, future):
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        assert post.title in response.content.decode()
        assert "noindex" in response["X-Robots-Tag"]
        assert "no-cache" in response["Cache-Control"]


def test_a_scheduled_post_appears_when_due(client, db):
    post = make_post("Comes later", published_at=timezone.now() + datetime.timedelta(hours=1))
    assert "Comes later" not in client.get("/").content.decode()
    with mock.patch("django.utils.timezone.now", return_value=post.published_at):
        assert "Comes later" in client.get("/").content.decode()


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<p onclick="alert(1)">hi</p>',
        "<iframe src=https://evil.example/></iframe>",
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_hostile_markup_in_a_body_renders_inert(client, db, hostile):
    post = make_post("Hostile", body=f"Before\n\n{hostile}\n\nAfter")
    html = client.get(post.get_absolute_url()).content.decode()
    body = html.split('class="post-body e-content">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body
    assert "javascript:" not in body
    assert "onerror" not in body and "onclick" not in body and "onload" not in body
    assert "<iframe" not in body and "<svg" not in body
    assert "After" in body


def _posts_with_reviews(count, year):
    challenge = make_challenge(year)
    for index in range(count):
        post = make_post(
            f"Review {year} {index}",
            challenge=challenge if index < 26 else None,
            challenge_letter=chr(65 + index) if index < 26 else "",
        )
        make_review(post=post)
        post.tags.create(name=f"tag {year} {index}", slug=f"tag-{year}-{index}")


def _queries(client, url):

    client.get(url)  # warm the per-process caches (content types, the current Site) first
    return count_queries(client, url)


@pytest.mark.parametrize("url_for", [lambda: "/", lambda: Post.objects.first().get_absolute_url()])
def test_pages_use_the_same_number_of_queries_for_1_and_50_posts(client, db, url_for):
    _posts_with_reviews(1, 2017)
    one = _queries(client, url_for())
    _posts_with_reviews(49, 2018)
    fifty = _queries(client, url_for())
    assert one == fifty


def test_post_addresses_keep_wordpress_shape(db):
    post = make_post("Shape", published_at=datetime.datetime(2018, 4, 2, 12, tzinfo=datetime.UTC))
    assert post.get_absolute_url() == "/2018/04/02/shape/"
    assert reverse("blog:post_detail", args=[2018, 4, 2, "shape"]) == "/2018/04/02/shape/"
