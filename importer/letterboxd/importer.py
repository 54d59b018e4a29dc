"""Importing a Letterboxd export: each review a draft post with its documentary and rating.

The whole export is read and checked first (files.py), then written in one transaction. Every
review is remembered in `LetterboxdEntry` under its Letterboxd address, so running the import
again changes nothing and a newer export adds only its new entries. Posts the reviewer already
edited are never touched.
"""

import datetime
from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.utils import timezone
from django.utils.text import slugify

from blog.models import Post
from importer import common
from importer.models import LetterboxdEntry
from reviews.models import Review

from .files import LetterboxdFileError, read_export
from .summary import Summary
from .text import review_body


class LetterboxdImportError(common.ImportFailed):
    """The export cannot be imported; the message says why."""


def default_author():
    """The first superuser: who an import from the command line is written by, unless told."""
    return get_user_model()._default_manager.filter(is_superuser=True).order_by("pk").first()


class LetterboxdImporter:
    def __init__(
        self,
        source,
        *,
        author,
        name=None,
        publish=False,
        keep_ratings=False,
        dry_run=False,
        progress=None,
    ):
        self.source, self.name = source, name
        self.author = author
        self.publish, self.keep_ratings, self.dry_run = publish, keep_ratings, dry_run
        self.progress = progress or (lambda done, total: None)
        self.summary = Summary(dry_run=dry_run, publish=publish, keep_ratings=keep_ratings)
        self._documentaries = {}  # (title, year) -> documentary, once per film

    def run(self):
        label = self.name or getattr(self.source, "name", None) or str(self.source)
        self.summary.source = label
        try:
            entries = read_export(self.source, name=self.name)
        except LetterboxdFileError as exc:
            raise LetterboxdImportError(f"{exc}. Nothing was imported.") from exc
        except OSError as exc:
            raise LetterboxdImportError(
                f"{label}: {exc.strerror or exc}. Nothing was imported."
            ) from exc
        if self.author is None:
            raise LetterboxdImportError(
                "No author for the posts: create a superuser or name one. Nothing was imported."
            )
        reviews = [e for e in entries if e.kind == "review"]
        unreviewed = self._without_review(entries, reviews)
        self.summary.counts["watched only"] = self._watched_only(entries, reviews, unreviewed)
        total = len(reviews) + len(unreviewed)
        per_film = Counter(e.film for e in reviews)
        self.summary.several = sorted(
            {f"{e.label}: {per_film[e.film]} reviews" for e in reviews if per_film[e.film] > 1}
        )
        with common.one_transaction(dry_run=self.dry_run):
            known = self._known_keys()
            done = 0
            for entry, nth in self._numbered(reviews):
                done += 1
                self.progress(done, total)
                self._guarded(entry, self._import_review, entry, nth, known)
            for entry in unreviewed:
                done += 1
                self.progress(done, total)
                self._guarded(entry, self._import_rating, entry, known)
        return self.summary

    def _guarded(self, entry, work, *args):
        try:
            work(*args)
        except (DatabaseError, ValueError) as exc:
            raise LetterboxdImportError(
                f"{entry.where} “{entry.label}” could not be imported ({exc}). "
                "Nothing was imported."
            ) from exc

    # What the export holds ----------------------------------------------------------------

    @staticmethod
    def _numbered(reviews):
        """Each review with its place among the reviews of the same film (1, 2, …)."""
        seen = defaultdict(int)
        ordered = sorted(reviews, key=lambda e: e.watched_on or e.logged_on or datetime.date.min)
        numbers = {}
        for entry in ordered:
            seen[entry.film] += 1
            numbers[id(entry)] = seen[entry.film]
        return [(entry, numbers[id(entry)]) for entry in reviews]

    @staticmethod
    def _without_review(entries, reviews):
        """One entry per film rated or logged without any review: the rating and last watch."""
        reviewed = {e.film for e in reviews}
        films = {}
        for entry in entries:
            if entry.kind not in ("rating", "diary") or entry.film in reviewed:
                continue
            kept = films.setdefault(entry.film, entry)
            if entry.kind == "rating" and entry.rating is not None:
                kept.rating = entry.rating  # ratings.csv holds the current rating
            elif kept.rating is None:
                kept.rating = entry.rating
            if entry.watched_on and (not kept.watched_on or entry.watched_on > kept.watched_on):
                kept.watched_on = entry.watched_on
        return list(films.values())

    @staticmethod
    def _watched_only(entries, reviews, unreviewed):
        listed = {e.film for e in reviews} | {e.film for e in unreviewed}
        return len({e.film for e in entries if e.kind == "watched"} - listed)

    @staticmethod
    def review_key(entry):
        if entry.uri:
            return entry.uri
        dates = f"{entry.watched_on or ''}|{entry.logged_on or ''}"
        return f"{entry.name.casefold()}|{entry.year or ''}|{dates}|{entry.rewatch}"

    @staticmethod
    def rating_key(entry):
        return f"{entry.name.casefold()}|{entry.year or ''}"

    def _known_keys(self):
        return set(LetterboxdEntry.objects.values_list("kind", "key"))

    # Reviews ------------------------------------------------------------------------------

    def _import_review(self, entry, nth, known):
        s = self.summary
        key = self.review_key(entry)
        if entry.rewatch:
            s.rewatches.append(f"{entry.label}, watched {entry.watched_on or entry.logged_on}")
        if (LetterboxdEntry.Kind.REVIEW, key) in known:
            s.counts["review unchanged"] += 1
            return
        known.add((LetterboxdEntry.Kind.REVIEW, key))
        documentary = self._documentary(entry)
        earlier = Review.objects.filter(documentary=documentary).select_related("post").first()
        if earlier is not None and nth == 1:
            s.warn(
                f"{entry.label}: already reviewed here in “{earlier.post.title}”; "
                "the Letterboxd review is a post of its own"
            )
        post = Post(
            title=self._title(entry, nth)[:300],
            author=self.author,
            body=review_body(entry.review),
            status=Post.Status.DRAFT,
        )
        if self.publish:
            post.status = Post.Status.PUBLISHED
            post.published_at = self._published_at(entry)
            post.slug = self._free_slug(post)
        post.save()
        post.tags.set([common.tag(name, counts=s.counts) for name in entry.tags])
        if entry.rating is not None:
            Review.objects.create(
                post=post, documentary=documentary, rating=entry.rating, watched_on=entry.watched_on
            )
        else:
            s.warn(
                f"{entry.label}: no rating on Letterboxd, so the post has no review box yet "
                "(add the rating in the admin)"
            )
        LetterboxdEntry.objects.create(
            kind=LetterboxdEntry.Kind.REVIEW,
            key=key,
            title=entry.name,
            year=entry.year,
            rating=entry.rating,
            watched_on=entry.watched_on,
            logged_on=entry.logged_on,
            rewatch=entry.rewatch,
            post=post,
            documentary=documentary,
        )
        s.counts["review created"] += 1

    def _documentary(self, entry):
        if entry.film not in self._documentaries:
            self._documentaries[entry.film] = common.documentary_for(
                entry.name, entry.year, counts=self.summary.counts, directors=entry.directors
            )
        return self._documentaries[entry.film]

    @staticmethod
    def _title(entry, nth):
        if entry.rewatch:
            return f"{entry.label}, rewatched"
        return f"{entry.label}, review {nth}" if nth > 1 else entry.label

    @staticmethod
    def _published_at(entry):
        day = entry.logged_on or entry.watched_on
        if day is None:
            return timezone.now()
        # Noon on the day it was logged, here: the post keeps Letterboxd's date.
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

    @staticmethod
    def _free_slug(post):
        base = slugify(post.title, allow_unicode=True)[:190] or "review"
        day = timezone.localtime(post.published_at).date()
        slug, n = base, 1
        while Post.objects.filter(published_on=day, slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    # Ratings and diary entries without a review --------------------------------------------

    def _import_rating(self, entry, known):
        s = self.summary
        key = self.rating_key(entry)
        if (LetterboxdEntry.Kind.RATING, key) in known:
            s.counts["rating unchanged"] += 1
            return
        s.unreviewed.append(entry)
        if not self.keep_ratings:
            return
        known.add((LetterboxdEntry.Kind.RATING, key))
        documentary = self._documentary(entry)
        LetterboxdEntry.objects.create(
            kind=LetterboxdEntry.Kind.RATING,
            key=key,
            title=entry.name,
            year=entry.year,
            rating=entry.rating,
            watched_on=entry.watched_on,
            logged_on=entry.logged_on,
            documentary=documentary,
        )
        s.counts["rating kept"] += 1
