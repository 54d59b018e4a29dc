from django.core.management.base import BaseCommand, CommandError

from importer.common import ProgressBar
from importer.wordpress import WordPressImporter, WordPressImportError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR, from Tools → Export): posts, pages, comments with "
        "their threads and moderation state, reviews written in the text, and images. "
        "Running it again with the same file updates and never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file WordPress exported.")
        parser.add_argument(
            "--media-dir",
            help="An unpacked media export (wp-content/uploads or its YYYY/MM folders): "
            "images are copied here. Without it images stay at their WordPress address.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything, print the summary, then roll back: nothing is saved.",
        )

    def handle(self, *args, export, media_dir=None, dry_run=False, **options):
        if media_dir is not None:
            from pathlib import Path

            if not Path(media_dir).is_dir():
                raise CommandError(f"--media-dir {media_dir}: no such folder.")
        verbosity = options.get("verbosity", 1)
        progress = ProgressBar(self.stderr) if verbosity >= 1 else None
        importer = WordPressImporter(
            export, media_dir=media_dir, dry_run=dry_run, progress=progress
        )
        try:
            summary = importer.run()
        except WordPressImportError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if progress is not None:
                progress.finish()
        if verbosity >= 1:
            for line in summary.lines():
                self.stdout.write(line)
