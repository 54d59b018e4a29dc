"""What every importer shares: one transaction per run, the films and names they find or
create, and the progress bar of their commands.

An importer reads its whole source, then writes inside `one_transaction`: a file that breaks
halfway imports nothing, and a dry run does everything and rolls back.
"""

import contextlib
import dataclasses
import sys
from collections import Counter

from django.db import transaction
from django.utils.text import slugify

from blog.models import Tag
from infra import pages
from reviews.models import Company, Documentary, Person, StreamingService


class ImportFailed(Exception):
    """The source cannot be imported; the message says why (and that nothing was imported)."""


class _DryRun(Exception):
    pass


@contextlib.contextmanager
def one_transaction(dry_run=False):
    """Everything inside commits together, or not at all; a dry run always rolls back."""
    try:
        # One move of the page versions once the import commits (rows written in bulk send
        # no signals, and the others need not move them one by one).
        with pages.changing(), transaction.atomic():
            yield
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


def find_documentary(title, year):
    """The documentary we have under this title (and year, when known), or None."""
    slug = slugify(f"{title} {year or ''}", allow_unicode=True)[:200]
    documentary = Documentary.objects.filter(slug=slug).first()
    if documentary is None:
        same = Documentary.objects.filter(title__iexact=title)
        documentary = (same.filter(release_year=year) if year else same).first()
    return documentary


def documentary_for(title, year, *, counts, release_date=None, directors=(), companies=()):
    """The documentary matched by title and year, created when we have none; fills gaps only."""
    documentary = find_documentary(title, year)
    if documentary is None:
        slug = slugify(f"{title} {year or ''}", allow_unicode=True)[:200]
        documentary = Documentary(title=title[:300], slug=slug)
        counts["documentary created"] += 1
    else:
        counts["documentary matched"] += 1
    if release_date and not documentary.release_date:
        documentary.release_date = release_date
    if year and not documentary.release_year:
        documentary.release_year = year
    documentary.save()
    if directors:
        documentary.directors.add(*(named(Person, name) for name in directors))
    if companies:
        documentary.production_companies.add(*(named(Company, name) for name in companies))
    return documentary


def named(model, name):
    """The person, company or service of that name (any case), created when new."""
    name = name[:200]
    obj = model.objects.filter(name__iexact=name).first()
    if obj is None:
        slug = slugify(name, allow_unicode=True)[:200] or "unnamed"
        obj = model.objects.filter(slug=slug).first() or model.objects.create(name=name, slug=slug)
    return obj


def service(name, known_services):
    """A streaming service; `known_services` (the names a review's text may mention) grows."""
    found = named(StreamingService, name)
    if name not in known_services:
        known_services.append(name)
    return found


def tag(name, slug="", *, counts):
    """The tag with this slug or name (any case), created when new."""
    slug = slugify(slug or name, allow_unicode=True)[:100]
    obj = Tag.objects.filter(slug=slug).first() if slug else None
    if obj is None:
        obj = Tag.objects.filter(name__iexact=name[:100]).first()
    if obj is None:
        obj = Tag(name=name[:100] or slug, slug=slug or None)
        obj.save()
        counts["tag created"] += 1
    return obj


@dataclasses.dataclass
class BaseSummary:
    """What an import did: counts by name, and warnings for the person who runs it."""

    dry_run: bool = False
    counts: Counter = dataclasses.field(default_factory=Counter)
    warnings: list = dataclasses.field(default_factory=list)

    def warn(self, message):
        self.warnings.append(message)

    def warning_lines(self):
        return [f"Warnings: {len(self.warnings)}", *(f"  - {w}" for w in self.warnings)]


class ProgressBar:
    """A bar on the command's stderr, redrawn in place on a terminal, a line per step elsewhere."""

    def __init__(self, stream, unit="items", every=20):
        self.stream, self.unit, self.every = stream, unit, every
        self.shown = False

    def __call__(self, done, total):
        if done % self.every and done != total:
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        ending = "" if getattr(self.stream, "isatty", lambda: False)() else "\n"
        self.stream.write(f"\r[{bar}] {done}/{total} {self.unit}", ending=ending)
        self.shown = ending == ""
        sys.stderr.flush()

    def finish(self):
        if self.shown:
            self.stream.write("")
