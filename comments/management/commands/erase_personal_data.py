from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.privacy import ANONYMOUS_NAME, erase_personal_data


class Command(BaseCommand):
    help = (
        "Erase what is stored for an email address: its comments stay, written by "
        f'"{ANONYMOUS_NAME}", without email, website or IP address; likes stay counted, unnamed.'
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--delete-account",
            action="store_true",
            help="Also delete the (non-staff) accounts with this email address.",
        )

    def handle(self, *args, email, delete_account=False, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Not an email address: {email}") from error
        result = erase_personal_data(email, delete_accounts=delete_account)
        self.stdout.write(
            f"Anonymized {result.comments} comment(s) and {result.likes} like(s); "
            f"{result.accounts_unlinked} account(s) unlinked, {result.accounts_deleted} deleted."
        )
