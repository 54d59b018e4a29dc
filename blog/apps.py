from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_groups(sender, using, **kwargs):
    from django.apps import apps

    from .groups import sync_groups

    sync_groups(apps, using)


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"

    def ready(self):
        # After each app's permissions exist (the auth handler runs first), give them to the
        # groups; an app installed later, such as spam moderation, is picked up on its migrate.
        post_migrate.connect(_sync_groups, dispatch_uid="blog.sync_groups")
