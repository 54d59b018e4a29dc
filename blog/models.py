import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from infra.images import ImageValidator, responsive_body_images
from infra.markup import excerpt_text, render_markdown, truncate_words

from .challenge import SCHEDULE_HELP, schedule_days, schedule_errors

LETTERS = string.ascii_uppercase
LETTER_CHOICES = [(letter, letter) for letter in LETTERS]
BODY_IMAGE_WIDTH = 1280


class PostQuerySet(models.QuerySet):
    def published(self):
        """The only way public pages see posts: published and due (scheduled ones wait)."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        return self.select_related("author", "challenge").prefetch_related("tags", "categories")

    def search_extra_texts(self):
        """{pk: the reviewed documentary's title and its directors' names} for these posts.

        Reached through relation names, so blog/ needs no import of the reviews app.
        """
        rows = (
            self.filter(review__isnull=False)
            .order_by("pk", "review__documentary__directors__name")
            .values_list("pk", "review__documentary__title", "review__documentary__directors__name")
        )
        parts = {}
        for pk, title, director in rows:
            parts.setdefault(pk, [title])
            if director:
                parts[pk].append(director)
        return {pk: " ".join(words) for pk, words in parts.items()}

    def refresh_search_extra(self):
        """Store these posts' search_extra afresh (one UPDATE per changed text); a count."""
        texts = self.search_extra_texts()
        changed = {}
        for pk, current in self.values_list("pk", "search_extra"):
            wanted = texts.get(pk, "")
            if wanted != current:
                changed.setdefault(wanted, []).append(pk)
        for text, pks in changed.items():
            Post.objects.filter(pk__in=pks).update(search_extra=text)
        return sum(len(pks) for pks in changed.values())


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)


