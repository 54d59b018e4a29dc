"""Whether a post takes comments, and what the spam filter makes of a new or edited one.

Comments close where the post says so (*Allow comments*) or COMMENTS_CLOSE_AFTER_DAYS after
publication; django-comments' `CommentModerator` has that rule, so this builds on it. The
posting service (`comments.posting`) asks it directly; no signal goes through xtd.
"""

from django.conf import settings
from django_comments_xtd.moderation import XtdCommentModerator

from .spam import pipeline


class PostCommentModerator(XtdCommentModerator):
    enable_field = "allow_comments"
    auto_close_field = "published_at"

    @property
    def close_after(self):
        # Read on every use so that a test (or the admin's settings) can change it.
        return settings.COMMENTS_CLOSE_AFTER_DAYS or None

    def is_open(self, post):
        """Whether new comments are welcome on `post` (the form is shown only then)."""
        if not post.is_public:
            return False
        try:
            return super().allow(None, post, None)
        except ValueError:  # a publication date in the future: not open yet
            return False

    def refusal(self, comment, post, request):
        """Why `comment` may not be saved at all, for the person who wrote it ("" if it may)."""
        if not self.is_open(post):
            return "Comments are closed on this post."
        allowed, message = pipeline.allow(comment, post, request)
        if not allowed:
            return message or "Your comment could not be accepted."
        return ""

    def decision_after_edit(self, comment, post, request):
        """The spam filter's verdict on a comment its writer just edited (`comment.comment` is
        the new text); the rate limit does not count an edit as a new comment."""
        return pipeline.decide(comment, post, request, skip=("rate_limit",))
