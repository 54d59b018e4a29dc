"""When pages change with no write: a scheduled post goes live, or its comments close."""

import datetime

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from .models import Post


def next_page_change():
    """The next such moment as a timestamp, or None."""
    now = timezone.now()
    published = Post.objects.filter(status=Post.Status.PUBLISHED)
    moments = [published.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"]]
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days:
        since = now - datetime.timedelta(days=days)
        opened = published.filter(allow_comments=True, published_at__gt=since)
        first = opened.aggregate(at=Min("published_at"))["at"]
        moments.append(first + datetime.timedelta(days=days) if first else None)
    moments = [moment for moment in moments if moment is not None]
    return min(moments).timestamp() if moments else None
