"""Likes of posts and comments: one per reader and thing, anonymous ones limited per address."""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG

from .models import Like


@dataclass
class LikeResult:
    counted: bool
    count: int
    limited: bool = False


def new_visitor_key():
    return secrets.token_urlsafe(16)


def _ip_allows(request, target_key):
    """At most COMMENTS_LIKES_PER_IP anonymous likes of one thing from one address a day."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    key = f"comments:likes:{digest}:{target_key}"
    cache.add(key, 0, timeout=24 * 60 * 60)
    try:
        return cache.incr(key) <= settings.COMMENTS_LIKES_PER_IP
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=24 * 60 * 60)
        return True


def like_count(post=None, comment=None):
    if post is not None:
        return Like.objects.filter(post=post).count()
    return (
        CommentFlag.objects.filter(comment=comment, flag=LIKEDIT_FLAG).count()
        + Like.objects.filter(comment=comment).count()
    )


def like(request, visitor, *, post=None, comment=None):
    """Count one like of `post` or `comment` by this reader, never two."""
    target = {"post": post} if post is not None else {"comment": comment}
    created = False
    limited = False
    try:
        with transaction.atomic():
            if request.user.is_authenticated and comment is not None:
                _flag, created = CommentFlag.objects.get_or_create(
                    comment=comment, user=request.user, flag=LIKEDIT_FLAG
                )
            elif request.user.is_authenticated:
                _like, created = Like.objects.get_or_create(user=request.user, **target)
            elif Like.objects.filter(visitor=visitor, **target).exists():
                created = False
            elif _ip_allows(request, f"p{post.pk}" if post is not None else f"c{comment.pk}"):
                Like.objects.create(visitor=visitor, **target)
                created = True
            else:
                limited = True
    except IntegrityError:  # the same reader's two clicks raced each other
        created = False
    return LikeResult(counted=created, count=like_count(**target), limited=limited)
