"""Importing a WordPress export: posts, pages, terms, people, comments, reviews and images.

Everything happens in one transaction, so a file that breaks halfway imports nothing. Every
WordPress object is remembered in `WordPressItem` with a digest of what was read, so a second
run of the same file updates what changed and leaves the rest alone.
"""

import dataclasses
import datetime
import hashlib
import html
import ipaddress
import json
import re
import urllib.parse
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_comments_xtd.models import XtdComment, max_thread_level_for_content_type

from blog.markup import html_to_text, render_markdown
from blog.models import Category, Challenge, Page, Post, Tag
from reviews.models import Company, Documentary, Person, Review, StreamingService

from . import convert, recognize, wxr
from .models import WordPressItem

# Part of every digest: a new importer version re-imports what it converts differently.
IMPORTER_VERSION = "1"
CHALLENGE_NAME = "Blogging from A to Z"
COMMENT_STATES = {"1": "public", "0": "pending", "spam": "spam", "trash": "removed"}
MODERATION_STATUS = {
    "public": "approved",
    "pending": "pending",
    "spam": "spam",
    "removed": "removed",
}
COMMENT_TYPES = {"comment", "pingback", "trackback"}


class WordPressImportError(Exception):
    """The export cannot be imported; the message says why."""


class _DryRun(Exception):
    pass


