"""Ways from one page to the next: the challenge in the menu and on the home page, a post's
neighbours in its challenge and in time, and comment counts for lists.

Everything starts from `Post.objects.published()`, so a draft never shows as a neighbour.
"""

from django.db.models import CharField, Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from . import hooks
from .challenge import LETTERS
from .models import Challenge, Post


def menu_challenge(today=None):
    """The challenge the menu's "A to Z" leads to: this year's, else the latest before it,
    else the first one planned; None when there is none."""
    year = (today or timezone.localdate()).year
    challenges = Challenge.objects.order_by("-year", "name")
    return challenges.filter(year__lte=year).first() or challenges.order_by("year").first()


def challenge_progress(today=None):
    """The current (or latest) challenge: letters posted of 26 and the next letter due."""
    today = today or timezone.localdate()
    challenge = menu_challenge(today)
    if challenge is None:
        return None
    posted = set(
        Post.objects.published()
        .filter(challenge=challenge)
        .values_list("challenge_letter", flat=True)
    )
    days = challenge.letter_days()
    upcoming = [
        (letter, day)
        for letter, day in zip(LETTERS, days, strict=True)
        if day >= today and letter not in posted
    ]
    next_letter, next_day = upcoming[0] if upcoming else (None, None)
    return {
        "challenge": challenge,
        "posted": len(posted),
        "total": len(LETTERS),
        "next_letter": next_letter,
        "next_day": next_day,
        "is_over": days[-1] < today,
        "has_started": days[0] <= today,
        "starts": days[0],
        "ends": days[-1],
    }


def challenge_neighbours(post):
    """(previous, next) published posts of the same challenge by letter, skipping gaps."""
    if not post.challenge_id:
        return None, None
    letters = (
        Post.objects.published()
        .filter(challenge_id=post.challenge_id)
        .exclude(pk=post.pk)
        .only("title", "slug", "published_at", "published_on", "challenge_letter")
    )
    before = [other for other in letters if other.challenge_letter < post.challenge_letter]
    after = [other for other in letters if other.challenge_letter > post.challenge_letter]
    previous = max(before, key=lambda other: other.challenge_letter, default=None)
    following = min(after, key=lambda other: other.challenge_letter, default=None)
    return previous, following


def adjacent_posts(post):
    """(older, newer) published posts around this one; None at either end or for a draft."""
    if not post.is_public:
        return None, None
    posts = Post.objects.published().only("title", "slug", "published_at", "published_on")
    older = (
        posts.filter(published_at__lte=post.published_at)
        .exclude(pk=post.pk)
        .exclude(published_at=post.published_at, pk__gt=post.pk)
        .order_by("-published_at", "-pk")
        .first()
    )
    newer = (
        posts.filter(published_at__gte=post.published_at)
        .exclude(pk=post.pk)
        .exclude(published_at=post.published_at, pk__lt=post.pk)
        .order_by("published_at", "pk")
        .first()
    )
    return older, newer


def with_public_comment_counts(queryset):
    """Annotate `public_comment_count`: public, not removed comments (one subquery, no loop)."""
    comments = hooks.post_comments()
    if comments is None:
        return queryset.annotate(public_comment_count=Value(0))
    counted = (
        comments.filter(object_pk=Cast(OuterRef("pk"), CharField()), is_public=True)
        .order_by()
        .values("object_pk")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return queryset.annotate(
        public_comment_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )
