"""Importing a WordPress export: posts, pages, terms, people, comments, reviews and images.

Everything happens in one transaction, so a file that breaks halfway imports nothing. Every
WordPress object is remembered in `WordPressItem` with a digest of what was read, so a second
run of the same file updates what changed and leaves the rest alone. The work is split by
concern: posts and reviews (posts.py), images (media.py) and comments (comments.py); this
class runs them and keeps the records, people, terms and pages.
"""

import dataclasses
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.utils.text import slugify
from django_comments_xtd.models import XtdComment, max_thread_level_for_content_type

from blog.models import Category, Page, Post, Tag
from importer import common
from importer.addresses import old_addresses_recorded
from importer.models import WordPressItem
from reviews.models import StreamingService

from . import wxr
from .comments import CommentsMixin
from .media import MediaMixin
from .posts import PostsMixin
from .records import digest_of, old_path_of, plain_title, slug_of
from .summary import Summary


class WordPressImportError(common.ImportFailed):
    """The export cannot be imported; the message says why."""


class WordPressImporter(PostsMixin, MediaMixin, CommentsMixin):
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
            with common.one_transaction(dry_run=self.dry_run):
                if not self.dry_run:
                    old_addresses_recorded()
                self._import_terms()
                self._import_attachments()
                for done, item in enumerate(wxr.iter_items(self.path), start=1):
                    self.progress(done, self.export.item_count)
                    try:
                        self._import_item(item)
                    except (DatabaseError, ValidationError, ValueError) as exc:
                        raise WordPressImportError(
                            f"{self.path.name}: {item.type} {item.id} "
                            f"“{plain_title(item.title)}” could not be imported ({exc}). "
                            "Nothing was imported."
                        ) from exc
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
        slug = slug_of(slug or name)[:100]
        key = (kind, slug)
        if key in self._terms:
            return self._terms[key]
        model = Category if kind == "category" else Tag
        record = self._record(kind, term_id or slug)
        obj = self._target(record, model)
        if obj is None and kind == "tag":
            obj = common.tag(name, slug, counts=self.summary.counts)
        elif obj is None:
            obj = Category.objects.filter(slug=slug).first()
            if obj is None:
                obj = Category(name=name[:100] or slug, slug=slug or None, description=description)
                obj.save()
                self.summary.counts["category created"] += 1
        if record is None:
            old = f"/tag/{slug}/" if kind == "tag" else f"/category/{slug}/"
            self._save_record(None, kind, term_id or slug, obj, old_path=old)
        self._terms[key] = obj
        return obj

    # Pages -------------------------------------------------------------------------------

    def _import_page(self, item):
        if item.status in ("trash", "inherit", "auto-draft"):
            self.summary.counts[f"skipped {item.status} page"] += 1
            return
        s = self.summary
        record = self._record("page", item.id)
        page = self._target(record, Page)
        digest = digest_of(dataclasses.asdict(item), bool(self.media_dir))
        if page is not None and record.digest == digest:
            s.counts["page unchanged"] += 1
            return
        title = plain_title(item.title) or f"Untitled ({item.id})"
        slug = (slug_of(item.slug) or slug_of(title) or f"page-{item.id}")[:200]
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
            old_path=old_path_of(item.link),
            data={"status": item.status, "link": item.link},
        )
