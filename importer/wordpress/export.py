"""Writing a WordPress eXtended RSS 1.2 file: the way out, read by WordPress's own importer.

The file is written piece by piece to any text stream. Posts are read in batches of
`BATCH_SIZE` with their terms, review, images and comments fetched for the whole batch, so the
queries per batch are a constant and memory holds one batch, however large the blog.

WordPress numbers posts, pages and attachments in one sequence; here each kind has its own
table, so pages and attachments get ids above the highest post id (see `IdSpace`).
Review facts are written twice: as lines at the top of the content (what a WordPress reader
sees, and what this site's importer recognises) and as `_review_*` post meta.
"""

import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.utils import timezone
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from blog.models import Category, Image, Page, Post, Tag
from comments.models import CommentDetails, Like
from reviews.models import Review

from .review_text import review_lines, review_meta
from .wxr_writer import ZERO_DATE, Writer, cdata, rfc822, wp_date, xml_text

BATCH_SIZE = 200
WXR_VERSION = "1.2"
NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
# Moderation states as WordPress's comment_approved spells them.
APPROVED = {"approved": "1", "pending": "0", "spam": "spam", "removed": "trash"}

# Site-relative addresses in stored HTML, made absolute so WordPress can fetch the images.
_RELATIVE = re.compile(r"""(\s(?:src|href)=["'])/(?!/)""")


@dataclass
class IdSpace:
    """WordPress's single post id sequence, laid over our separate tables."""

    pages: int
    images: int
    posters: int

    @classmethod
    def current(cls):
        top_post = Post.objects.aggregate(n=Max("pk"))["n"] or 0
        top_page = Page.objects.aggregate(n=Max("pk"))["n"] or 0
        top_image = Image.objects.aggregate(n=Max("pk"))["n"] or 0
        return cls(
            pages=top_post, images=top_post + top_page, posters=top_post + top_page + top_image
        )

    def page(self, page):
        return self.pages + page.pk

    def image(self, image):
        return self.images + image.pk

    def poster(self, documentary):
        return self.posters + documentary.pk


