"""The moderator django-comments-xtd runs for every new comment on a post.

It closes comments where the post says so (or after COMMENTS_CLOSE_AFTER_DAYS), asks the spam
filter (`comments.spam`, when installed) whether to hold the comment, and tells the post's author.
"""

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import send_mail
from django.template import loader
from django_comments_xtd.conf import settings as xtd_settings
from django_comments_xtd.moderation import XtdCommentModerator

from blog.markup import html_to_text, render_visitor_markdown

from .links import absolute_url


class PostCommentModerator(XtdCommentModerator):
    enable_field = "allow_comments"
    auto_close_field = "published_at"
    email_notification = True

    @property
    def close_after(self):
        # Read on every use so that a test (or the admin's settings) can change it.
        return settings.COMMENTS_CLOSE_AFTER_DAYS or None

    def is_open(self, post):
        """Whether new comments are welcome on `post` (the form is shown only then)."""
        return self.allow(None, post, None, ask_spam_filter=False)

    def allow(self, comment, content_object, request, ask_spam_filter=True):
        if not content_object.is_public:
            return False
        try:
            if not super().allow(comment, content_object, request):
                return False
        except ValueError:  # a publication date in the future: not open yet
            return False
        if ask_spam_filter and comment is not None:
            try:
                from comments.spam import pipeline
            except ImportError:
                return True
            allowed, message = pipeline.allow(comment, content_object, request)
            if not allowed:
                # The view shows this to the person instead of a bare "400 Bad Request".
                comment.refusal = message or "Your comment could not be accepted."
                return False
        return True

    def moderate(self, comment, content_object, request):
        if super().moderate(comment, content_object, request):
            return True
        try:
            from comments.spam import pipeline
        except ImportError:
            return False
        return bool(pipeline.decide(comment, content_object, request).hold)

    def hold_after_edit(self, comment, content_object, request):
        """Whether a comment its writer just edited (`comment.comment` is the new text) must now
        wait for a moderator. The spam filter sees the new text; its verdict is stored when it
        holds the comment."""
        try:
            from comments.spam import pipeline
        except ImportError:
            return False
        if not pipeline.decide(comment, content_object, request, skip=("rate_limit",)).hold:
            return False
        pipeline.record(comment, request)
        return True

    def email(self, comment, content_object, request):
        """Tell the post's author of every new comment, held or not, except their own."""
        author = content_object.author
        if not (self.email_notification and author.email):
            return
        commenter = getattr(comment, "user", None)
        if getattr(commenter, "pk", None) == author.pk:
            return
        site = get_current_site(request)
        context = {
            "comment": comment,
            "comment_text": html_to_text(render_visitor_markdown(comment.comment)),
            "post": content_object,
            "post_url": absolute_url(content_object.get_absolute_url(), request),
            "site": site,
        }
        subject = f"[{settings.BLOG_TITLE}] New comment on “{content_object.title}”"
        if not comment.is_public:
            subject += " (awaiting moderation)"
        message = loader.render_to_string("comments/email/author_notification.txt", context)
        send_mail(
            subject,
            message,
            xtd_settings.COMMENTS_XTD_FROM_EMAIL,
            [author.email],
            fail_silently=True,
        )
