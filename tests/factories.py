"""Small builders for test data: each returns a saved object with sensible defaults."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import Challenge, Post
from reviews.models import Documentary, Person, Review

_counter = itertools.count(1)


def make_user(username=None, **extra):
    username = username or f"user{next(_counter)}"
    extra.setdefault("email", f"{username}@example.com")
    user = get_user_model().objects.create_user(username=username, password="pw-1234-test", **extra)
    return user


def make_staff(username="editor", **extra):
    return make_user(username, is_staff=True, is_superuser=True, **extra)


def make_post(title=None, *, author=None, status=Post.Status.PUBLISHED, published_at=None, **extra):
    n = next(_counter)
    if published_at is None and status == Post.Status.PUBLISHED:
        published_at = timezone.now() - datetime.timedelta(days=1, minutes=n)
    post = Post(
        title=title or f"Post number {n}",
        author=author
        or get_user_model().objects.filter(username="author").first()
        or make_user("author", first_name="Liam"),
        status=status,
        published_at=published_at,
        body=extra.pop("body", f"Body of post {n}."),
        **extra,
    )
    post.save()
    return post


def make_documentary(title=None, *, directors=(), year=2012, **extra):
    n = next(_counter)
    doc = Documentary.objects.create(
        title=title or f"Documentary {n}", release_year=year, slug=f"documentary-{n}", **extra
    )
    for name in directors:
        doc.directors.add(Person.objects.get_or_create(name=name)[0])
    return doc


def make_review(post=None, documentary=None, rating="4", **extra):
    return Review.objects.create(
        post=post or make_post(),
        documentary=documentary or make_documentary(),
        rating=Decimal(rating),
        **extra,
    )


def make_challenge(year=2018, **extra):
    return Challenge.objects.get_or_create(
        name="Blogging from A to Z", year=year, defaults={"theme": "Documentaries", **extra}
    )[0]
