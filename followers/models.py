import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from blog.models import Post


def new_token():
    return secrets.token_urlsafe(32)


class FollowerQuerySet(models.QuerySet):
    def mailable(self):
        return self.filter(state=Follower.State.CONFIRMED)


class Follower(models.Model):
    """An email address that follows the blog. The address is never shown publicly."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCING = "bouncing", "Bouncing"

    class Frequency(models.TextChoices):
        EACH = "each", "Each new post"
        WEEKLY = "weekly", "A weekly digest"

    class Source(models.TextChoices):
        POST = "post", "Follow form on a post"
        HOME = "home", "Follow form on the home page"
        COMMENT = "comment", "Box under the comment form"
        IMPORT = "import", "Imported"

    # Stored lower-cased (services.normalize_email), so one address is one follower.
    email = models.EmailField(max_length=254, unique=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    frequency = models.CharField(max_length=6, choices=Frequency.choices, default=Frequency.EACH)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.POST)
    # In every link of every mail to this follower: confirm, change, unsubscribe.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    followed_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    hard_bounces = models.PositiveSmallIntegerField(default=0)
    last_bounce = models.CharField(max_length=300, blank=True)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        ordering = ["-followed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(confirmed_at__isnull=False),
                name="follower_confirmed_has_date",
            ),
        ]

    def __str__(self):
        return self.email


class Announcement(models.Model):
    """A post went live and its followers are (being) told: one row per post, ever, so that
    unpublishing and publishing again, or two workers sweeping at once, never send twice."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="announcement")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"“{self.post}”"


class Digest(models.Model):
    """One week's digest for the followers who chose it: the posts announced in the week."""

    period_start = models.DateTimeField()
    period_end = models.DateTimeField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_end"]

    def __str__(self):
        return f"Week to {timezone.localtime(self.period_end):%Y-%m-%d}"

    def posts(self):
        return (
            Post.objects.published()
            .filter(
                announcement__created_at__gte=self.period_start,
                announcement__created_at__lt=self.period_end,
            )
            .order_by("published_at")
        )


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status=Delivery.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        )


class Delivery(models.Model):
    """One mail to one follower about one post (or one digest): its record is what makes a
    worker killed in the middle of a batch send each mail once when it starts again."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent (no longer following)"

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="deliveries")
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "announcement"],
                condition=Q(announcement__isnull=False),
                name="delivery_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["follower", "digest"],
                condition=Q(digest__isnull=False),
                name="delivery_once_per_digest",
            ),
            models.CheckConstraint(
                condition=Q(announcement__isnull=True, digest__isnull=False)
                | Q(announcement__isnull=False, digest__isnull=True),
                name="delivery_of_post_or_digest",
            ),
        ]

    def __str__(self):
        return f"{self.follower} · {self.announcement or self.digest} · {self.status}"
