from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infra.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and media into a new folder (safe while the site runs)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=str(settings.DATA_DIR / "backups"),
            help="Folder that receives the backup (default: var/backups/).",
        )

    def handle(self, *args, **options):
        try:
            folder = backup(options["to"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
