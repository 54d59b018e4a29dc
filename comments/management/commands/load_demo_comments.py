from django.core.management.base import BaseCommand, CommandError

from comments.demo import add_filler_comments, load_demo_comments


class Command(BaseCommand):
    help = "Add the demo comments to the seed review (run load_demo first; safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--total",
            type=int,
            default=0,
            help="Also add generated comments until the seed review has this many (benchmarks).",
        )

    def handle(self, *args, total, **options):
        post = load_demo_comments()
        if post is None:
            raise CommandError("The seed review is missing: run `manage.py load_demo` first.")
        added = add_filler_comments(post, total) if total else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo comments ready on {post.get_absolute_url()}"
                + (f" ({added} generated comments added)" if added else "")
            )
        )
