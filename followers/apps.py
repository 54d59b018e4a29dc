from django.apps import AppConfig


class FollowersConfig(AppConfig):
    """Readers who follow the blog by email: each new post or a weekly digest in their inbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "followers"

    def ready(self):
        from infra import periodic, personal_data

        from . import privacy, services

        personal_data.register("follows", export=privacy.export, erase=privacy.erase)
        periodic.register("followers.sweep", services.sweep)
