from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    label = "blog_comments"
    verbose_name = "Comments"

    def ready(self):
        from allauth.socialaccount.models import SocialApp
        from django_comments.models import CommentFlag
        from django_comments_xtd.models import XtdComment

        # Comment sections show these (the login providers on the form among them); posting
        # and liking move the page versions themselves (infra.pages.changing).
        from blog import groups, hooks

        # Editors moderate: every permission of the comment apps, xtd's and ours.
        for label in ("django_comments", "django_comments_xtd", self.label):
            groups.grant(label)
        from infra import pages

        from . import receivers  # noqa: F401  (followers hear of comments published later)
        from .models import CommentDetails, Like
        from .threads import comments_of_posts

        hooks.provide_post_comments(comments_of_posts)
        pages.watch(XtdComment, CommentFlag, CommentDetails, Like, SocialApp, posts=False)
