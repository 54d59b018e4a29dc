from django.apps import AppConfig


class FediverseConfig(AppConfig):
    """The blog as a fediverse profile: WebFinger, its actor, NodeInfo, and followers' inboxes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fediverse"

    def ready(self):
        from infra import periodic

        from . import services

        periodic.register("fediverse.sweep", services.sweep)
