from django.apps import AppConfig


class InfraConfig(AppConfig):
    """The plumbing every app uses: page cache, tasks and mail, rate limits and the client's
    address, markup, images, backups, health. It imports none of the domain apps."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "infra"
