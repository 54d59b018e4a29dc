from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


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
        # Any write to what pages show moves the page cache's version (see blog.pagecache):
        # a signal, because the admin, the importer and xtd write those rows too.
        from .pagecache import on_model_change

        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(on_model_change, dispatch_uid=f"blog.pagecache.{name}")
        # A write made while Redis was away could not move the version: move it when it is back.
        from infra.cachebreaker import when_writes_lost

        from .pagecache import changed

        when_writes_lost(changed)
