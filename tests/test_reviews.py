"""Documentaries and reviews: constraints, admin errors, documentary pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from blog.models import Post
from reviews.models import Review
from tests.factories import make_challenge, make_documentary, make_post, make_review

pytestmark = pytest.mark.django_db


def _post_form(**overrides):
    data = {
        "title": "Movie Review: Chasing Ice (2012)",
        "slug": "movie-review-chasing-ice",
        "author": "",
        "body": "A photographer sets up time-lapse cameras on glaciers.",
        "excerpt": "",
        "status": "published",
        "published_at_0": "2019-04-01",
        "published_at_1": "08:00:00",
        "allow_comments": "on",
        "challenge": "",
        "challenge_letter": "",
        "review-TOTAL_FORMS": "1",
        "review-INITIAL_FORMS": "0",
        "review-MIN_NUM_FORMS": "0",
        "review-MAX_NUM_FORMS": "1",
        "review-0-documentary": "",
        "review-0-rating": "4",
        "review-0-watched_via": "Netflix streaming",
        # The post screen's image uploads (none here).
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-1234-test")


def test_admin_creates_a_review_with_its_post(client, admin_user):
    client.force_login(admin_user)
    doc = make_documentary("Chasing Ice")
    response = client.post(
        "/admin/blog/post/add/",
        _post_form(author=admin_user.pk, **{"review-0-documentary": doc.pk}),
    )
    assert response.status_code == 302, response.context["errors"]
    review = Review.objects.get(documentary=doc)
    assert review.rating == Decimal("4")
    assert review.post.get_absolute_url() == "/2019/04/01/movie-review-chasing-ice/"


@pytest.mark.parametrize("rating", ["4.3", "0", "5.5", "-1", "six"])
def test_admin_rejects_bad_ratings_and_keeps_what_was_typed(client, admin_user, rating):
    client.force_login(admin_user)
    doc = make_documentary("Chasing Ice")
    response = client.post(
        "/admin/blog/post/add/",
        _post_form(
            author=admin_user.pk, **{"review-0-documentary": doc.pk, "review-0-rating": rating}
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "A photographer sets up time-lapse cameras on glaciers." in html
    assert "Netflix streaming" in html
    assert not Post.objects.exists()


def test_admin_explains_a_letter_without_challenge(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/blog/post/add/", _post_form(author=admin_user.pk, challenge_letter="C")
    )
    assert response.status_code == 200
    assert "A letter belongs to a challenge" in response.content.decode()
    assert 'value="movie-review-chasing-ice"' in response.content.decode()


def test_admin_explains_a_letter_already_taken(client, admin_user):
    client.force_login(admin_user)
    challenge = make_challenge(2019)
    make_post("First C", challenge=challenge, challenge_letter="C")
    response = client.post(
        "/admin/blog/post/add/",
        _post_form(author=admin_user.pk, challenge=challenge.pk, challenge_letter="C"),
    )
    assert response.status_code == 200
    assert "This challenge already has a post for that letter." in response.content.decode()


def test_admin_explains_a_slug_taken_on_the_same_day(client, admin_user):
    client.force_login(admin_user)
    first = make_post("Chasing Ice", slug="movie-review-chasing-ice")
    day = first.published_on
    response = client.post(
        "/admin/blog/post/add/",
        _post_form(
            author=admin_user.pk,
            **{"review-0-documentary": make_documentary("Chasing Ice").pk},
            published_at_0=day.isoformat(),
            published_at_1=first.published_at.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 200
    assert "Another post published on that day has this slug." in response.content.decode()


def test_the_database_itself_refuses_bad_ratings_and_duplicate_letters(db):
    review = make_review()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(rating=Decimal("4.3"))
    challenge = make_challenge(2020)
    make_post(challenge=challenge, challenge_letter="Q")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_post(challenge=challenge, challenge_letter="Q")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_post(challenge_letter="Q")


def test_documentary_release_year_must_match_its_date(db):
    import datetime

    doc = make_documentary("Mismatch", year=2011)
    doc.release_date = datetime.date(2012, 4, 16)
    with pytest.raises(ValidationError, match="does not match"):
        doc.full_clean()


@pytest.mark.parametrize(
    ("rating", "text", "stars"),
    [
        ("4", "4 out of 5 stars", "★★★★☆"),
        ("3.5", "3.5 out of 5 stars", "★★★½☆"),
        ("0.5", "0.5 out of 5 stars", "½☆☆☆☆"),
    ],
)
def test_rating_reads_as_text_and_shows_stars(client, db, rating, text, stars):
    review = make_review(rating=rating)
    html = client.get(review.post.get_absolute_url()).content.decode()
    assert f'aria-label="{text}"' in html
    assert stars in html


def test_documentary_pages_list_published_reviews_only(client, demo):
    response = client.get("/documentaries/ai-weiwei-never-sorry-2012/")
    assert response.status_code == 200
    assert "Alison Klayman" in response.content.decode()
    hidden = make_documentary("Hidden film")
    make_review(post=make_post("Unreleased", status=Post.Status.DRAFT), documentary=hidden)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert "Hidden film" not in client.get("/documentaries/").content.decode()
