"""Following the blog: asking to follow, confirming, changing, leaving; and telling followers
when a post goes live (once per post) or a week's digest is due (once per week).

The writes here enqueue their mail in the same transaction (django-tasks-db keeps tasks in the
database), so a rolled-back write takes its mail with it and a committed one keeps it.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.models import Post
from infra.tasks import queue_email

from . import mail
from .models import Announcement, Delivery, Digest, Follower

FAN_OUT_CHUNK = 1000


def normalize_email(email):
    return email.strip().lower()


def follower_for_token(token):
    if not token or len(token) > 64:
        return None
    return Follower.objects.filter(token=token).first()


# --- Readers ---------------------------------------------------------------------------------


def request_follow(email, *, frequency, source, now=None):
    """Record a wish to follow and mail the confirmation link (or, to a confirmed follower,
    the link to their settings). At most one such mail per address in
    FOLLOWERS_CONFIRM_RESEND_MINUTES, whoever asks: the form cannot be used to flood a mailbox.
    Returns whether a mail was queued."""
    now = now or timezone.now()
    email = normalize_email(email)
    with transaction.atomic():
        follower, created = Follower.objects.get_or_create(
            email=email, defaults={"frequency": frequency, "source": source, "followed_at": now}
        )
        if not created and follower.state != Follower.State.CONFIRMED:
            # Asking again after leaving (or bouncing) starts a new confirmation.
            follower.state = Follower.State.PENDING
            follower.frequency = frequency
            follower.save(update_fields=["state", "frequency"])
        cutoff = now - datetime.timedelta(minutes=settings.FOLLOWERS_CONFIRM_RESEND_MINUTES)
        claimed = (
            Follower.objects.filter(pk=follower.pk)
            .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=cutoff))
            .update(confirmation_sent_at=now)
        )
        if not claimed:
            return False
        if follower.state == Follower.State.CONFIRMED:
            queue_email(mail.already_following_message(follower))
        else:
            queue_email(mail.confirmation_message(follower))
    return True


def confirm(follower, now=None):
    if follower.state != Follower.State.CONFIRMED:
        follower.state = Follower.State.CONFIRMED
        follower.confirmed_at = now or timezone.now()
        follower.unsubscribed_at = None
        follower.hard_bounces = 0
        follower.save(update_fields=["state", "confirmed_at", "unsubscribed_at", "hard_bounces"])
    return follower


def change_frequency(follower, frequency):
    follower.frequency = frequency
    follower.save(update_fields=["frequency"])
    return follower


def unsubscribe(follower, now=None):
    if follower.state != Follower.State.UNSUBSCRIBED:
        follower.state = Follower.State.UNSUBSCRIBED
        follower.unsubscribed_at = now or timezone.now()
        follower.save(update_fields=["state", "unsubscribed_at"])
    return follower


# --- Telling followers -----------------------------------------------------------------------


def sweep(now=None):
    """The worker's minute: announce posts that went live, make a due digest, give back sends
    that a dead worker left, and see that someone is delivering."""
    now = now or timezone.now()
    announce_due_posts(now)
    make_digest(now)
    release_stale_sends(now)
    ensure_delivering(now)


def announce_due_posts(now=None):
    """Announce every post that went live within FOLLOWERS_ANNOUNCE_WITHIN_HOURS and has not
    been announced (older posts, imported ones say, never are). Returns the announcements."""
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=settings.FOLLOWERS_ANNOUNCE_WITHIN_HOURS)
    due = Post.objects.published().filter(published_at__gte=since, announcement__isnull=True)
    made = []
    for post in due.order_by("published_at"):
        announcement = announce(post, now)
        if announcement is not None:
            made.append(announcement)
    return made


def announce(post, now=None):
    """Announce `post` if it is live and was never announced; None otherwise."""
    if not post.is_public:
        return None
    from .tasks import fan_out

    with transaction.atomic():
        announcement, created = Announcement.objects.get_or_create(
            post=post, defaults={"created_at": now or timezone.now()}
        )
        if not created:
            return None
        fan_out.enqueue(announcement_id=announcement.pk)
    return announcement


def digest_period_end(now):
    """The latest start of FOLLOWERS_DIGEST_WEEKDAY (0 is Monday), local time, not after now."""
    local = timezone.localtime(now)
    days_back = (local.weekday() - settings.FOLLOWERS_DIGEST_WEEKDAY) % 7
    day = local.date() - datetime.timedelta(days=days_back)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def make_digest(now=None):
    """The digest of the week that ended last, made once; None when it exists already."""
    now = now or timezone.now()
    end = digest_period_end(now)
    from .tasks import fan_out

    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(
            period_end=end, defaults={"period_start": end - datetime.timedelta(days=7)}
        )
        if not created:
            return None
        if digest.posts().exists():
            fan_out.enqueue(digest_id=digest.pk)
    return digest


def fan_out(*, announcement=None, digest=None):
    """A delivery record for each follower who should get this mail. Safe to run again: a
    record that exists is left as it is. Reads followers in chunks, so memory stays flat."""
    followers = Follower.objects.mailable().order_by("pk")
    if announcement is not None:
        followers = followers.filter(frequency=Follower.Frequency.EACH)
    else:
        followers = followers.filter(
            frequency=Follower.Frequency.WEEKLY, confirmed_at__lt=digest.period_end
        )
    last = 0
    made = 0
    while True:
        ids = list(followers.filter(pk__gt=last).values_list("pk", flat=True)[:FAN_OUT_CHUNK])
        if not ids:
            break
        Delivery.objects.bulk_create(
            [Delivery(follower_id=pk, announcement=announcement, digest=digest) for pk in ids],
            ignore_conflicts=True,
        )
        made += len(ids)
        last = ids[-1]
    if made:
        enqueue_delivery()
    return made


def enqueue_delivery(run_after=None):
    """Start a delivery task unless one is already waiting to start."""
    from .tasks import deliver_due

    waiting = DBTaskResult.objects.filter(status="READY", task_path=deliver_due.module_path)
    if waiting.exists():
        return None
    if run_after is not None:
        return deliver_due.using(run_after=run_after).enqueue()
    return deliver_due.enqueue()


def release_stale_sends(now=None):
    """A delivery left "sending" by a worker that died goes back to the queue: it is the one
    mail whose fate is unknown, and sending it again (same Message-ID) beats never."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.FOLLOWERS_SENDING_STALE_SECONDS)
    return Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=cutoff).update(
        status=Delivery.Status.QUEUED, next_attempt_at=now
    )


def ensure_delivering(now=None):
    if Delivery.objects.due(now).exists():
        enqueue_delivery()
