"""What this site keeps next to django-comments-xtd's own comment rows.

xtd's `XtdComment` stays the comment (the WordPress importer and the admin write it directly);
`CommentDetails` adds the rendered Markdown and the token of the form that posted it, and
`Like` holds the likes xtd's flags cannot: likes of posts, and likes from anonymous readers.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from infra.markup import render_visitor_markdown


def text_digest(text):
    return hashlib.sha256((text or "").encode()).hexdigest()


class CommentDetails(models.Model):
    comment = models.OneToOneField(
        "django_comments_xtd.XtdComment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="details",
    )
    # One token per rendered form: a resubmission of the same form finds the comment it made.
    form_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    # Digest of the text body_html was rendered from; an edit in the admin makes it stale.
    body_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"

    # Set by whoever stores a linkback as a comment (the WordPress importer).
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    # Held when posted: the thread's followers hear of it once, when it is published.
    followers_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = "comment details"
        verbose_name_plural = "comment details"

    def __str__(self):
        return f"Details of comment {self.comment_id}"

    def render(self, text):
        self.body_html = render_visitor_markdown(text)
        self.body_digest = text_digest(text)

    def html_for(self, text):
        """The stored HTML when it was rendered from `text`, else a fresh rendering."""
        if self.body_digest == text_digest(text):
            return self.body_html
        return render_visitor_markdown(text)


class Like(models.Model):
    """One reader liking one post or one comment.

    Logged-in readers' likes of comments are xtd's "I liked it" flags; everything else is here.
    A reader is a user, or an anonymous browser known by the random key in its signed cookie.
    """

    post = models.ForeignKey(
        "blog.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="likes"
    )
    comment = models.ForeignKey(
        "django_comments_xtd.XtdComment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="anonymous_likes",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="likes",
    )
    visitor = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, comment__isnull=True)
                    | Q(post__isnull=True, comment__isnull=False)
                ),
                name="like_one_target",
            ),
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, visitor="") | (Q(user__isnull=True) & ~Q(visitor=""))
                ),
                name="like_user_or_visitor",
            ),
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(user__isnull=False),
                name="like_post_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["post", "visitor"],
                condition=~Q(visitor=""),
                name="like_post_once_per_visitor",
            ),
            models.UniqueConstraint(
                fields=["comment", "visitor"],
                condition=~Q(visitor=""),
                name="like_comment_once_per_visitor",
            ),
        ]

    def __str__(self):
        target = f"post {self.post_id}" if self.post_id else f"comment {self.comment_id}"
        return f"Like of {target} by {self.user or 'a visitor'}"
