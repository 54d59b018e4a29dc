"""Counting a view and rolling a finished day up into totals."""

import datetime
import hashlib
import re
import secrets

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import Resolver404, resolve
from django.utils import timezone

from blog.models import Post
from infra.clients import client_ip
from infra.ratelimit import over_limit

from .models import DailySalt, DailyViews, Hit

MAX_PATH = 300
# A reader reloading a page is one view more; a script reloading it is not a hundred.
MAX_VIEWS_PER_VISITOR = 3
HITS_PER_MINUTE_PER_ADDRESS = 30
BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|preview|monitor|headless|lighthouse|curl|wget|"
    r"python|java/|go-http|okhttp|httpclient|feed|scrap",
    re.IGNORECASE,
)


def opted_out(request):
    """Do Not Track or Global Privacy Control: the reader asked not to be counted."""
    return request.META.get("HTTP_DNT") == "1" or request.META.get("HTTP_SEC_GPC") == "1"


def is_bot(user_agent):
    return not user_agent or bool(BOT_RE.search(user_agent))


def post_for_path(path):
    """The published post at `path` (its pk), or None for anything else."""
    if not path or len(path) > MAX_PATH or not path.startswith("/"):
        return None
    try:
        match = resolve(path)
    except (Resolver404, ValueError):
        return None
    if match.view_name != "blog:post_detail":
        return None
    kwargs = match.kwargs
    try:
        day = datetime.date(int(kwargs["year"]), int(kwargs["month"]), int(kwargs["day"]))
    except (KeyError, ValueError):
        return None
    return (
        Post.objects.published()
        .filter(published_on=day, slug=kwargs["slug"])
        .values_list("pk", flat=True)
        .first()
    )


def salt_for(day):
    key = f"viewcounts:salt:{day.isoformat()}"
    salt = cache.get(key)
    if salt is None:
        try:
            salt = DailySalt.objects.get_or_create(
                day=day, defaults={"salt": secrets.token_hex(32)}
            )[0].salt
        except IntegrityError:  # another worker made it first
            salt = DailySalt.objects.get(day=day).salt
        cache.set(key, salt, timeout=2 * 24 * 3600)
    return salt


def visitor_hash(day, address, user_agent, host):
    text = "\n".join([salt_for(day), address, user_agent, host])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def count_view(request, path):
    """Count one view of `path`; returns why not when it is not counted ("" when counted)."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    if opted_out(request):
        return "opted out"
    if is_bot(user_agent):
        return "bot"
    if request.user.is_authenticated and request.user.is_staff:
        return "author"
    address = client_ip(request)
    if over_limit("viewcounts", address, HITS_PER_MINUTE_PER_ADDRESS, 60):
        return "too many"
    post_id = post_for_path(path)
    if post_id is None:
        return "not a post"
    day = timezone.localdate()
    visitor = visitor_hash(day, address, user_agent, request.get_host())
    Hit.objects.create(day=day, post_id=post_id, visitor=visitor)
    return ""


def roll_up(today=None):
    """Turn the raw hits of every finished day into DailyViews, then forget hits and salts."""
    today = today or timezone.localdate()
    days = list(Hit.objects.filter(day__lt=today).values_list("day", flat=True).distinct())
    for day in sorted(days):
        with transaction.atomic():
            totals = {}
            per_visitor = (
                Hit.objects.filter(day=day)
                .values_list("post", "visitor")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for post_id, _visitor, n in per_visitor:
                views, visitors = totals.get(post_id, (0, 0))
                totals[post_id] = (views + min(n, MAX_VIEWS_PER_VISITOR), visitors + 1)
            for post_id, (views, visitors) in totals.items():
                DailyViews.objects.update_or_create(
                    day=day, post_id=post_id, defaults={"views": views, "visitors": visitors}
                )
            Hit.objects.filter(day=day).delete()
    DailySalt.objects.filter(day__lt=today).delete()
    return len(days)


def enqueue_roll_up():
    """The worker's minute: once a day has ended and has hits, roll it up in a task."""
    if Hit.objects.filter(day__lt=timezone.localdate()).exists():
        from .tasks import roll_up_views

        roll_up_views.enqueue()
