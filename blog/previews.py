"""Private preview links: a signed, expiring token naming a post, for sharing a draft."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "blog.preview-link"


def max_age():
    return datetime.timedelta(days=settings.BLOG_PREVIEW_LINK_DAYS)


def preview_token(post):
    return signing.dumps(post.pk, salt=SALT, compress=True)


def preview_url(post):
    return reverse("blog:shared_preview", kwargs={"token": preview_token(post)})


def post_pk_from_token(token):
    """The post's pk, or None when the token is forged, mangled or expired."""
    try:
        return signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
