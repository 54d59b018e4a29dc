"""Demo comments on the seed review: a few threads with the author's replies and likes.

The words are written for this project. Each comment is keyed by a token, so loading twice
changes nothing.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Post

from .models import CommentDetails, Like
from .posting import ensure_details
from .threads import post_content_type

SEED_SLUG = "movie-review-ai-weiwei-never-sorry-2012"

# (key, parent key, name, email, website, days after publication, text)
COMMENTS = [
    (
        "maya",
        None,
        "Maya Okafor",
        "maya@example.org",
        "https://maya-reads.example.org/",
        0,
        "I had no idea how much of his work is *made by a team*. The wall of names stayed "
        "with me for days after watching.",
    ),
    (
        "maya-reply",
        "maya",
        "Liam",
        None,
        "",
        1,
        "Thanks for the comment. Art can open your eyes in as many ways as there are artists, "
        "and a list of names on a wall turned out to be one of the strongest.",
    ),
    (
        "tomas",
        None,
        "Tomás Reyes",
        "tomas@example.net",
        "",
        1,
        "Was he really that calm after the detention? He looked tired to me in the last scenes.",
    ),
    (
        "tomas-reply",
        "tomas",
        "Liam",
        None,
        "",
        2,
        "He did look worn down when he came out, but the film ends before his story does: "
        "he kept working and kept **speaking up**.",
    ),
    (
        "tomas-again",
        "tomas-reply",
        "Tomás Reyes",
        "tomas@example.net",
        "",
        2,
        "Good point. I found an interview from a year later and he sounded like himself again.",
    ),
    (
        "june",
        None,
        "June Park",
        "june@example.com",
        "https://junepark.example.com/",
        3,
        "Documentaries like this use every trick fiction films use: music, cuts, the order of "
        "scenes. Does that bother you as a reviewer?",
    ),
    (
        "june-reply",
        "june",
        "Liam",
        None,
        "",
        3,
        "Thanks! It is something I keep noticing this month. Later in the alphabet there is a "
        "film where you may wonder whether what you see is real at all.",
    ),
    (
        "sam",
        None,
        "Sam Whitfield",
        "sam.whitfield@example.org",
        "",
        5,
        "Thanks for pointing me to this one, Liam. I try to be decent to the people around me, "
        "but he takes it much further. I did not know about the schools; it is hard to keep up "
        "with the news with two small children at home, yet it matters to know what happens "
        "beyond our own street.\n\nBest wishes,\nSam",
    ),
]
LIKED = ["tomas-reply", "sam"]


def _token(key):
    return f"demo-{key}"


def _seed_post():
    return Post.objects.filter(slug=SEED_SLUG, published_at__isnull=False).first()


@transaction.atomic
def load_demo_comments():
    """Create the demo threads on the seed review; returns the post (None without it)."""
    post = _seed_post()
    if post is None:
        return None
    content_type = post_content_type()
    created = {
        details.form_token: details.comment
        for details in CommentDetails.objects.filter(
            form_token__in=[_token(key) for key, *_ in COMMENTS]
        ).select_related("comment")
    }
    start = post.published_at + datetime.timedelta(hours=3)
    for key, parent_key, name, email, url, days, text in COMMENTS:
        if _token(key) in created:
            continue
        by_author = email is None
        parent = created.get(_token(parent_key)) if parent_key else None
        comment = XtdComment(
            content_type=content_type,
            object_pk=str(post.pk),
            site_id=settings.SITE_ID,
            user=post.author if by_author else None,
            user_name=name,
            user_email=post.author.email if by_author else email,
            user_url=url,
            comment=text,
            submit_date=start + datetime.timedelta(days=days, minutes=len(created)),
            is_public=True,
            parent_id=parent.pk if parent else 0,
        )
        comment.save()
        details = ensure_details(comment)
        details.form_token = _token(key)
        details.save(update_fields=["form_token"])
        created[_token(key)] = comment

    for number, key in enumerate(LIKED, start=1):
        Like.objects.get_or_create(comment=created[_token(key)], visitor=f"demo-reader-{number}")
    Like.objects.get_or_create(post=post, visitor="demo-reader-1")
    return post


FILLER = [
    "Watched it last night because of this review. *Worth it.*",
    "The scene with the police camera running was hard to watch.",
    "I would add [the follow-up film](https://example.org/follow-up) to the list.\n\n"
    "- more on the studio\n- more on the trial",
    "> It's a powerful film statement\n\nAgreed, and a brave one for everybody involved.",
    "Is it still on Netflix where you are? I could not find it.",
    "Thank you for the careful summary; it saved me from spoilers I did not mind.",
]


@transaction.atomic
def add_filler_comments(post, total):
    """Add generated comments (a third of them replies) until `post` has `total` public ones."""
    existing = XtdComment.norel_objects.filter(
        content_type=post_content_type(), object_pk=str(post.pk), is_public=True
    )
    have = existing.count()
    roots = list(existing.filter(level=0).values_list("pk", flat=True))
    now = timezone.now()
    for number in range(have, total):
        parent_id = roots[number % len(roots)] if roots and number % 3 == 2 else 0
        comment = XtdComment(
            content_type=post_content_type(),
            object_pk=str(post.pk),
            site_id=settings.SITE_ID,
            user_name=f"Reader {number}",
            user_email=f"reader{number}@example.org",
            comment=FILLER[number % len(FILLER)],
            submit_date=now - datetime.timedelta(minutes=total - number),
            is_public=True,
            parent_id=parent_id,
        )
        comment.save()
        ensure_details(comment)
        if not parent_id:
            roots.append(comment.pk)
    return total - have
