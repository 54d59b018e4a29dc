from django.apps import AppConfig


class ViewCountsConfig(AppConfig):
    """Page views without tracking: no cookie, no address or browser kept, nothing sent away."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "viewcounts"
    verbose_name = "View counts"

    def ready(self):
        from infra import periodic

        from . import services

        periodic.register("viewcounts.roll_up", services.enqueue_roll_up)
