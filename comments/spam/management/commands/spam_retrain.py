from django.core.management.base import BaseCommand

from ... import training


class Command(BaseCommand):
    help = (
        "Retrain the spam classifier on the shipped labelled comments and every spam / not-spam "
        "decision moderators made, and put it in use."
    )

    def handle(self, *args, **options):
        stored = training.retrain()
        self.stdout.write(
            f"Classifier retrained on {stored.examples} comments ({stored.spam_examples} spam), "
            f"{len(stored.data['weights'])} features."
        )