def _digest(*parts):
    raw = json.dumps([IMPORTER_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _old_path(link):
    """The path of a WordPress permalink; None for '/?p=12' style links."""
    parts = urllib.parse.urlsplit(link or "")
    if parts.query or not parts.path or parts.path == "/":
        return None
    return urllib.parse.unquote(parts.path)


def _clean_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _slug(value):
    """A slug our addresses accept: WordPress's, less what \\w does not match (emoji)."""
    return slugify(value or "", allow_unicode=True)


def _title(value):
    return html.unescape(recognize.plain(value))[:300]


@dataclasses.dataclass
class Summary:
    source: str = ""
    title: str = ""
    version: str = ""
    dry_run: bool = False
    counts: Counter = dataclasses.field(default_factory=Counter)
    warnings: list = dataclasses.field(default_factory=list)
    unrecognised: list = dataclasses.field(default_factory=list)
    kept_urls: list = dataclasses.field(default_factory=list)
    sticky: list = dataclasses.field(default_factory=list)

    def warn(self, message):
        self.warnings.append(message)

    def lines(self):
        c = self.counts
        head = f'WordPress import of "{self.title}" ({self.source}, WXR {self.version})'
        out = [head + (": DRY RUN, nothing was saved" if self.dry_run else "")]

        def row(label, kind, extra=""):
            out.append(
                f"{label}: {c[kind + ' created']} created, {c[kind + ' updated']} updated, "
                f"{c[kind + ' unchanged']} unchanged{extra}"
            )

        row(
            "Posts",
            "post",
            f" (published {c['post published']}, scheduled {c['post scheduled']}, "
            f"drafts {c['post draft']}, private as drafts {c['post private']})",
        )
        row("Pages", "page")
        row(
            "Comments",
            "comment",
            f" (public {c['comment public']}, pending {c['comment pending']}, "
            f"spam {c['comment spam']}, removed {c['comment removed']}, "
            f"hidden under those {c['comment hidden']}; "
            f"pingbacks {c['comment pingback']}, trackbacks {c['comment trackback']})",
        )
        out.append(
            f"Reviews recognised: {c['review']} (documentaries created "
            f"{c['documentary created']}); A-to-Z entries: {c['challenge entry']}"
        )
        out.append(
            f"Categories: {c['category created']} created; tags: {c['tag created']} created; "
            f"authors: {c['author matched']} matched, {c['author created']} created"
        )
        out.append(
            f"Images: {c['image copied']} copied, {c['image reused']} already here, "
            f"{len(self.kept_urls)} kept at their WordPress address"
        )
        if self.sticky:
            out.append(
                "Sticky posts (no such thing here; kept in the import record): "
                + ", ".join(self.sticky)
            )
        skipped = sorted(k for k in c if k.startswith("skipped "))
        if skipped:
            out.append("Skipped: " + ", ".join(f"{c[k]} {k[8:]}" for k in skipped))
        if self.unrecognised:
            out.append(f"Review lines not recognised ({len(self.unrecognised)}), kept as text:")
            out.extend(f"  - {line}" for line in self.unrecognised)
        if self.kept_urls:
            out.append(f"Images still at their WordPress address ({len(self.kept_urls)}):")
            out.extend(f"  - {url}" for url in self.kept_urls)
        out.append(f"Warnings: {len(self.warnings)}")
        out.extend(f"  - {warning}" for warning in self.warnings)
        return out


class WordPressImporter:
    def __init__(self, path, *, media_dir=None, dry_run=False, progress=None):
        self.path = Path(path)
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.summary = Summary(dry_run=dry_run)
        self.written_files = []
        self._users = {}
        self._terms = {}  # ("category"|"tag", slug) -> object
        self._images = {}  # upload path -> our URL (or None)
        self._challenges = {}
        self._new_records, self._new_moderations, self._new_details = [], [], []
        self._moderation_fields = []

    # The run -----------------------------------------------------------------------------

    def run(self):
        try:
            self.export = wxr.read_export(self.path)
        except wxr.WXRError as exc:
            raise WordPressImportError(f"{self.path.name}: {exc}. Nothing was imported.") from exc
        except OSError as exc:
            raise WordPressImportError(
                f"{self.path}: {exc.strerror or exc}. Nothing was imported."
            ) from exc
        s = self.summary
        s.source, s.title, s.version = self.export.source, self.export.title, self.export.version
        if not s.source:
            raise WordPressImportError(
                f"{self.path.name}: the export names no site (<wp:base_site_url> or <link>). "
                "Nothing was imported."
            )
        self.source = s.source[:200]
        self.post_type = ContentType.objects.get_for_model(Post)
        self.comment_type = ContentType.objects.get_for_model(XtdComment)
        self.moderation_model = self._moderation_model()
        self.details_model = self._details_model()
        self.max_level = max_thread_level_for_content_type(self.post_type)
        self.known_services = list(StreamingService.objects.values_list("name", flat=True))
        try:
            with transaction.atomic():
                self._import_terms()
                self._import_attachments()
                for done, item in enumerate(wxr.iter_items(self.path), start=1):
                    self.progress(done, self.export.item_count)
                    try:
                        self._import_item(item)
                    except (DatabaseError, ValidationError, ValueError) as exc:
                        raise WordPressImportError(
                            f"{self.path.name}: {item.type} {item.id} "
                            f"“{_title(item.title)}” could not be imported ({exc}). "
                            "Nothing was imported."
                        ) from exc
                if self.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except wxr.WXRError as exc:
            self._remove_written_files()
            raise WordPressImportError(f"{self.path.name}: {exc}. Nothing was imported.") from exc
        except Exception:
            self._remove_written_files()
            raise
        return s

    def _remove_written_files(self):
        for name in self.written_files:
            if default_storage.exists(name):
                default_storage.delete(name)

    def _import_item(self, item):
        if item.type == "post":
            self._import_post(item)
        elif item.type == "page":
            self._import_page(item)
        elif item.type != "attachment":
            self.summary.counts[f"skipped {item.type}"] += 1

    # Records -----------------------------------------------------------------------------

    def _record(self, kind, wp_id):
        return (
            WordPressItem.objects.filter(source=self.source, kind=kind, wp_id=str(wp_id))
            .select_related("content_type")
            .first()
        )

    def _save_record(self, record, kind, wp_id, obj, *, digest="", old_path=None, data=None):
        record = record or WordPressItem(source=self.source, kind=kind, wp_id=str(wp_id)[:255])
        if obj is not None:
            record.content_type = ContentType.objects.get_for_model(obj)
            record.object_id = obj.pk
        record.digest = digest
        record.old_path = (old_path or "")[:500]
        record.data = data or {}
        record.save()
        return record

    @staticmethod
    def _target(record, model):
        if record is None or record.object_id is None:
            return None
        return model._default_manager.filter(pk=record.object_id).first()

    # People and terms --------------------------------------------------------------------

    def _user(self, login):
        if login in self._users:
            return self._users[login]
        author = self.export.authors.get(login) or wxr.Author(id="", login=login)
        users = get_user_model()._default_manager
        record = self._record("author", login)
        user = self._target(record, get_user_model())
        if user is None and login:
            user = users.filter(username=login[:150]).first()
        if user is None and author.email:
            user = users.filter(email__iexact=author.email).order_by("pk").first()
        if user is not None:
            self.summary.counts["author matched"] += 1
        else:
            username = (login or slugify(author.display_name) or "wordpress")[:150]
            base, n = username, 1
            while users.filter(username=username).exists():
                n += 1
                username = f"{base[:140]}-{n}"
            user = users.model(
                username=username,
                email=author.email,
                first_name=author.first_name[:150] or author.display_name[:150],
                last_name=author.last_name[:150],
            )
            user.set_unusable_password()
            user.save()
            self.summary.counts["author created"] += 1
            self.summary.warn(
                f'author "{login}" created as user "{username}" without a password '
                "(set one, or log in through password reset)"
            )
        if record is None:
            self._save_record(None, "author", login, user, data={"email": author.email})
        self._users[login] = user
        return user

    def _import_terms(self):
        categories = [t for t in self.export.terms if t.kind == "category"]
        for term in self.export.terms:
            self._term(term.kind, term.slug, term.name, term.term_id, term.description)
        for term in categories:
            if term.parent_slug:
                child = self._terms.get(("category", term.slug[:100]))
                parent = self._terms.get(("category", term.parent_slug[:100]))
                if child and parent and child.parent_id != parent.pk and parent.pk != child.pk:
                    child.parent = parent
                    child.save(update_fields=["parent"])
        # WordPress nests child categories in their address: /category/parent/child/.
        by_slug = {t.slug: t for t in categories}
        for term in categories:
            chain, seen, current = [], set(), term
            while current and current.slug not in seen:
                seen.add(current.slug)
                chain.insert(0, current.slug)
                current = by_slug.get(current.parent_slug)
            record = self._record("category", term.term_id or term.slug)
            path = "/category/" + "/".join(chain) + "/"
            if record and record.old_path != path:
                record.old_path = path
                record.save(update_fields=["old_path", "updated_at"])

    def _term(self, kind, slug, name, term_id="", description=""):
        slug = _slug(slug or name)[:100]
        key = (kind, slug)
        if key in self._terms:
            return self._terms[key]
        model = Category if kind == "category" else Tag
        record = self._record(kind, term_id or slug)
        obj = self._target(record, model)
        if obj is None:
            obj = model.objects.filter(slug=slug).first()
            if obj is None and kind == "tag":
                obj = Tag.objects.filter(name__iexact=name[:100]).first()
            if obj is None:
                fields = {"name": name[:100] or slug, "slug": slug or None}
                if kind == "category":
                    fields["description"] = description
                obj = model(**fields)
                obj.save()
                self.summary.counts[f"{kind} created"] += 1
        if record is None:
            old = f"/tag/{slug}/" if kind == "tag" else f"/category/{slug}/"
            self._save_record(None, kind, term_id or slug, obj, old_path=old)
        self._terms[key] = obj
        return obj

    # Attachments and images --------------------------------------------------------------

    def _import_attachments(self):
        for attachment in self.export.attachments.values():
            record = self._record("attachment", attachment.id)
            url = self._image_url(attachment.attachment_url, alt=_title(attachment.title))
            data = {"url": url or "", "original": attachment.attachment_url}
            # Its attachment page (…/post-slug/image-name/) leads to the copied image.
            old_path = _old_path(attachment.link) if url else None
            if record is None or record.data != data or record.old_path != (old_path or ""):
                self._save_record(
                    record, "attachment", attachment.id, None, old_path=old_path, data=data
                )

    def _media_file(self, upload):
        for candidate in (upload, convert.original_upload_path(upload)):
            for base in ("", "wp-content/uploads", "uploads"):
                path = (self.media_dir / base / candidate).resolve()
                if path.is_file() and path.is_relative_to(self.media_dir):
                    return candidate, path
        return None, None

    def _image_url(self, url, *, alt="", post=None):
        """Our address for a WordPress image; None (and listed) when it stays where it was."""
        upload = convert.upload_path(url) if url else None
        if upload is None:
            return None
        if upload in self._images:
            return self._images[upload]
        result = None
        if self.media_dir is None:
            self._keep(url)
        else:
            found, path = self._media_file(upload)
            if path is None:
                self.summary.warn(f"image not found in the media folder: {upload}")
                self._keep(url)
            else:
                result = self._copy_image(found, path, alt=alt, post=post, url=url)
        self._images[upload] = result
        return result

    def _keep(self, url):
        if url not in self.summary.kept_urls:
            self.summary.kept_urls.append(url)

    def _copy_image(self, upload, path, *, alt, post, url):
        record = self._record("file", upload)
        old_path = urllib.parse.urlsplit(url).path
        if record and record.data.get("url") and default_storage.exists(record.data["name"]):
            self.summary.counts["image reused"] += 1
            return record.data["url"]
        if self.dry_run:
            self.summary.counts["image copied"] += 1
            return None
        try:
            image_model = apps.get_model("blog", "Image")
        except LookupError:
            image_model = None
        with path.open("rb") as handle:
            file = File(handle, name=path.name)
            try:
                from blog.images import validate_image

                validate_image(file)
            except ImportError:
                pass
            except ValidationError as exc:
                self.summary.warn(f"image {upload} refused: {' '.join(exc.messages)}")
                self._keep(url)
                return None
            if image_model is not None:
                file.name = f"wordpress-{path.name}"
                image = image_model(post=post, alt=alt[:300] or path.stem, file=file)
                image.save()  # stores the file and makes its renditions
                self.written_files.append(image.file.name)
                self.written_files.extend(r.get("name") for r in image.renditions or ())
                our_url = getattr(image, "display_url", image.file.url)
                name, obj = image.file.name, image
            else:
                name = default_storage.save(f"wordpress/{upload}", file)
                self.written_files.append(name)
                our_url, obj = default_storage.url(name), None
        self.summary.counts["image copied"] += 1
        self._save_record(
            record,
            "file",
            upload,
            obj,
            old_path=old_path,
            data={"url": our_url, "name": name, "original": url},
        )
        return our_url

    def _featured_image(self, item):
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if not thumbnail.isdigit():
            return None, None
        attachment = self.export.attachments.get(int(thumbnail))
        if attachment is None:
            self.summary.warn(f"post {item.id}: featured image {thumbnail} is not in the export")
            return None, None
        return attachment, self._image_url(attachment.attachment_url, alt=_title(attachment.title))

    def _gallery_images(self, item):
        def images(ids):
            if ids:
                chosen = [self.export.attachments.get(int(i)) for i in ids if i.isdigit()]
            else:
                chosen = [a for a in self.export.attachments.values() if a.parent == item.id]
            urls = []
            for attachment in chosen:
                if attachment is not None and attachment.attachment_url:
                    urls.append(attachment.attachment_url)
            return urls

        return images

    def _convert(self, item, content):
        conversion = convert.convert_content(content, gallery_images=self._gallery_images(item))
        mapping = {}
        for url in conversion.images:
            ours = self._image_url(url)
            if ours:
                mapping[url] = ours
        # Links around images point at the full-size file; follow them to our copy too.
        for url in re.findall(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)""", conversion.body):
            url = html.unescape(url)
            upload = convert.upload_path(url)
            if upload and upload in self._images and self._images[upload]:
                mapping[url] = self._images[upload]
        if mapping:
            conversion.body = convert.replace_image_urls(conversion.body, mapping)
        for name in conversion.unknown_shortcodes:
            self.summary.warn(
                f'{item.type} {item.id} "{_title(item.title)}": unknown '
                f"shortcode [{name}] kept as text"
            )
        return conversion

    # Posts -------------------------------------------------------------------------------

    def _post_status(self, item):
        """(our status, published_at, what to count) for a WordPress status."""
        when = item.date_gmt
        if when is None and item.date_local is not None:
            when = item.date_local.replace(tzinfo=datetime.UTC)
        status = item.status
        label = _title(item.title) or f"#{item.id}"
        if item.password.strip():
            self.summary.warn(f'post {item.id} "{label}": password protected, imported as a draft')
            return Post.Status.DRAFT, when, "draft"
        if status == "publish":
            return Post.Status.PUBLISHED, when or timezone.now(), "published"
        if status == "future":
            return Post.Status.PUBLISHED, when or timezone.now(), "scheduled"
        if status == "private":
            self.summary.warn(f'post {item.id} "{label}": private, imported as a draft')
            return Post.Status.DRAFT, when, "private"
        if status not in ("draft", "pending", "auto-draft"):
            self.summary.warn(f'post {item.id} "{label}": status "{status}" imported as a draft')
        return Post.Status.DRAFT, (when if status != "auto-draft" else None), "draft"

    def _import_post(self, item):
        if item.status in ("trash", "inherit"):
            self.summary.counts[f"skipped {item.status} post"] += 1
            return
        s = self.summary
        record = self._record("post", item.id)
        post = self._target(record, Post)
        item_data = dataclasses.asdict(item)
        item_data.pop("comments")
        digest = _digest(item_data, bool(self.media_dir))
        status, published_at, label = self._post_status(item)
        if post is not None and record.digest == digest:
            s.counts["post unchanged"] += 1
            s.counts[f"post {label}"] += 1
            s.counts["review"] += bool(record.data.get("review"))
            s.counts["challenge entry"] += bool(record.data.get("letter"))
            s.unrecognised.extend(
                f'post {item.id} "{post.title}": {line}'
                for line in record.data.get("unrecognised", [])
            )
            if item.sticky:
                s.sticky.append(post.title)
            self._import_comments(item, post)
            return

        title = _title(item.title) or f"Untitled ({item.id})"
        slug = (_slug(item.slug) or _slug(title) or f"post-{item.id}")[:200]
        day = timezone.localtime(published_at).date() if published_at else None
        if post is None and day:
            post = Post.objects.filter(published_on=day, slug=slug).first()
            if post is not None:
                if WordPressItem.objects.filter(
                    kind="post", content_type=self.post_type, object_id=post.pk
                ).exists():
                    slug = self._free_slug(slug, day)
                    post = None
                else:
                    s.warn(f'post {item.id} "{title}": took over the existing post at {slug}')
        created = post is None
        post = post or Post()

        found = recognize.find_review(item.content, title, self.known_services)
        s.unrecognised.extend(f'post {item.id} "{title}": {line}' for line in found.unrecognised)
        conversion = self._convert(item, found.content)
        attachment, featured_url = self._featured_image(item)
        body = conversion.body
        if featured_url and not found.is_review and featured_url not in body:
            alt = html.escape(_title(attachment.title))
            body = f'<figure><img src="{html.escape(featured_url)}" alt="{alt}"></figure>\n\n{body}'

        post.title = title
        post.slug = slug
        post.author = self._user(item.creator)
        post.body = body
        excerpt_source = item.excerpt.strip() or conversion.excerpt_html
        post.excerpt = html_to_text(render_markdown(convert.autop(excerpt_source)))
        post.status = status
        post.published_at = published_at
        post.allow_comments = item.comment_status != "closed"
        letter = recognize.find_challenge_letter(item.title, item.content)
        post.challenge, post.challenge_letter = self._challenge(item, post, letter, published_at)
        if created and day:
            clash = Post.objects.filter(published_on=day, slug=slug).exclude(pk=post.pk)
            if clash.exists():
                post.slug = self._free_slug(slug, day)
        post.save()
        post.tags.set(self._item_terms(item, "post_tag", "tag"))
        post.categories.set(self._item_terms(item, "category", "category"))

        if found.is_review:
            self._review(post, found, featured_url, attachment)
        s.counts["post created" if created else "post updated"] += 1
        s.counts[f"post {label}"] += 1
        if item.sticky:
            s.sticky.append(title)
        old = _old_path(item.link)
        self._save_record(
            record,
            "post",
            item.id,
            post,
            digest=digest,
            old_path=old,
            data={
                "sticky": item.sticky,
                "status": item.status,
                "link": item.link,
                "review": found.is_review,
                "letter": post.challenge_letter,
                "unrecognised": found.unrecognised,
            },
        )
        self._import_comments(item, post)

    def _free_slug(self, slug, day):
        n = 2
        while Post.objects.filter(published_on=day, slug=f"{slug[:190]}-{n}").exists():
            n += 1
        return f"{slug[:190]}-{n}"

    def _item_terms(self, item, domain, kind):
        return [
            self._term(kind, nicename, name)
            for item_domain, nicename, name in item.terms
            if item_domain == domain and (nicename or name)
        ]

    def _challenge(self, item, post, letter, published_at):
        if not letter:
            if recognize.CHALLENGE_TAG_RE.search(item.title):
                self.summary.warn(
                    f'post {item.id} "{_title(item.title)}": #atozchallenge without '
                    "“my entry for “X”” in the text: no letter set"
                )
            return None, ""
        when = published_at or (
            item.date_local.replace(tzinfo=datetime.UTC) if item.date_local else None
        )
        if when is None:
            return None, ""
        year = timezone.localtime(when).year
        challenge = self._challenges.get(year)
        if challenge is None:
            challenge = Challenge.objects.get_or_create(
                name=CHALLENGE_NAME, year=year, defaults={"hashtag": "atozchallenge"}
            )[0]
            self._challenges[year] = challenge
        taken = Post.objects.filter(challenge=challenge, challenge_letter=letter)
        if post.pk:
            taken = taken.exclude(pk=post.pk)
        if taken.exists():
            self.summary.warn(
                f'post {item.id} "{_title(item.title)}": {year} already has a post for “{letter}”'
            )
            return None, ""
        self.summary.counts["challenge entry"] += 1
        return challenge, letter

    def _review(self, post, found, featured_url, attachment):
        s = self.summary
        documentary = self._documentary(found)
        if featured_url and not documentary.poster:
            file_record = self._record("file", convert.upload_path(attachment.attachment_url))
            if file_record and file_record.data.get("name"):
                documentary.poster = file_record.data["name"]
                documentary.save()
        services = [self._service(name) for name in found.services]
        review = Review.objects.filter(post=post).first() or Review(post=post)
        review.documentary = documentary
        review.rating = found.rating
        review.watched_via = found.watched_via
        review.watched_service = services[0] if services else None
        review.lessons = found.lessons
        review.also_like = found.also_like
        review.save()
        review.also_available_on.set(services[1:])
        s.counts["review"] += 1
        return review

    def _documentary(self, found):
        year = found.release_year
        slug = slugify(f"{found.title} {year or ''}", allow_unicode=True)[:200]
        documentary = Documentary.objects.filter(slug=slug).first()
        if documentary is None:
            same = Documentary.objects.filter(title__iexact=found.title)
            documentary = (same.filter(release_year=year) if year else same).first()
        if documentary is None:
            documentary = Documentary(title=found.title, slug=slug)
            self.summary.counts["documentary created"] += 1
        if found.release_date and not documentary.release_date:
            documentary.release_date = found.release_date
        if year and not documentary.release_year:
            documentary.release_year = year
        documentary.save()
        for name in found.directors:
            documentary.directors.add(self._named(Person, name))
        for name in found.companies:
            documentary.production_companies.add(self._named(Company, name))
        return documentary

    @staticmethod
    def _named(model, name):
        name = name[:200]
        obj = model.objects.filter(name__iexact=name).first()
        if obj is None:
            slug = slugify(name, allow_unicode=True)[:200] or "unnamed"
            obj = model.objects.filter(slug=slug).first() or model.objects.create(
                name=name, slug=slug
            )
        return obj

    def _service(self, name):
        service = self._named(StreamingService, name)
        if name not in self.known_services:
            self.known_services.append(name)
        return service

    # Pages -------------------------------------------------------------------------------

    def _import_page(self, item):
        if item.status in ("trash", "inherit", "auto-draft"):
            self.summary.counts[f"skipped {item.status} page"] += 1
            return
        s = self.summary
        record = self._record("page", item.id)
        page = self._target(record, Page)
        digest = _digest(dataclasses.asdict(item), bool(self.media_dir))
        if page is not None and record.digest == digest:
            s.counts["page unchanged"] += 1
            return
        title = _title(item.title) or f"Untitled ({item.id})"
        slug = (_slug(item.slug) or _slug(title) or f"page-{item.id}")[:200]
        if page is None:
            page = Page.objects.filter(slug=slug).first()
            claimed = (
                page is not None
                and WordPressItem.objects.filter(
                    kind="page",
                    content_type=ContentType.objects.get_for_model(Page),
                    object_id=page.pk,
                ).exists()
            )
            if claimed:
                n = 2
                while Page.objects.filter(slug=f"{slug[:190]}-{n}").exists():
                    n += 1
                slug, page = f"{slug[:190]}-{n}", None
            elif page is not None:
                s.warn(f'page {item.id} "{title}": took over the existing page /{slug}/')
        created = page is None
        page = page or Page()
        if item.status != "publish":
            s.warn(f'page {item.id} "{title}": status "{item.status}" imported as a draft')
        if item.comments:
            s.warn(
                f'page {item.id} "{title}": {len(item.comments)} comments not imported '
                "(pages have no comments here)"
            )
        page.title = title
        page.slug = slug
        page.body = self._convert(item, item.content).body
        page.status = Page.Status.PUBLISHED if item.status == "publish" else Page.Status.DRAFT
        page.published_at = item.date_gmt or page.published_at
        page.save()
        s.counts["page created" if created else "page updated"] += 1
        self._save_record(
            record,
            "page",
            item.id,
            page,
            digest=digest,
            old_path=_old_path(item.link),
            data={"status": item.status, "link": item.link},
        )

    # Comments ----------------------------------------------------------------------------

    def _import_comments(self, item, post):
        if not item.comments:
            return
        by_id = {c.id: c for c in item.comments}
        ordered, seen = [], set()

        def visit(comment):
            if comment.id in seen:
                return
            seen.add(comment.id)
            parent = by_id.get(comment.parent)
            if parent is not None:
                visit(parent)
            ordered.append(comment)

        earliest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        for comment in sorted(item.comments, key=lambda c: (c.date_gmt or earliest, c.id)):
            visit(comment)

        records = {
            r.wp_id: r
            for r in WordPressItem.objects.filter(
                source=self.source, kind="comment", wp_id__in=[str(c.id) for c in ordered]
            )
        }
        existing = XtdComment.objects.in_bulk(
            [r.object_id for r in records.values() if r.object_id]
        )
        # A post whose comments all arrive now gets its threads computed here in one pass;
        # new comments joining threads already here go through xtd's own save, one by one.
        self._whole_tree = not existing
        self._by_pk = dict(existing)
        ours = {}  # WordPress comment id -> our comment
        states = {}
        for comment in ordered:
            record = records.get(str(comment.id))
            obj = existing.get(record.object_id) if record else None
            states[comment.id] = self._comment_state(item, comment)
            ours[comment.id] = self._import_comment(
                item, post, comment, states[comment.id], record, obj, ours
            )
            self._by_pk[ours[comment.id].pk] = ours[comment.id]
        if self._whole_tree:
            self._number_threads([ours[c.id] for c in ordered])
        self._flush_new_comments()
        self._hide_under_hidden(item, ordered, ours, states)

    @staticmethod
    def _number_threads(comments):
        """Thread fields as xtd's save would give comments posted one by one in this order.

        xtd keeps each thread in pre-order: a reply goes after the last comment of the subtree
        it answers, so `order` numbers the thread depth-first with replies by date; `level` is
        the depth, `nested_count` the number of replies below, `thread_id` the top comment.
        """
        children = {}
        roots = []
        for obj in comments:  # parents come before their replies, replies by date
            if obj.parent_id:
                children.setdefault(obj.parent_id, []).append(obj)
            else:
                roots.append(obj)

        def walk(obj, thread_id, level, counter):
            obj.thread_id, obj.level = thread_id, level
            obj.order = counter[0]
            counter[0] += 1
            below = 0
            for child in children.get(obj.pk, ()):
                below += 1 + walk(child, thread_id, level + 1, counter)
            obj.nested_count = below
            return below

        for root in roots:
            root.parent_id = root.pk
            walk(root, root.pk, 0, [1])
        XtdComment.objects.bulk_update(
            comments, ["thread_id", "parent_id", "level", "order", "nested_count"], batch_size=500
        )

    def _hide_under_hidden(self, item, ordered, ours, states):
        """Replies under a hidden comment are hidden too, as xtd does when one is unpublished.

        Each comment first gets its own WordPress state; a reply whose parent (or any
        ancestor) is pending, spam or removed is then taken out of the public thread.
        """
        visible = {}  # our pk -> shown
        by_pk = {obj.pk: wp_id for wp_id, obj in ours.items()}
        for comment in ordered:
            obj = ours[comment.id]
            own = states[comment.id][0] == "public"
            parent_pk = obj.parent_id if obj.parent_id != obj.pk else None
            shown = (own and visible.get(parent_pk, True)) if parent_pk else own
            visible[obj.pk] = shown
            if own and not shown:
                self.summary.counts["comment public"] -= 1
                self.summary.counts["comment hidden"] += 1
                parent_wp = by_pk.get(parent_pk)
                self.summary.warn(
                    f"comment {comment.id} on post {item.id}: approved, but hidden with "
                    f"the comment it answers ({parent_wp})"
                )
            if obj.is_public != shown:
                XtdComment.norel_objects.filter(pk=obj.pk).update(is_public=shown)
                obj.is_public = shown

    def _comment_state(self, item, comment):
        state = COMMENT_STATES.get(comment.approved)
        if state is None:
            state = "removed" if "trash" in comment.approved else "pending"
            self.summary.warn(
                f'comment {comment.id} on post {item.id}: approval "{comment.approved}" '
                f"imported as {state}"
            )
        kind = comment.type if comment.type in COMMENT_TYPES else "comment"
        if comment.type not in COMMENT_TYPES:
            self.summary.warn(
                f'comment {comment.id} on post {item.id}: unknown type "{comment.type}" '
                "imported as a comment"
            )
        return state, kind

    def _import_comment(self, item, post, comment, state_kind, record, obj, ours):
        s = self.summary
        state, kind = state_kind
        digest = _digest(dataclasses.asdict(comment), post.pk)
        s.counts[f"comment {state}"] += 1
        if kind != "comment":
            s.counts[f"comment {kind}"] += 1
        if obj is not None and record.digest == digest:
            s.counts["comment unchanged"] += 1
            return obj

        created = obj is None
        if created:
            obj = XtdComment(
                content_type=self.post_type, object_pk=str(post.pk), site_id=settings.SITE_ID
            )
            wanted = ours.get(comment.parent)
            if comment.parent and wanted is None:
                s.warn(
                    f"comment {comment.id} on post {item.id}: its parent {comment.parent} "
                    "is missing, shown at the top level"
                )
            parent = wanted
            # Deeper than our threads go: attach to the deepest ancestor that may have replies.
            while parent is not None and parent.level >= self.max_level:
                up = parent.parent_id
                parent = (
                    (self._by_pk.get(up) or XtdComment.objects.get(pk=up))
                    if up and up != parent.pk
                    else None
                )
            if wanted is not None and parent != wanted:
                s.warn(
                    f"comment {comment.id} on post {item.id}: deeper than {self.max_level} "
                    "levels, attached higher up the thread"
                )
            obj.parent_id = parent.pk if parent is not None else 0
            obj.level = parent.level + 1 if parent is not None else 0
        user = None
        if comment.user_id and comment.user_id != "0":
            author = next(
                (a for a in self.export.authors.values() if a.id == comment.user_id), None
            )
            user = self._user(author.login) if author else None
        obj.user = user
        name = html.unescape(comment.author).strip() or (
            "Pingback"
            if kind == "pingback"
            else "Trackback"
            if kind == "trackback"
            else "Anonymous"
        )
        obj.user_name = name[:50]
        obj.user_email = comment.email[:254]
        url = comment.url if comment.url.lower().startswith(("http://", "https://")) else ""
        obj.user_url = url[:200]
        obj.ip_address = _clean_ip(comment.ip)
        obj.submit_date = comment.date_gmt or post.published_at or timezone.now()
        obj.comment = convert.comment_text(comment.content) or "…"
        obj.is_public = state == "public"
        obj.is_removed = state == "removed"
        if created and self._whole_tree:
            # Stored as it is; _number_threads fills in the thread fields for the whole post.
            super(XtdComment, obj).save()
        elif created:
            obj.save()  # xtd places it in its thread
        else:
            # A queryset update: saving an existing comment would make xtd re-publish or hide
            # its replies and shift the counts above it; _hide_under_hidden does that here.
            fields = [
                "user",
                "user_name",
                "user_email",
                "user_url",
                "ip_address",
                "submit_date",
                "comment",
                "is_public",
                "is_removed",
            ]
            XtdComment.norel_objects.filter(pk=obj.pk).update(
                **{name: getattr(obj, name) for name in fields}
            )
        s.counts["comment created" if created else "comment updated"] += 1
        data = {"type": kind, "approved": comment.approved, "post": item.id}
        if created:
            # Written together once the post's comments are in (see _flush_new_comments).
            self._new_records.append(
                WordPressItem(
                    source=self.source,
                    kind="comment",
                    wp_id=str(comment.id),
                    content_type=self.comment_type,
                    object_id=obj.pk,
                    digest=digest,
                    data=data,
                )
            )
            moderation = self._moderation_row(obj, state, kind)
            if moderation is not None:
                self._new_moderations.append(moderation)
            if self.details_model is not None:
                details = self.details_model(comment=obj)
                details.render(obj.comment)
                self._mark_kind(details, kind)
                self._new_details.append(details)
        else:
            self._save_record(record, "comment", comment.id, obj, digest=digest, data=data)
            moderation = self._moderation_row(obj, state, kind)
            if moderation is not None:
                values = {f: getattr(moderation, f) for f in self._moderation_fields}
                type(moderation)._default_manager.update_or_create(comment=obj, defaults=values)
            if self.details_model is not None:
                details = self.details_model._default_manager.get_or_create(comment=obj)[0]
                details.render(obj.comment)
                self._mark_kind(details, kind)
                details.save()
        return obj

    def _flush_new_comments(self):
        WordPressItem.objects.bulk_create(self._new_records)
        if self._new_moderations:
            type(self._new_moderations[0])._default_manager.bulk_create(self._new_moderations)
        if self._new_details:
            self.details_model._default_manager.bulk_create(self._new_details)
        self._new_records, self._new_moderations, self._new_details = [], [], []

    @staticmethod
    def _details_model():
        """The comments app's stored rendering of a comment (rendered once, here), if any."""
        try:
            model = apps.get_model("blog_comments", "CommentDetails")
        except LookupError:
            return None
        return model if hasattr(model, "render") else None

    def _mark_kind(self, details, kind):
        """Tell the comments app that this comment is a pingback or trackback (its `kind`)."""
        if any(field.name == "kind" for field in self.details_model._meta.fields):
            details.kind = kind

    def _moderation_model(self):
        """The spam filter's Moderation model, when that app is installed."""
        if not apps.is_installed("comments.spam"):
            return None
        try:
            return apps.get_model("spam", "Moderation")
        except LookupError:
            return None

    def _moderation_row(self, comment, state, kind):
        """An unsaved Moderation for the comment's state (set check "import"), or None."""
        model = self.moderation_model
        if model is None:
            return None
        values = {"status": MODERATION_STATUS[state]}
        fields = {f.name for f in model._meta.get_fields()}
        for name in ("check_name", "check"):
            if name in fields:
                values[name] = "import"
                break
        if "reason" in fields:
            values["reason"] = f"WordPress {kind}: {state}"
        if "decided_at" in fields:
            values["decided_at"] = comment.submit_date
        self._moderation_fields = list(values)
        return model(comment=comment, **values)
