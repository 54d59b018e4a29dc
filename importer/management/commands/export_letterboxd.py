import datetime

from django.core.management.base import BaseCommand, CommandError

from importer.letterboxd.export import reviews_to_export, site_address, write_csv


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value}: not a date in the form 2024-03-31.") from None


class Command(BaseCommand):
    help = (
        "Write the published reviews as a CSV that Letterboxd's importer reads "
        "(manage.py export_letterboxd > reviews.csv)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_day, help="Reviews published on or after this day.")
        parser.add_argument("--until", type=_day, help="Reviews published on or before this day.")
        parser.add_argument(
            "--challenge-year", type=int, help="Only the A to Z entries of this year."
        )
        parser.add_argument(
            "--site", help="The blog's address for the links back (default: SITE_URL or the Site)."
        )

    def handle(self, *args, since=None, until=None, challenge_year=None, site=None, **options):
        base = (site or site_address()).rstrip("/")
        reviews = reviews_to_export(since=since, until=until, challenge_year=challenge_year)
        count = write_csv(self.stdout, reviews, lambda path: base + path)
        self.stderr.write(f"{count} reviews written.")
