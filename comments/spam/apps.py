from django.apps import AppConfig


class SpamConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments.spam"
    label = "spam"
    verbose_name = "Spam moderation"

    def ready(self):
        from blog import groups

        from . import receivers  # noqa: F401  (connects the signal that records decisions)

        groups.grant(self.label)  # editors moderate
