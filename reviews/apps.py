from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"

    def ready(self):
        from blog import groups, revisions

        from .revisions import restore_review, snapshot_review

        revisions.register("review", snapshot_review, restore_review)
        # Authors may add what a review needs; editors may do everything here.
        groups.grant(
            self.label,
            author={
                "review": ["add", "change", "delete", "view"],
                "documentary": ["add", "change", "view"],
                "person": ["add", "view"],
                "company": ["add", "view"],
                "streamingservice": ["add", "view"],
            },
        )

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
