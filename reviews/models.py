import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify

from blog.models import Post
from infra.images import ImageValidator, picture_data
from infra.markup import render_markdown

logger = logging.getLogger(__name__)

RATING_STEPS = [Decimal(half) / 2 for half in range(1, 11)]  # 0.5, 1.0, ... 5.0
RATING_CHOICES = [(step, f"{step:g} / 5") for step in RATING_STEPS]


class SluggedModel(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:200]
        super().save(*args, **kwargs)


class Person(SluggedModel):
    class Meta(SluggedModel.Meta):
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return reverse("reviews:director_detail", kwargs={"slug": self.slug})


class Company(SluggedModel):
    class Meta(SluggedModel.Meta):
        verbose_name_plural = "companies"

    def get_absolute_url(self):
        return reverse("reviews:company_detail", kwargs={"slug": self.slug})


class StreamingService(SluggedModel):
    url = models.URLField(blank=True)

    def get_absolute_url(self):
        return reverse("reviews:service_detail", kwargs={"slug": self.slug})


class DocumentaryQuerySet(models.QuerySet):
    def with_people(self):
        return self.prefetch_related("directors", "production_companies")

    def public(self):
        """Films a published review names (reviewed or recommended): drafts reveal nothing."""
        published = Post.objects.published()
        return self.filter(
            models.Q(reviews__post__in=published) | models.Q(recommended_in__post__in=published)
        ).distinct()

    def with_published_reviews(self):
        return self.prefetch_related(
            models.Prefetch(
                "reviews",
                queryset=Review.objects.published().select_related("post"),
                to_attr="published_reviews",
            )
        )


class Documentary(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    release_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Enough when the exact date is not known."
    )
    release_date = models.DateField(null=True, blank=True)
    runtime_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    synopsis = models.TextField(blank=True)
    poster = models.ImageField(
        upload_to="posters/%Y/",
        blank=True,
        validators=[ImageValidator()],
        help_text="JPEG, PNG, WebP or GIF. Smaller copies for phones are made when you save.",
    )
    # {"source": poster name, "files": [{width, height, url, format, name}, ...]}
    poster_renditions = models.JSONField(default=dict, blank=True, editable=False)
    directors = models.ManyToManyField(Person, blank=True, related_name="directed")
    production_companies = models.ManyToManyField(Company, blank=True, related_name="produced")

    objects = DocumentaryQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "documentaries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(release_year__isnull=True)
                | models.Q(release_year__gte=1870, release_year__lte=2200),
                name="documentary_release_year_plausible",
                violation_error_message="The release year must be between 1870 and 2200.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            base = f"{self.title} {self.year or ''}"
            self.slug = slugify(base, allow_unicode=True)[:200]
        if self.release_date and not self.release_year:
            self.release_year = self.release_date.year
        update_fields = kwargs.get("update_fields")
        poster_changed = None
        if update_fields is None or "poster" in update_fields:
            poster_changed = self._refresh_poster_renditions()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "poster_renditions"}
        super().save(*args, **kwargs)
        # Pages show the original poster until the service that wrote this queues its copies
        # (reviews.posters).
        self.copies_due = poster_changed

    copies_due = None

    def get_absolute_url(self):
        return reverse("reviews:documentary_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.release_date and self.release_year and self.release_date.year != self.release_year:
            raise ValidationError(
                {"release_year": "The release year does not match the release date."}
            )

    @property
    def year(self):
        return self.release_date.year if self.release_date else self.release_year

    def _refresh_poster_renditions(self):
        """When the poster changed: (its name, the old copies to delete) for the task, else None.

        The copies themselves are made by a task after the write: until then `poster_picture`
        shows the original.
        """
        source = (self.poster_renditions or {}).get("source")
        if self.poster and not self.poster._committed:
            # Store the upload now (Django would at save) so that its name is known.
            self.poster.save(self.poster.name, self.poster.file, save=False)
        current = self.poster.name if self.poster else ""
        if current == (source or ""):
            return None
        stale = (self.poster_renditions or {}).get("files") or []
        self.poster_renditions = {"source": current, "files": []} if current else {}
        self.__dict__.pop("poster_picture", None)
        self.__dict__.pop("poster_share_image", None)
        return current, stale

    def _poster_files(self):
        # Addresses come from the storage now, so a new MEDIA_URL or CDN needs no migration.
        storage = self.poster.storage
        return [
            {**file, "url": storage.url(file["name"])}
            for file in (self.poster_renditions or {}).get("files") or ()
            if file.get("name")
        ]

    @cached_property
    def poster_picture(self):
        """The poster for includes/_picture.html (None when there is no poster)."""
        if not self.poster:
            return None
        # Until its copies are made, the original alone (its size is not known here).
        return picture_data(self._poster_files()) or {"sources": [], "src": self.poster.url}

    @cached_property
    def poster_share_image(self):
        """The largest JPEG/PNG copy, for link previews (not every crawler reads WebP)."""
        files = self._poster_files()
        shareable = [f for f in files if f.get("format") != "image/webp"] or files
        return max(shareable, key=lambda f: f["width"], default=None)


class ReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(post__in=Post.objects.published())

    def for_listing(self):
        return (
            self.select_related("post", "post__author", "documentary")
            .prefetch_related("documentary__directors")
            .order_by("-post__published_at", "-pk")
        )


class Review(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="review")
    documentary = models.ForeignKey(Documentary, on_delete=models.PROTECT, related_name="reviews")
    rating = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        choices=RATING_CHOICES,
        help_text="From 0.5 to 5 stars, in half steps.",
    )
    watched_on = models.DateField(null=True, blank=True)
    watched_via = models.CharField(
        max_length=200, blank=True, help_text='How you watched it, e.g. "Netflix streaming".'
    )
    watched_service = models.ForeignKey(
        StreamingService,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="watched_reviews",
    )
    also_available_on = models.ManyToManyField(
        StreamingService, blank=True, related_name="available_reviews"
    )
    lessons = models.TextField(
        "What can one learn from watching this documentary", blank=True, help_text="Markdown."
    )
    lessons_html = models.TextField(editable=False, blank=True)
    also_like = models.TextField(
        "If you like this you might also want to", blank=True, help_text="Markdown."
    )
    also_like_html = models.TextField(editable=False, blank=True)
    also_like_documentaries = models.ManyToManyField(
        Documentary, blank=True, related_name="recommended_in"
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-post__published_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__in=RATING_STEPS),
                name="review_rating_half_steps_0_5_to_5",
                violation_error_message="The rating must be from 0.5 to 5 stars in half steps.",
            ),
        ]

    def __str__(self):
        return f"Review of {self.documentary}"

    def save(self, *args, **kwargs):
        self.lessons_html = render_markdown(self.lessons)
        self.also_like_html = render_markdown(self.also_like)
        super().save(*args, **kwargs)

    @property
    def stars(self):
        """Full stars, whether a half star follows, and empty stars, for the template."""
        full = int(self.rating)
        half = self.rating - full >= Decimal("0.5")
        return {"full": range(full), "half": half, "empty": range(5 - full - int(half))}

    @property
    def rating_text(self):
        return f"{self.rating_number} out of 5 stars"

    def get_rating_url(self):
        return reverse("reviews:rating_detail", kwargs={"rating": self.rating})

    @property
    def rating_number(self):
        """The rating as people write it: "4", "3.5"."""
        return format(Decimal(self.rating).normalize(), "f")