class Challenge(models.Model):
    """One year of a letter-a-day challenge, such as "Blogging from A to Z" 2018."""

    name = models.CharField(max_length=200, default="Blogging from A to Z")
    year = models.PositiveSmallIntegerField()
    theme = models.CharField(max_length=200, blank=True)
    hashtag = models.CharField(max_length=50, blank=True, default="atozchallenge")
    description = models.TextField(blank=True)
    # The schedule: a first day and days off, or the 26 days themselves (which win).
    starts_on = models.DateField(null=True, blank=True, help_text=SCHEDULE_HELP["starts_on"])
    days_off = models.CharField(
        max_length=40, blank=True, default="Sun", help_text=SCHEDULE_HELP["days_off"]
    )
    letter_dates = models.TextField(blank=True, help_text=SCHEDULE_HELP["letter_dates"])

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="challenge_unique_name_year"),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"

    def clean(self):
        super().clean()
        errors = schedule_errors(self.days_off, self.letter_dates)
        if errors:
            raise ValidationError(errors)

    def letter_days(self):
        """The 26 days of this challenge, A first."""
        return schedule_days(self.year, self.starts_on, self.days_off, self.letter_dates)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, allow_unicode=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(help_text="Markdown.", blank=True)
    body_html = models.TextField(editable=False, blank=True)
    excerpt = models.TextField(
        blank=True, help_text="Shown in lists and previews; taken from the body when empty."
    )
    # The reviewed documentary's title and its directors' names, copied here for search
    # (and its index on PostgreSQL). The reviews app keeps it current; save() refreshes it.
    search_extra = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="A date in the future schedules the post: it appears on its own at that time.",
    )
    # The day in the post's address (in the site's time zone), kept in step with published_at
    # on every save so that the slug can be unique per day in the database.
    published_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    allow_comments = models.BooleanField(default=True)
    challenge = models.ForeignKey(
        Challenge, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    challenge_letter = models.CharField(max_length=1, blank=True, choices=LETTER_CHOICES)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        permissions = [("edit_any_post", "Can edit posts of any author")]
        constraints = [
            models.UniqueConstraint(
                fields=["published_on", "slug"],
                name="post_unique_slug_per_day",
                violation_error_message="Another post published on that day has this slug.",
            ),
            models.UniqueConstraint(
                fields=["challenge", "challenge_letter"],
                condition=models.Q(challenge__isnull=False),
                name="post_one_per_challenge_letter",
                violation_error_message="This challenge already has a post for that letter.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(challenge__isnull=True, challenge_letter="")
                    | models.Q(challenge__isnull=False, challenge_letter__in=list(LETTERS))
                ),
                name="post_letter_goes_with_challenge",
                violation_error_message="A challenge post needs a letter from A to Z, "
                "and a letter needs a challenge.",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="post_published_has_date",
                violation_error_message="A published post needs a publication date.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:200] or "post"
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.published_on = self._day_published()
        self.body_html = render_markdown(self.body)
        if self.pk is not None and "<img" in self.body_html:
            self.body_html = responsive_body_images(self.body_html, self.images.all())
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and (update_fields is None or "search_extra" in update_fields):
            # A copy loaded before its review changed must not write an old text back.
            texts = Post.objects.filter(pk=self.pk).search_extra_texts()
            self.search_extra = texts.get(self.pk, "")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html", "published_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.published_at is None:
            return reverse("blog:draft", kwargs={"pk": self.pk})
        day = self.published_on or timezone.localtime(self.published_at).date()
        return reverse(
            "blog:post_detail",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": self.slug},
        )

    def clean(self):
        super().clean()
        if self.challenge_id and not self.challenge_letter:
            raise ValidationError({"challenge_letter": "Choose the letter this post is for."})
        if self.challenge_letter and not self.challenge_id:
            raise ValidationError({"challenge": "A letter belongs to a challenge: choose one."})
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.published_on = self._day_published()
        # The form has no published_on field, so Django skips this constraint in forms: check here.
        same_day = Post.objects.filter(published_on=self.published_on, slug=self.slug)
        if self.published_on and self.slug and same_day.exclude(pk=self.pk).exists():
            raise ValidationError({"slug": "Another post published on that day has this slug."})

    def _day_published(self):
        return timezone.localtime(self.published_at).date() if self.published_at else None

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def summary(self, words=50):
        return self.excerpt or truncate_words(excerpt_text(self.body_html), words)

    def other_letter_posts(self):
        """Published posts for the same letter in other years of the same challenge."""
        if not self.challenge_id:
            return Post.objects.none()
        return (
            Post.objects.published()
            .filter(challenge__name=self.challenge.name, challenge_letter=self.challenge_letter)
            .exclude(pk=self.pk)
            .order_by("-challenge__year")
        )


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)


class Page(models.Model):
    """A standalone page such as "About", at /<slug>/."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    show_in_menu = models.BooleanField(default=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:200] or "page"
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.body_html = render_markdown(self.body)
        if self.pk is not None and "<img" in self.body_html:
            self.body_html = responsive_body_images(self.body_html, self.images.all())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:page_detail", kwargs={"slug": self.slug})


class Image(models.Model):
    """An image uploaded from the post screen and placed in a body as Markdown."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    file = models.ImageField(
        upload_to="images/%Y/%m/",
        validators=[ImageValidator()],
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt = models.CharField(
        "alternative text",
        max_length=300,
        help_text="What the image shows, for people who cannot see it.",
    )
    caption = models.CharField(max_length=300, blank=True)
    renditions = models.JSONField(default=list, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.alt

    # After a save that stored a new file: (its name, the old copies to delete), for the service
    # that wrote it to hand to the task that makes the copies (blog.uploads); else None.
    copies_due = None

    def save(self, *args, **kwargs):
        new_upload = bool(self.file) and not self.file._committed
        stale = self.renditions if new_upload else []
        if new_upload:
            self.renditions = []  # pages use the original until the task has made the copies
        super().save(*args, **kwargs)
        self.copies_due = (self.file.name, stale) if new_upload else None

    @property
    def display_url(self):
        """The widest copy a post body needs, in the original's format; the original if none."""
        copies = [r for r in self.renditions if r.get("format") != "image/webp"] or self.renditions
        fitting = [r for r in copies if r["width"] <= BODY_IMAGE_WIDTH]
        chosen = max(fitting or copies, key=lambda r: r["width"], default=None)
        # Addresses come from the storage now, so a bucket or CDN needs no migration.
        if chosen is None:
            return self.file.url
        return self.file.storage.url(chosen["name"]) if chosen.get("name") else chosen["url"]

    def markdown(self):
        alt = self.alt.replace("[", "(").replace("]", ")")
        title = self.caption.replace('"', "'")
        target = f'{self.display_url} "{title}"' if title else self.display_url
        return f"![{alt}]({target})"


class Revision(models.Model):
    """A post as it was after one save: title, body and what registered apps add (a review)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"
