"""What was imported, keyed by what the source calls it, so a second run updates or skips."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class WordPressItemQuerySet(models.QuerySet):
    def for_old_path(self, path):
        return self.filter(old_path=path).order_by("-updated_at")

    def for_old_id(self, kinds, wp_id):
        return self.filter(kind__in=kinds, wp_id=str(wp_id)).order_by("-updated_at")


class WordPressItem(models.Model):
    """One WordPress object (post, page, comment, term, author, file) and what it became here."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        FILE = "file", "Media file"
        COMMENT = "comment", "Comment"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        AUTHOR = "author", "Author"

    source = models.CharField(max_length=200, help_text="The WordPress site's address.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    wp_id = models.CharField("WordPress id", max_length=255)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    old_path = models.CharField(
        max_length=500, blank=True, db_index=True, help_text="Its address on WordPress."
    )
    digest = models.CharField(max_length=64, blank=True, help_text="What was last imported.")
    data = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WordPressItemQuerySet.as_manager()

    class Meta:
        ordering = ["source", "kind", "wp_id"]
        verbose_name = "WordPress item"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wp_id"], name="importer_one_item_per_wordpress_id"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "wp_id"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id} from {self.source}"


class LetterboxdEntry(models.Model):
    """One Letterboxd review, or one film rated or logged without a review, and what it became.

    A second import of the same (or a newer) export finds its entries here and adds only the
    new ones. A rating without a review is kept here, with its documentary, for later.
    """

    class Kind(models.TextChoices):
        REVIEW = "review", "Review"
        RATING = "rating", "Rating without a review"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(
        max_length=500, help_text="Its Letterboxd address, or the film, year and dates."
    )
    title = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    rating = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    watched_on = models.DateField(null=True, blank=True)
    logged_on = models.DateField(null=True, blank=True, help_text="Its date on Letterboxd.")
    rewatch = models.BooleanField(default=False)
    post = models.ForeignKey(
        "blog.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    documentary = models.ForeignKey(
        "reviews.Documentary", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-logged_on", "title"]
        verbose_name = "Letterboxd entry"
        verbose_name_plural = "Letterboxd entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="importer_one_letterboxd_entry"),
        ]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"{self.get_kind_display()}: {self.title}{year}"
