"""The A to Z planner: a challenge's calendar with each letter's post, the gaps, and warnings.

The review (reviews app) is reached by its relation name, so blog/ imports nothing from there.
"""

import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from .challenge import LETTERS
from .models import Post

DRAFT_HOUR = 8  # a new draft is dated at this hour of its letter's day (site time zone)


def post_state(post, now=None):
    if post.status == Post.Status.DRAFT:
        return "draft"
    return "scheduled" if post.published_at > (now or timezone.now()) else "published"


def plan(challenge, now=None):
    """The challenge's days, first to last, each with its letter (or a day off), its post or
    a gap, and warnings; plus a summary of the counts."""
    now = now or timezone.now()
    days = challenge.letter_days()
    posts = list(
        Post.objects.filter(challenge=challenge)
        .select_related("author")
        .annotate(
            has_review=ExpressionWrapper(Q(review__isnull=False), output_field=BooleanField())
        )
        .order_by("challenge_letter")
    )
    by_letter = {}
    for post in posts:
        by_letter.setdefault(post.challenge_letter, []).append(post)
    by_day = {}
    for post in posts:
        if post.published_on:
            by_day.setdefault(post.published_on, []).append(post)
    letter_of_day = dict(zip(days, LETTERS, strict=True))

    rows = []
    day = days[0]
    while day <= days[-1]:
        letter = letter_of_day.get(day)
        rows.append(_row(day, letter, by_letter.get(letter, []), by_day.get(day, []), now))
        day += datetime.timedelta(days=1)
    entries = [row for row in rows if row["letter"]]
    states = [entry["state"] for entry in entries]
    return {
        "challenge": challenge,
        "rows": rows,
        "letters": entries,
        "counts": {
            state: states.count(state) for state in ("published", "scheduled", "draft", "gap")
        },
        "warnings": [warning for row in rows for warning in row["warnings"]],
    }


def _row(day, letter, letter_posts, day_posts, now):
    warnings = []
    post = letter_posts[0] if letter_posts else None
    if len(letter_posts) > 1:  # only possible across a schedule change; the database has one
        warnings.append(f"“{letter}” has {len(letter_posts)} posts.")
    if post is not None:
        state = post_state(post, now)
        if post.published_on and post.published_on != day:
            warnings.append(
                f"“{letter}” is due on {day:%A, %B} {day.day}, but its post is dated "
                f"{post.published_on:%A, %B} {post.published_on.day}."
            )
        if state == "scheduled" and not post.has_review:
            warnings.append(f"“{letter}” is scheduled but has no review yet.")
    else:
        state = "gap" if letter else "off"
    strays = [other for other in day_posts if other.challenge_letter != letter]
    if strays and letter:
        names = ", ".join(f"“{other.challenge_letter}”" for other in strays)
        warnings.append(
            f"{day:%B} {day.day} is the day of “{letter}”, but {names} is dated on it too."
        )
    return {
        "day": day,
        "letter": letter,
        "post": post,
        "state": state,
        "strays": strays,
        "warnings": warnings,
    }


def create_letter_draft(challenge, letter, author):
    """A draft for a letter of the challenge, dated on the letter's day; (post, created).

    An existing post for the letter is returned as it is, never a second one.
    """
    letter = letter.upper()
    if letter not in LETTERS:
        raise ValueError(f"“{letter}” is not a letter from A to Z.")
    existing = Post.objects.filter(challenge=challenge, challenge_letter=letter).first()
    if existing is not None:
        return existing, False
    day = challenge.letter_days()[LETTERS.index(letter)]
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(DRAFT_HOUR)))
    post = Post(
        title=f"{letter} is for … ({challenge.name} {challenge.year})",
        slug=f"{challenge.hashtag or 'atoz'}-{challenge.year}-{letter.lower()}"[:200],
        author=author,
        status=Post.Status.DRAFT,
        published_at=moment,
        challenge=challenge,
        challenge_letter=letter,
    )
    post.full_clean(exclude=["body"])
    post.save()
    return post, True
