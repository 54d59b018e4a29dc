"""Render every page afresh: move the page cache's versions. Never needed for correctness;
useful to measure a cold site."""

from django.core.management.base import BaseCommand

from infra import pages


class Command(BaseCommand):
    help = "Move the page cache's versions so that every page and part is rendered afresh."

    def handle(self, *args, **options):
        pages.move(pages.CONTENT, pages.POSTS)
        self.stdout.write("The page cache starts afresh.")
