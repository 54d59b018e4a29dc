from django.core.management.base import BaseCommand

from reviews.demo import load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo reviews (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        post = load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo content ready. Seed review: {post.get_absolute_url()}")
        )
