"""What the spam filter decided about each comment, and what it learns from."""

import contextlib
import re

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
    name = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=300, blank=True)
    post_title = models.CharField(
        max_length=300, blank=True, help_text="The post's title, film and directors."
    )
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


_DOMAIN_LIKE = re.compile(r"(?:https?://)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?", re.IGNORECASE)


def blog_address(url):
    """A blog's address as the list keeps it: host without www. and path without the slash
    at the end ("seedstories.blogspot.com", "medium.com/@ana"); "" for what is no address."""
    from .features import split_link

    host, path, _ = split_link(url or "")
    if "." not in host:
        return ""
    path = path.rstrip("/.,;:!?)")
    # A post's own address stands for its blog: the list keeps the blog, not the post.
    path = re.split(r"/(?:19|20)\d\d/", path + "/", maxsplit=1)[0].rstrip("/")
    return f"{host}{path}"


class TrustedBlogQuerySet(models.QuerySet):
    def matching(self, urls):
        """The trusted blogs that any of `urls` belongs to."""
        addresses = {blog_address(url) for url in urls} - {""}
        if not addresses:
            return []
        hosts = {address.split("/", 1)[0] for address in addresses}
        return [
            blog
            for blog in self.filter(host__in=hosts)
            if any(
                address == blog.address or address.startswith(blog.address + "/")
                for address in addresses
            )
        ]

    def add_many(self, text, note=""):
        """Trust every address found in `text` (one per line, or pasted from a page);
        returns (added, already trusted)."""
        from .features import find_links

        found = []
        for line in text.splitlines():
            words = [w.strip("()[]<>,;\"'") for w in line.split()]
            for url in find_links(line) + [w for w in words if _DOMAIN_LIKE.fullmatch(w)]:
                address = blog_address(url)
                if address and address not in found:
                    found.append(address)
        known = set(self.filter(address__in=found).values_list("address", flat=True))
        self.bulk_create(
            [
                TrustedBlog(address=a, host=a.split("/", 1)[0], note=note)
                for a in found
                if a not in known
            ]
        )
        return len(found) - len(known), len(known)


class TrustedBlog(models.Model):
    """A blog whose writer comments here in good faith, such as a fellow challenge participant.

    Comments whose website or link is on one of these blogs are not held by the classifier.
    """

    address = models.CharField(
        max_length=300,
        unique=True,
        help_text="Host and optional path, e.g. seedstories.blogspot.com or medium.com/@ana.",
    )
    host = models.CharField(max_length=253, db_index=True, editable=False)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrustedBlogQuerySet.as_manager()

    class Meta:
        ordering = ["address"]

    def __str__(self):
        return self.address

    def save(self, *args, **kwargs):
        self.address = blog_address(self.address) or self.address.strip().lower()
        self.host = self.address.split("/", 1)[0]
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if not blog_address(self.address):
            raise ValidationError({"address": "Give the blog's address, e.g. myblog.example.com."})


class SpamLink(models.Model):
    """A site that comments filed as spam by a moderator linked to (a "known spam link")."""

    host = models.CharField(max_length=253, unique=True)
    comments = models.PositiveIntegerField(default=1, help_text="Spam comments that linked here.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["host"]

    def __str__(self):
        return self.host


class SparedSignal(models.Model):
    """A site or name a moderator rescued a comment from: the signal that misfired on it
    (a commercial-looking website, a name read as a business) no longer fires for it."""

    class Kind(models.TextChoices):
        SITE = "site", "Website, email or link domain"
        NAME = "name", "Name"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=253, help_text="A host (example.com) or a name.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="spam_unique_spared_signal")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)


class TrustedCommenter(models.Model):
    """An email address a moderator vouched for ("approve and trust this commenter"): its
    comments skip the classifier, the signals and the first-comment hold, as a trusted
    blog's do."""

    email = models.EmailField(unique=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
