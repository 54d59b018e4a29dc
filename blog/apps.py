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
        from django.contrib.auth import get_user_model
        from django.contrib.sites.models import Site

        from infra import pages

        from . import models
        from .clock import next_page_change

        # Pages show these; the services that write them move the page versions themselves,
        # the admin and the shell are heard here (infra.pages).
        pages.watch(
            models.Post,
            models.Page,
            models.Tag,
            models.Category,
            models.Challenge,
            models.Image,
            Site,
            get_user_model(),
        )
        pages.set_clock(next_page_change)
