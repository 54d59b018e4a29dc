"""Moving uploaded files from this server's disk to the configured storage (an S3 bucket).

Files keep their names, so everything stored by name (posters, in-post images, renditions)
links to the new storage at once. Addresses written into post and page bodies are rewritten from
the old local address to the storage's.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages

from infra.backups import stored_names

from .models import Page, Post


class MediaCopyError(Exception):
    pass


@dataclass
class CopyReport:
    copied: list = field(default_factory=list)
    present: list = field(default_factory=list)
    relinked: list = field(default_factory=list)
    urls: dict = field(default_factory=dict)


def local_media():
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=settings.MEDIA_URL)


def is_same_place(source, target):
    return isinstance(target, FileSystemStorage) and target.location == source.location


def copy_media(source=None, target=None, *, dry_run=False):
    """Copy every file of `source` (MEDIA_ROOT) that `target` (the default storage) lacks.

    A file already there with the same size is left alone, so a second run copies nothing.
    """
    source = source or local_media()
    target = target or storages["default"]
    if is_same_place(source, target):
        raise MediaCopyError(
            "The configured storage is this MEDIA_ROOT: name a bucket (AWS_STORAGE_BUCKET_NAME "
            "and its settings) first."
        )
    report = CopyReport()
    for name in stored_names(source):
        report.urls[source.url(name)] = target.url(name)
        if target.exists(name) and target.size(name) == source.size(name):
            report.present.append(name)
            continue
        report.copied.append(name)
        if dry_run:
            continue
        if target.exists(name):
            target.delete(name)  # an incomplete copy from an interrupted run
        with source.open(name, "rb") as handle:
            saved = target.save(name, File(handle, name=name))
        if saved != name:
            raise MediaCopyError(f"{name} was stored as {saved}; nothing else was copied.")
    return report


def relink(text, urls, base_url):
    """`text` with every address of a moved file (relative or with a host) replaced."""
    pattern = re.compile(r"(?:https?://[^/\s()\"'<>]+)?" + re.escape(base_url) + r"[^\s()\"'<>]+")

    def replace(match):
        found = match.group(0)
        path = found[found.index(base_url) :] if "://" in found else found
        return urls.get(path, found)

    return pattern.sub(replace, text)


def relink_bodies(urls, base_url, *, dry_run=False):
    """Rewrite posts' and pages' bodies that link a moved file; returns what changed."""
    changed = []
    for model in (Post, Page):
        for item in model.objects.filter(body__contains=base_url):
            body = relink(item.body, urls, base_url)
            if body != item.body:
                changed.append(item)
                if not dry_run:
                    item.body = body
                    item.save(update_fields=["body"])
    return changed