class WXRExporter:
    def __init__(self, out, *, site_url, title=None):
        self.w = Writer(out)
        self.site_url = site_url.rstrip("/")
        self.title = title or getattr(settings, "BLOG_TITLE", "")
        self.counts = {"posts": 0, "pages": 0, "attachments": 0, "comments": 0}

    def absolute(self, path):
        return path if "://" in path else self.site_url + path

    def absolute_html(self, html):
        return _RELATIVE.sub(lambda m: m[1] + self.site_url + "/", html)

    # The file ------------------------------------------------------------------------------

    def write(self):
        self.ids = IdSpace.current()
        self.authors = self._authors()
        w = self.w
        w.raw('<?xml version="1.0" encoding="UTF-8" ?>\n')
        w.raw(
            "<!-- A WordPress eXtended RSS (WXR) file: import it in WordPress with Tools → Import"
            " → WordPress. -->\n"
        )
        spaces = " ".join(f"xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in NAMESPACES.items())
        w.raw(f'<rss version="2.0" {spaces}>\n<channel>\n')
        w.text("title", self.title)
        w.text("link", self.site_url)
        w.text("description", "")
        w.text("pubDate", rfc822(timezone.now()))
        w.text("language", settings.LANGUAGE_CODE)
        w.text("wp:wxr_version", WXR_VERSION)
        w.text("wp:base_site_url", self.site_url)
        w.text("wp:base_blog_url", self.site_url)
        self._write_authors()
        self._write_terms()
        w.text("generator", "django")
        self._write_pages()
        self._write_posts()
        w.raw("</channel>\n</rss>\n")
        return self.counts

    def _authors(self):
        users = get_user_model()._default_manager
        return {u.pk: u for u in users.filter(posts__isnull=False).distinct().order_by("pk")}

    def _write_authors(self):
        w = self.w
        for user in self.authors.values():
            w.raw("  <wp:author>\n")
            w.text("wp:author_id", user.pk, 3)
            w.cdata("wp:author_login", user.get_username(), 3)
            w.cdata("wp:author_email", user.email, 3)
            w.cdata("wp:author_display_name", user.get_full_name() or user.get_username(), 3)
            w.cdata("wp:author_first_name", user.first_name, 3)
            w.cdata("wp:author_last_name", user.last_name, 3)
            w.raw("  </wp:author>\n")

    def _write_terms(self):
        w = self.w
        categories = Category.objects.select_related("parent").order_by("pk")
        for category in categories.iterator(chunk_size=500):
            w.raw("  <wp:category>\n")
            w.text("wp:term_id", category.pk, 3)
            w.cdata("wp:category_nicename", category.slug, 3)
            w.cdata("wp:category_parent", category.parent.slug if category.parent else "", 3)
            w.cdata("wp:cat_name", category.name, 3)
            if category.description:
                w.cdata("wp:category_description", category.description, 3)
            w.raw("  </wp:category>\n")
        top_category = Category.objects.aggregate(n=Max("pk"))["n"] or 0
        for tag in Tag.objects.order_by("pk").iterator(chunk_size=500):
            w.raw("  <wp:tag>\n")
            w.text("wp:term_id", top_category + tag.pk, 3)
            w.cdata("wp:tag_slug", tag.slug, 3)
            w.cdata("wp:tag_name", tag.name, 3)
            w.raw("  </wp:tag>\n")

    # Items ---------------------------------------------------------------------------------

    def _item_head(self, *, wp_id, title, link, published, author, content, excerpt=""):
        w = self.w
        w.raw("  <item>\n")
        w.cdata("title", title, 3)
        w.text("link", link, 3)
        w.text("pubDate", rfc822(published), 3)
        w.cdata("dc:creator", author.get_username() if author else "", 3)
        w.raw(f'   <guid isPermaLink="false">{xml_text(f"{self.site_url}/?p={wp_id}")}</guid>\n')
        w.text("description", "", 3)
        w.cdata("content:encoded", content, 3)
        w.cdata("excerpt:encoded", excerpt, 3)
        w.text("wp:post_id", wp_id, 3)

    def _item_fields(self, *, when, modified, comments_open, slug, status, parent, post_type):
        w = self.w
        local, gmt = when
        w.cdata("wp:post_date", local, 3)
        w.cdata("wp:post_date_gmt", gmt, 3)
        mod_local, mod_gmt = wp_date(modified)
        w.cdata("wp:post_modified", mod_local, 3)
        w.cdata("wp:post_modified_gmt", mod_gmt, 3)
        w.cdata("wp:comment_status", "open" if comments_open else "closed", 3)
        w.cdata("wp:ping_status", "closed", 3)
        w.cdata("wp:post_name", slug, 3)
        w.cdata("wp:status", status, 3)
        w.text("wp:post_parent", parent, 3)
        w.text("wp:menu_order", 0, 3)
        w.cdata("wp:post_type", post_type, 3)
        w.cdata("wp:post_password", "", 3)
        w.text("wp:is_sticky", 0, 3)

    @staticmethod
    def _status(status, published_at, published_value):
        """WordPress's status: publish, future (scheduled) or draft."""
        if status != published_value:
            return "draft"
        if published_at and published_at > timezone.now():
            return "future"
        return "publish"

    def _write_pages(self):
        for page in Page.objects.order_by("pk").iterator(chunk_size=BATCH_SIZE):
            status = self._status(page.status, page.published_at, Page.Status.PUBLISHED)
            wp_id = self.ids.page(page)
            self._item_head(
                wp_id=wp_id,
                title=page.title,
                link=self.absolute(page.get_absolute_url()),
                published=page.published_at,
                author=None,
                content=self.absolute_html(page.body_html),
            )
            self._item_fields(
                when=wp_date(page.published_at or page.updated_at),
                modified=page.updated_at,
                comments_open=False,
                slug=page.slug,
                status=status,
                parent=0,
                post_type="page",
            )
            self.w.raw("  </item>\n")
            self.counts["pages"] += 1

    def _write_posts(self):
        # Posts and images added while the file is written would collide with the ids given
        # to pages and attachments: they wait for the next export.
        posts = Post.objects.filter(pk__lte=self.ids.pages).order_by("pk")
        pks = list(posts.values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH_SIZE):
            self._write_post_batch(pks[start : start + BATCH_SIZE])

    def _write_post_batch(self, pks):
        posts = (
            Post.objects.filter(pk__in=pks)
            .order_by("pk")
            .select_related("author")
            .prefetch_related("tags", "categories", "images")
            .annotate(like_count=Count("likes"))
        )
        reviews = {
            review.post_id: review
            for review in Review.objects.filter(post__in=pks)
            .select_related("documentary", "watched_service")
            .prefetch_related(
                "also_available_on", "documentary__directors", "documentary__production_companies"
            )
        }
        comments = self._comments_of(pks)
        for post in posts:
            review = reviews.get(post.pk)
            self._write_post(post, review, comments.get(str(post.pk), []))
            if review is not None and review.documentary.poster:
                self._write_poster(post, review.documentary)
            for image in post.images.all():
                self._write_image(post, image)

    def _write_post(self, post, review, comments):
        w = self.w
        status = self._status(post.status, post.published_at, Post.Status.PUBLISHED)
        content = self.absolute_html(post.body_html)
        if review is not None:
            content = review_lines(review) + "\n\n" + content
        self._item_head(
            wp_id=post.pk,
            title=post.title,
            link=self.absolute(post.get_absolute_url()),
            published=post.published_at,
            author=post.author,
            content=content,
            excerpt=post.excerpt,
        )
        if post.published_at is not None:
            when = wp_date(post.published_at)
        else:  # an unscheduled draft: WordPress leaves its GMT date at zero
            when = (wp_date(post.created_at)[0], ZERO_DATE)
        self._item_fields(
            when=when,
            modified=post.updated_at,
            comments_open=post.allow_comments,
            slug=post.slug,
            status=status,
            parent=0,
            post_type="post",
        )
        for category in post.categories.all():
            w.raw(
                f'   <category domain="category" nicename={quoteattr(category.slug)}>'
                f"{cdata(category.name)}</category>\n"
            )
        for tag in post.tags.all():
            w.raw(
                f'   <category domain="post_tag" nicename={quoteattr(tag.slug)}>'
                f"{cdata(tag.name)}</category>\n"
            )
        if post.challenge_letter:
            w.meta("postmeta", "_atoz_letter", post.challenge_letter)
        if post.like_count:
            w.meta("postmeta", "_likes", post.like_count)
        if review is not None:
            for key, value in review_meta(review):
                w.meta("postmeta", key, value)
            if review.documentary.poster:
                w.meta("postmeta", "_thumbnail_id", self.ids.poster(review.documentary))
        for comment in comments:
            self._write_comment(comment)
        w.raw("  </item>\n")
        self.counts["posts"] += 1

    def _write_attachment(self, *, wp_id, parent, title, url, when, author=None):
        self._item_head(
            wp_id=wp_id,
            title=title,
            link=url,
            published=when,
            author=author,
            content="",
        )
        self._item_fields(
            when=wp_date(when),
            modified=when,
            comments_open=False,
            slug=f"attachment-{wp_id}",
            status="inherit",
            parent=parent,
            post_type="attachment",
        )
        self.w.text("wp:attachment_url", url, 3)
        self.w.raw("  </item>\n")
        self.counts["attachments"] += 1

    def _write_image(self, post, image):
        if not image.file or image.pk > self.ids.posters - self.ids.images:
            return
        self._write_attachment(
            wp_id=self.ids.image(image),
            parent=post.pk,
            title=image.alt or image.caption or image.file.name.rsplit("/", 1)[-1],
            url=self.absolute(image.file.url),
            when=image.uploaded_at,
            author=post.author,
        )

    def _write_poster(self, post, documentary):
        self._write_attachment(
            wp_id=self.ids.poster(documentary),
            parent=post.pk,
            title=f"Poster: {documentary.title}",
            url=self.absolute(documentary.poster.url),
            when=post.published_at or post.created_at,
            author=post.author,
        )

    # Comments ------------------------------------------------------------------------------

    def _comments_of(self, pks):
        """{str(post pk): [comments in thread order]} for a batch, with state, kind and likes."""
        found = list(
            XtdComment.objects.filter(
                content_type__app_label="blog",
                content_type__model="post",
                object_pk__in=[str(pk) for pk in pks],
            )
            .select_related("moderation")
            .order_by("object_pk", "thread_id", "order")
        )
        ids = [c.pk for c in found]
        kinds = dict(CommentDetails.objects.filter(comment__in=ids).values_list("comment", "kind"))
        likes = dict(
            Like.objects.filter(comment__in=ids)
            .values("comment")
            .annotate(n=Count("pk"))
            .values_list("comment", "n")
        )
        flags = dict(
            XtdComment.objects.filter(pk__in=ids, flags__flag=LIKEDIT_FLAG)
            .values("pk")
            .annotate(n=Count("flags"))
            .values_list("pk", "n")
        )
        by_post = {}
        for comment in found:
            comment.export_kind = kinds.get(comment.pk) or "comment"
            comment.export_likes = likes.get(comment.pk, 0) + flags.get(comment.pk, 0)
            by_post.setdefault(comment.object_pk, []).append(comment)
        return by_post

    def _write_comment(self, comment):
        w = self.w
        local, gmt = wp_date(comment.submit_date)
        parent = comment.parent_id if comment.parent_id != comment.pk else 0
        user_id = comment.user_id if comment.user_id in self.authors else 0
        w.raw("   <wp:comment>\n")
        w.text("wp:comment_id", comment.pk, 4)
        w.cdata("wp:comment_author", comment.user_name, 4)
        w.cdata("wp:comment_author_email", comment.user_email, 4)
        w.text("wp:comment_author_url", comment.user_url, 4)
        # Addresses stay here: an export is shared more widely than the database.
        w.cdata("wp:comment_author_IP", "", 4)
        w.cdata("wp:comment_date", local, 4)
        w.cdata("wp:comment_date_gmt", gmt, 4)
        w.cdata("wp:comment_content", comment.comment, 4)
        w.cdata("wp:comment_approved", comment_state(comment), 4)
        w.cdata(
            "wp:comment_type", "" if comment.export_kind == "comment" else comment.export_kind, 4
        )
        w.text("wp:comment_parent", parent, 4)
        w.text("wp:comment_user_id", user_id, 4)
        if comment.export_likes:
            w.meta("commentmeta", "likes", comment.export_likes, 4)
        w.raw("   </wp:comment>\n")
        self.counts["comments"] += 1


def comment_state(comment):
    """WordPress's comment_approved: the spam filter's decision, else xtd's flags."""
    try:
        status = comment.moderation.status
    except XtdComment.moderation.RelatedObjectDoesNotExist:
        status = None
    if status in APPROVED:
        return APPROVED[status]
    if comment.is_removed:
        return "trash"
    return "1" if comment.is_public else "0"


def export_wordpress(out, *, site_url, title=None):
    """Write the whole blog as WXR 1.2 to the text stream `out`; returns what was counted."""
    return WXRExporter(out, site_url=site_url, title=title).write()
