"""Likes of posts and comments: one per reader and thing, anonymous ones limited per address."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG

from infra import ratelimit
from infra.clients import client_ip

from .models import Like


@dataclass
class LikeResult:
    counted: bool
    count: int
    limited: bool = False


def new_visitor_key():
    return secrets.token_urlsafe(16)


def _address_allows(request, target_key):
    """At most COMMENTS_LIKES_PER_IP anonymous likes of one thing from one address a day."""
    address = client_ip(request) or "unknown"
    day = 24 * 60 * 60
    limit = settings.COMMENTS_LIKES_PER_IP
    # A cache that cannot count lets the like through: one reader's like is not worth an error.
    return not ratelimit.over_limit(f"likes-{target_key}", address, limit, day)


def like_count(post=None, comment=None):
    if post is not None:
        return Like.objects.filter(post=post).count()
    return (
        CommentFlag.objects.filter(comment=comment, flag=LIKEDIT_FLAG).count()
        + Like.objects.filter(comment=comment).count()
    )


def like(request, visitor, *, post=None, comment=None):
    """Count one like of `post` or `comment` by this reader, never two.

    An anonymous reader's address is counted before the transaction: no call to the cache
    runs inside it."""
    target = {"post": post} if post is not None else {"comment": comment}
    anonymous = not request.user.is_authenticated
    if anonymous and Like.objects.filter(visitor=visitor, **target).exists():
        return LikeResult(counted=False, count=like_count(**target))
    target_key = f"p{post.pk}" if post is not None else f"c{comment.pk}"
    if anonymous and not _address_allows(request, target_key):
        return LikeResult(counted=False, count=like_count(**target), limited=True)
    created = False
    try:
        with transaction.atomic():  # one row: its receiver moves the page version on commit
            if anonymous:
                Like.objects.create(visitor=visitor, **target)
                created = True
            elif comment is not None:
                _flag, created = CommentFlag.objects.get_or_create(
                    comment=comment, user=request.user, flag=LIKEDIT_FLAG
                )
            else:
                _like, created = Like.objects.get_or_create(user=request.user, **target)
    except IntegrityError:  # the same reader's two clicks raced each other
        created = False
    return LikeResult(counted=created, count=like_count(**target))
