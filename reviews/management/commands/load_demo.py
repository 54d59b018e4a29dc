from django.core.management.base import BaseCommand

from reviews.demo import load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo reviews (safe to run again: nothing is duplicated)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="",
            help="Print the seed review's full address on this server, e.g. http://127.0.0.1:8000",
        )
        parser.add_argument(
            "--no-posters",
            action="store_true",
            help="Do not draw posters for the demo documentaries that have none.",
        )

    def handle(self, *args, **options):
        post = load_demo(posters=not options["no_posters"])
        url = options["base_url"].rstrip("/") + post.get_absolute_url()
        self.stdout.write(self.style.SUCCESS(f"Demo content ready. Seed review: {url}"))
