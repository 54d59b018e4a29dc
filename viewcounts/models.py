from django.db import models


class DailySalt(models.Model):
    """The day's random salt; deleted once the day is rolled up, so its hashes lead nowhere."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"salt of {self.day}"


class Hit(models.Model):
    """One counted view, kept until its day is rolled up: the post and a salted daily hash of
    the reader (never the address or the browser themselves)."""

    day = models.DateField(db_index=True)
    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=32)

    def __str__(self):
        return f"view of post {self.post_id} on {self.day}"


class DailyViews(models.Model):
    """A post's views and distinct visitors on one day."""

    day = models.DateField()
    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="daily_views")
    views = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily views"
        constraints = [
            models.UniqueConstraint(fields=["day", "post"], name="one_count_per_post_and_day"),
            models.CheckConstraint(
                condition=models.Q(visitors__lte=models.F("views")),
                name="visitors_within_views",
            ),
        ]

    def __str__(self):
        return f"{self.views} views of post {self.post_id} on {self.day}"
