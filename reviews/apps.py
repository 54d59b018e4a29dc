from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"

    def ready(self):
        from blog import revisions

        from .revisions import restore_review, snapshot_review

        revisions.register("review", snapshot_review, restore_review)

        from infra import pages

        from . import (
            models,
            signals,  # noqa: F401 (connects the search_extra receivers)
        )

        pages.watch(
            models.Person,
            models.Company,
            models.StreamingService,
            models.Documentary,
            models.Review,
        )
