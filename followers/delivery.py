"""Sending due mails to followers, one batch per task.

Each mail's record moves queued → sending → sent, one committed UPDATE each side of the SMTP
conversation. A worker killed in the middle leaves at most the one mail it was sending in doubt
("sending"); every other record says truly whether its mail went. The sweep puts a record left
"sending" back in the queue after FOLLOWERS_SENDING_STALE_SECONDS, and it goes again with the
same Message-ID, which mail clients use to drop a copy.
"""

import datetime
import smtplib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.utils import timezone

from infra.tasks import is_passing

from . import mail
from .models import Delivery, Follower


@dataclass
class BatchResult:
    counts: dict = field(default_factory=lambda: {"sent": 0, "retry": 0, "failed": 0})
    more_due: bool = False
    retry_at: datetime.datetime | None = None

    def summary(self):
        return ", ".join(f"{count} {name}" for name, count in self.counts.items())


def message_id(delivery):
    return f"<follow-{delivery.pk}@{settings.DEFAULT_FROM_EMAIL.rpartition('@')[2] or 'localhost'}>"


def _email(message, connection):
    email = EmailMultiAlternatives(
        message["subject"],
        message["body"],
        message["from_email"],
        message["to"],
        headers=message["headers"],
        connection=connection,
    )
    email.attach_alternative(message["html"], "text/html")
    return email


def retry_delay(attempt):
    delays = settings.TASKS_RETRY_DELAYS
    return datetime.timedelta(seconds=delays[min(attempt, len(delays) - 1)]) if delays else None


def is_connection_failure(exc):
    """The server went away or hangs: the next mail would fare no better."""
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError) and not isinstance(
        exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused
    )


class Batch:
    def __init__(self, now):
        self.now = now
        self.rendered = {}
        self.result = BatchResult()

    def mail_for(self, delivery):
        key = (
            ("post", delivery.announcement_id)
            if delivery.announcement_id
            else (
                "digest",
                delivery.digest_id,
            )
        )
        if key not in self.rendered:
            if delivery.announcement_id:
                self.rendered[key] = mail.post_mail(delivery.announcement.post)
            else:
                self.rendered[key] = mail.digest_mail(delivery.digest)
        return self.rendered[key].for_follower(delivery.follower, message_id(delivery))

    def sent(self, delivery):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
        )
        if delivery.follower.hard_bounces:
            Follower.objects.filter(pk=delivery.follower_id).update(hard_bounces=0)
        self.result.counts["sent"] += 1

    def hard_bounce(self, delivery, exc):
        error = str(exc)[:300]
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error=error)
        Follower.objects.filter(pk=delivery.follower_id).update(
            hard_bounces=F("hard_bounces") + 1, last_bounce=error
        )
        Follower.objects.filter(
            pk=delivery.follower_id,
            state=Follower.State.CONFIRMED,
            hard_bounces__gte=settings.FOLLOWERS_HARD_BOUNCE_LIMIT,
        ).update(state=Follower.State.BOUNCING)
        self.result.counts["failed"] += 1

    def failed(self, delivery, exc):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, error=repr(exc)[:300]
        )
        self.result.counts["failed"] += 1

    def soft_bounce(self, delivery, exc):
        """Back to the queue after the attempt's delay; failed when attempts ran out."""
        error = str(exc)[:300] or exc.__class__.__name__
        attempts = delivery.attempts + 1
        if attempts > len(settings.TASKS_RETRY_DELAYS):
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, attempts=attempts, error=error
            )
            self.result.counts["failed"] += 1
            return
        retry_at = timezone.now() + retry_delay(delivery.attempts)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.QUEUED, attempts=attempts, next_attempt_at=retry_at, error=error
        )
        self.result.counts["retry"] += 1
        if self.result.retry_at is None or retry_at < self.result.retry_at:
            self.result.retry_at = retry_at


def _pace(started, sent_before):
    rate = settings.FOLLOWERS_PER_SECOND
    if rate:
        wait = started + sent_before / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)


def send_batch(size=None, now=None):
    """Send up to `size` (FOLLOWERS_BATCH_SIZE) due mails over one SMTP connection."""
    now = now or timezone.now()
    size = size or settings.FOLLOWERS_BATCH_SIZE
    batch = Batch(now)
    ids = list(
        Delivery.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:size]
    )
    deliveries = {
        d.pk: d
        for d in Delivery.objects.filter(pk__in=ids).select_related(
            "follower", "announcement__post", "digest"
        )
    }
    connection = get_connection(fail_silently=False)
    started = time.monotonic()
    attempted = 0
    try:
        for pk in ids:
            delivery = deliveries[pk]
            if delivery.follower.state != Follower.State.CONFIRMED:
                Delivery.objects.filter(pk=pk, status=Delivery.Status.QUEUED).update(
                    status=Delivery.Status.SKIPPED
                )
                continue
            # Ours alone from here: a record another worker took is left to it.
            claimed = Delivery.objects.filter(pk=pk, status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.SENDING, claimed_at=timezone.now()
            )
            if not claimed:
                continue
            _pace(started, attempted)
            attempted += 1
            try:
                connection.open()  # once: send() closes only connections it opened itself
                _email(batch.mail_for(delivery), connection).send()
            except Exception as exc:
                if is_passing(exc):
                    batch.soft_bounce(delivery, exc)
                    if is_connection_failure(exc):
                        connection.close()
                        return batch.result  # the rest wait for the retry
                elif isinstance(exc, smtplib.SMTPException):
                    batch.hard_bounce(delivery, exc)
                else:  # our own fault, not the address's: recorded, not counted as a bounce
                    batch.failed(delivery, exc)
                continue
            batch.sent(delivery)
    finally:
        connection.close()
    batch.result.more_due = Delivery.objects.due().exists()
    return batch.result
