import sys
import time

from django.core.management.base import BaseCommand

from importer.letterboxd.export import site_address
from importer.wordpress.export import export_wordpress


class Command(BaseCommand):
    help = (
        "Write every post, page, review, term, comment and image address as a WordPress export "
        "(WXR 1.2) that WordPress's Tools → Import → WordPress reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="The file to write (default: standard output).")
        parser.add_argument(
            "--site",
            help="The blog's address for links and images (default: SITE_URL or the Site).",
        )

    def handle(self, *args, output=None, site=None, **options):
        started = time.perf_counter()
        site_url = (site or site_address()).rstrip("/")
        if output:
            with open(output, "w", encoding="utf-8", newline="\n") as out:
                counts = export_wordpress(out, site_url=site_url)
        else:
            counts = export_wordpress(sys.stdout, site_url=site_url)
        took = time.perf_counter() - started
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stderr.write(f"Exported {summary} in {took:.1f}s.")
