"""Commenters' personal data: what is kept, for how long, and the owner's export and erase tools.

A comment stores the name, email and website typed in, the IP address and, with the spam
filter's decision (comments.spam, when installed), the browser's user agent and referrer. Erasing
keeps each comment's text and its place in the thread, as WordPress does, and removes who wrote
it: the replies under it stay where they were.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from blog.models import Post
from infra import pages, personal_data

ANONYMOUS_NAME = "Anonymous"


def optional_model(app_label, model_name):
    """A model of an app that may not be installed (the spam filter, likes)."""
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def moderation_model():
    return optional_model("spam", "Moderation")


def like_model():
    return optional_model("blog_comments", "Like")


def akismet_enabled():
    return bool(getattr(settings, "AKISMET_API_KEY", ""))


def ip_retention_days():
    return settings.COMMENTS_IP_RETENTION_DAYS


# --- Keeping IP addresses only so long ---------------------------------------------------------


def anonymize_ips(days, now=None):
    """Clear IP address, user agent and referrer of comments older than `days` days.

    Returns the number of comments whose IP address was cleared.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    older = XtdComment.norel_objects.filter(submit_date__lt=cutoff)
    with transaction.atomic():
        cleared = older.filter(ip_address__isnull=False).update(ip_address=None)
        Moderation = moderation_model()
        if Moderation is not None:
            Moderation.objects.filter(comment__submit_date__lt=cutoff).exclude(
                user_agent="", referrer=""
            ).update(user_agent="", referrer="")
    return cleared


# --- Export and erasure -----------------------------------------------------------------------


def users_with_email(email):
    User = get_user_model()
    lookup = Q(email__iexact=email)
    EmailAddress = optional_model("account", "EmailAddress")
    if EmailAddress is not None:
        lookup |= Q(pk__in=EmailAddress.objects.filter(email__iexact=email).values("user_id"))
    return User.objects.filter(lookup)


def comments_of_email(email):
    """Every comment typed with this email, or posted by an account that has it."""
    users = users_with_email(email)
    return XtdComment.norel_objects.filter(
        Q(user_email__iexact=email) | Q(user__in=users)
    ).order_by("submit_date", "pk")


def _posts_by_pk(comments):
    post_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(Post)
    pks = {c.object_pk for c in comments if c.content_type_id == post_type.pk}
    posts = Post.objects.filter(pk__in=[int(pk) for pk in pks if pk.isdigit()])
    return post_type.pk, {str(post.pk): post for post in posts}


def _iso(value):
    return value.isoformat() if value else None


def export_personal_data(email):
    """Everything stored about `email`, as a JSON-ready dict."""
    comments = list(comments_of_email(email))
    post_type_id, posts = _posts_by_pk(comments)
    Moderation = moderation_model()
    moderation = {}
    if Moderation is not None:
        moderation = {
            m.comment_id: m for m in Moderation.objects.filter(comment__in=[c.pk for c in comments])
        }

    exported_comments = []
    for comment in comments:
        post = posts.get(comment.object_pk) if comment.content_type_id == post_type_id else None
        entry = {
            "id": comment.pk,
            "post": {"title": post.title, "url": post.get_absolute_url()} if post else None,
            "date": _iso(comment.submit_date),
            "name": comment.user_name,
            "email": comment.user_email,
            "website": comment.user_url,
            "ip_address": comment.ip_address,
            "text": comment.comment,
            "in_reply_to": comment.parent_id if comment.parent_id != comment.pk else None,
            "public": comment.is_public and not comment.is_removed,
            "notify_of_replies": comment.followup,
        }
        if comment.pk in moderation:
            entry["browser"] = moderation[comment.pk].user_agent
            entry["referrer"] = moderation[comment.pk].referrer
        exported_comments.append(entry)

    users = list(users_with_email(email).prefetch_related("socialaccount_set"))
    return {
        "email": email,
        "exported_at": _iso(timezone.now()),
        "accounts": [_account_data(user) for user in users],
        "comments": exported_comments,
        "likes": _likes_data(users),
        # What other apps keep about this address (following the blog by email, ...).
        **personal_data.export_all(email),
    }


def _account_data(user):
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "email": user.email,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "logins_with": [
            {"provider": account.provider, "uid": account.uid}
            for account in user.socialaccount_set.all()
        ],
    }


def _likes_data(users):
    likes = []
    Like = like_model()
    if Like is not None:
        for like in Like.objects.filter(user__in=users).select_related("post"):
            target = (
                {"post": like.post.title, "url": like.post.get_absolute_url()}
                if like.post_id
                else {"comment": like.comment_id}
            )
            likes.append({**target, "date": _iso(like.created_at)})
    # Likes of comments by logged-in readers are xtd's "I liked it" flags.
    flags = CommentFlag.objects.filter(user__in=users, flag=LIKEDIT_FLAG)
    for flag in flags.order_by("flag_date"):
        likes.append({"comment": flag.comment_id, "date": _iso(flag.flag_date)})
    return likes


@dataclass
class Erasure:
    comments: int = 0
    likes: int = 0
    accounts_unlinked: int = 0
    accounts_deleted: int = 0
    other: dict = field(default_factory=dict)  # other apps' counts, e.g. {"follows": 1}


def erase_personal_data(email, *, delete_accounts=False):
    """Remove who wrote the comments of `email`; keep the comments, so threads stay whole.

    Likes stay counted but no longer say whose they were. With `delete_accounts`, the accounts
    with this email (not staff) are deleted too.
    """
    users = list(users_with_email(email))
    result = Erasure()
    with transaction.atomic():
        comments = comments_of_email(email)
        comment_pks = list(comments.values_list("pk", flat=True))
        result.comments = XtdComment.norel_objects.filter(pk__in=comment_pks).update(
            user=None,
            user_name=ANONYMOUS_NAME,
            user_email="",
            user_url="",
            ip_address=None,
            followup=False,
        )
        pages.changed(posts=False)  # names on pages and in feeds change
        Moderation = moderation_model()
        if Moderation is not None:
            Moderation.objects.filter(comment__in=comment_pks).update(user_agent="", referrer="")
        Like = like_model()
        if Like is not None:
            # Each like becomes an anonymous reader's, one reader per like, so counts stay.
            result.likes += Like.objects.filter(user__in=users).update(
                user=None, visitor=Concat(Value("erased-"), Cast("pk", CharField()))
            )
        flags = CommentFlag.objects.filter(user__in=users, flag=LIKEDIT_FLAG)
        if Like is not None:
            # A logged-in reader's like of a comment is an xtd flag, which needs a user: it
            # becomes an anonymous like instead.
            Like.objects.bulk_create(
                [
                    Like(comment_id=flag.comment_id, visitor=f"erased-flag-{flag.pk}")
                    for flag in flags
                ]
            )
        result.likes += flags.delete()[0]
        result.other = personal_data.erase_all(email)
        result.accounts_unlinked = len(users)
        if delete_accounts:
            for user in users:
                if not (user.is_staff or user.is_superuser):
                    user.delete()
                    result.accounts_deleted += 1
    return result
