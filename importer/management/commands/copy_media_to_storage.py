"""Copy the files under MEDIA_ROOT to the configured storage (an S3 bucket), safely twice.

Lives in the importer because it rewrites addresses that every app keeps: post and page bodies
(blog) and the addresses old WordPress links redirect to (importer). Posters and in-post images
are stored by name and link to the bucket as soon as it is configured.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from blog.media import MediaCopyError, copy_media, local_media, relink, relink_bodies
from importer.models import WordPressItem


class Command(BaseCommand):
    help = "Copy local media files (MEDIA_ROOT) to the configured storage and relink pages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be copied; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        source = local_media()
        try:
            report = copy_media(source, dry_run=dry_run)
        except MediaCopyError as exc:
            raise CommandError(str(exc)) from exc
        base_url = source.base_url
        with transaction.atomic():
            bodies = relink_bodies(report.urls, base_url, dry_run=dry_run)
            records = self._relink_records(report.urls, base_url, dry_run)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{len(report.copied)} files {verb} copied, {len(report.present)} already there; "
            f"{len(bodies)} posts and pages and {records} WordPress addresses {verb} relinked."
        )

    @staticmethod
    def _relink_records(urls, base_url, dry_run):
        changed = []
        for item in WordPressItem.objects.filter(data__url__startswith=base_url):
            url = relink(item.data["url"], urls, base_url)
            if url != item.data["url"]:
                item.data = {**item.data, "url": url}
                changed.append(item)
        if changed and not dry_run:
            WordPressItem.objects.bulk_update(changed, ["data"])
        return len(changed)
