from django.core.management.base import BaseCommand, CommandError

from infra.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder (from `backup`) into this empty installation."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--force", action="store_true", help="Replace what this site already holds."
        )

    def handle(self, *args, **options):
        try:
            manifest = restore(options["folder"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the {manifest['database']} backup of {manifest['taken_at']}.")
