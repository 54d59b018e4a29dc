from django.core.management.base import BaseCommand, CommandError

from comments.privacy import anonymize_ips, ip_retention_days


class Command(BaseCommand):
    help = (
        "Clear the IP address (and the browser and referrer the spam filter kept) of comments "
        "older than N days. Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep addresses this many days (default: COMMENTS_IP_RETENTION_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        days = ip_retention_days() if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        cleared = anonymize_ips(days)
        self.stdout.write(f"Cleared the IP address of {cleared} comment(s) older than {days} days.")
