from django.core.management.base import BaseCommand

from ... import conf, services


class Command(BaseCommand):
    help = "Delete comments that have been filed as spam for longer than SPAM_PURGE_DAYS (30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        days = conf.get("SPAM_PURGE_DAYS") if days is None else days
        count = services.purge_spam(max(days, 1))
        self.stdout.write(f"Deleted {count} spam comment(s) older than {days} days.")
