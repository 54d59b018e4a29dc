"""'Related reviews' under a post: same director, same documentary, same letter, shared tags.

A candidate needs a score of at least GOOD_MATCH: a shared director or documentary alone is
enough, the same challenge letter or two shared tags also are, one shared tag is not. The
reviewed documentary and its directors are reached by relation name (no reviews import).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Count, F, IntegerField, Q, Value, When

from .models import Post

MAX_RELATED = 6
GOOD_MATCH = 2
WEIGHTS = {"director": 3, "documentary": 3, "letter": 2, "tag": 1}


def _review_of(post):
    try:
        return post.review
    except (ObjectDoesNotExist, AttributeError):
        return None


def related_posts(post, limit=MAX_RELATED, linked=None):
    """Up to `limit` published posts like this one, best match first (a list).

    `linked`: the other letter posts the challenge sentence links, when the page has them
    loaded already (left out by their keys); otherwise a subquery leaves them out.
    """
    if post.pk is None:
        return []
    tag_ids = [tag.pk for tag in post.tags.all()]
    review = _review_of(post)
    documentary = review.documentary if review else None
    director_ids = [person.pk for person in documentary.directors.all()] if documentary else []

    score = Value(0)
    candidates = Post.objects.published()
    if not post.challenge_id:
        candidates = candidates.exclude(pk=post.pk)
    elif linked is None:
        # The challenge sentence at the top already links these; do not list them twice.
        candidates = candidates.exclude(pk=post.pk).exclude(
            pk__in=post.other_letter_posts().values("pk")
        )
    else:
        candidates = candidates.exclude(pk__in=[post.pk, *(other.pk for other in linked)])
    annotations = {}
    if director_ids:
        annotations["shared_directors"] = Count(
            "review__documentary__directors",
            filter=Q(review__documentary__directors__in=director_ids),
            distinct=True,
        )
        score = score + F("shared_directors") * WEIGHTS["director"]
    if documentary:
        annotations["same_documentary"] = Case(
            When(review__documentary=documentary.pk, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        score = score + F("same_documentary") * WEIGHTS["documentary"]
    if post.challenge_letter:
        annotations["same_letter"] = Case(
            When(challenge_letter=post.challenge_letter, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        score = score + F("same_letter") * WEIGHTS["letter"]
    if tag_ids:
        annotations["shared_tags"] = Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
        score = score + F("shared_tags") * WEIGHTS["tag"]
    if not annotations:
        return []
    # One query whatever the outcome: the cards need only rows joined here, no prefetches.
    return list(
        candidates.annotate(**annotations)
        .annotate(related_score=score)
        .filter(related_score__gte=GOOD_MATCH)
        .select_related("challenge", "review__documentary")
        .order_by("-related_score", "-published_at", "-pk")[:limit]
    )
