from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    label = "blog_comments"
    verbose_name = "Comments"

    def ready(self):
        from . import receivers  # noqa: F401  (followers hear of comments published later)
