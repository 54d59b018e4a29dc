"""Render every page afresh: move the page cache's versions. Never needed for correctness;
useful to measure a cold site, or with --content the render that follows a new comment."""

from django.core.management.base import BaseCommand

from infra import pages


class Command(BaseCommand):
    help = "Move the page cache's versions so that every page and part is rendered afresh."

    def add_arguments(self, parser):
        parser.add_argument(
            "--content",
            action="store_true",
            help="Move only the content version, as a new comment does: parts kept under the "
            "posts' version (a post's article) stay.",
        )

    def handle(self, *args, content=False, **options):
        pages.move(*([pages.CONTENT] if content else [pages.CONTENT, pages.POSTS]))
        self.stdout.write("The page cache starts afresh.")
