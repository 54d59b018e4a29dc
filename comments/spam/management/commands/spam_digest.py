from django.core.management.base import BaseCommand

from ... import tasks
from ...models import Moderation


class Command(BaseCommand):
    help = (
        "Queue the daily mail to the owner with the comments awaiting moderation (run it daily "
        "from cron); nothing is queued when none waits."
    )

    def handle(self, *args, **options):
        count = Moderation.objects.filter(status=Moderation.Status.PENDING).count()
        if not count:
            self.stdout.write("No comment awaits moderation: no digest.")
            return
        tasks.send_moderation_digest.enqueue()
        self.stdout.write(f"Digest of {count} waiting comment(s) queued.")
