"""Render every page afresh: move the page cache's versions (and, with --comments, forget the
comments' stored markup too). Never needed for correctness; useful to measure a cold site."""

from django.apps import apps
from django.core.management.base import BaseCommand

from blog import pagecache


class Command(BaseCommand):
    help = "Move the page cache's versions so that every page and part is rendered afresh."

    def add_arguments(self, parser):
        parser.add_argument(
            "--comments", action="store_true", help="Also forget each comment's stored markup."
        )

    def handle(self, *args, comments=False, **options):
        pagecache.bump_posts()
        pagecache.bump()
        if comments:
            details = apps.get_model("blog_comments", "CommentDetails")
            details.objects.update(fragment_key="")
        self.stdout.write("The page cache starts afresh.")
