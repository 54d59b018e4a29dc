from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from importer.common import ProgressBar
from importer.letterboxd.importer import (
    LetterboxdImporter,
    LetterboxdImportError,
    default_author,
)


class Command(BaseCommand):
    help = (
        "Import a Letterboxd export (Settings → Data → Export: the ZIP or its folder, or a CSV "
        "in Letterboxd's import format): each review becomes a draft post with its documentary, "
        "rating, watched date and tags. Running it again adds only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The export's .zip, its unpacked folder, or a .csv.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the reviews on the day they were logged on Letterboxd.",
        )
        parser.add_argument(
            "--keep-ratings",
            action="store_true",
            help="Films rated or logged without a review: create their documentaries and keep "
            "the rating for later (see Letterboxd entries in the admin).",
        )
        parser.add_argument(
            "--author", help="Username of the posts' author (default: the first superuser)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything, print the summary, then roll back: nothing is saved.",
        )

    def handle(self, *args, export, author=None, **options):
        if author:
            user = get_user_model()._default_manager.filter(username=author).first()
            if user is None:
                raise CommandError(f"--author {author}: no such user. Nothing was imported.")
        else:
            user = default_author()
        verbosity = options.get("verbosity", 1)
        progress = ProgressBar(self.stderr, unit="entries") if verbosity >= 1 else None
        importer = LetterboxdImporter(
            export,
            author=user,
            publish=options["publish"],
            keep_ratings=options["keep_ratings"],
            dry_run=options["dry_run"],
            progress=progress,
        )
        try:
            summary = importer.run()
        except LetterboxdImportError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if progress is not None:
                progress.finish()
        if verbosity >= 1:
            for line in summary.lines():
                self.stdout.write(line)
