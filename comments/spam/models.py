"""What the spam filter decided about each comment, and what it learns from."""

import contextlib

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q


class ModerationQuerySet(models.QuerySet):
    def counts(self):
        """Number of comments per status, every status present (zero when none)."""
        found = dict(self.values_list("status").annotate(n=models.Count("pk")).order_by())
        return {status: found.get(status, 0) for status in Moderation.Status.values}


class Moderation(models.Model):
    """The filter's decision about one comment, and the moderator's correction if any.

    The comment's IP address is xtd's `comment.ip_address`; the user agent and referrer are
    kept here so that reports to Akismet repeat what it saw when the comment arrived.
    """

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved"
        PENDING = "pending", "Pending"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    comment = models.OneToOneField(
        "django_comments_xtd.XtdComment", on_delete=models.CASCADE, related_name="moderation"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    check_name = models.CharField(
        "check", max_length=40, blank=True, help_text="The check that made the decision."
    )
    reason = models.CharField(max_length=255, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="Classifier spam probability.")
    user_agent = models.TextField(blank=True)
    referrer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ModerationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="spam_moderation_score_is_probability",
            )
        ]

    def __str__(self):
        return f"{self.get_status_display()}: comment {self.comment_id}"


class DisallowedTermQuerySet(models.QuerySet):
    CACHE_KEY = "spam:disallowed-terms"

    def cached(self):
        """All (kind, term) pairs, from the cache (`receivers` clear it when a term changes)."""
        try:
            terms = cache.get(self.CACHE_KEY)
        except Exception:  # the cache is down: ask the database
            return list(self.values_list("kind", "term"))
        if terms is None:
            terms = list(self.values_list("kind", "term"))
            with contextlib.suppress(Exception):
                cache.set(self.CACHE_KEY, terms, timeout=3600)
        return terms


class DisallowedTerm(models.Model):
    """A word or domain that files a comment as spam (WordPress's "disallowed keys")."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase"
        DOMAIN = "domain", "Domain"

    term = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORD)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DisallowedTermQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "term"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "term"], name="spam_unique_disallowed_term")
        ]

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.term = self.term.strip().lower()
        if self.kind == self.Kind.DOMAIN:
            self.term = self.term.removeprefix("www.").strip("./")
        super().save(*args, **kwargs)


class TrainingExample(models.Model):
    """A labelled text the classifier learns from: a moderator's decision on a comment."""

    text = models.TextField()
    is_spam = models.BooleanField()
    comment = models.OneToOneField(
        "django_comments_xtd.XtdComment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{'spam' if self.is_spam else 'ham'}: {self.text[:40]}"


class ClassifierModel(models.Model):
    """A trained classifier, serialized; the newest row is the one in use."""

    created_at = models.DateTimeField(auto_now_add=True)
    examples = models.PositiveIntegerField(default=0)
    spam_examples = models.PositiveIntegerField(default=0)
    data = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self):
        return f"Classifier of {self.created_at:%Y-%m-%d %H:%M} ({self.examples} examples)"
