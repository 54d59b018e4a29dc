from django.apps import AppConfig


class ImporterConfig(AppConfig):
    """Moving a blog in from WordPress or Letterboxd. Nothing imports this app; it imports the
    others."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "importer"
    label = "importer"
    verbose_name = "Import and export"
