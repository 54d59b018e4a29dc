"""Reading a post's thread: the visible comments as a tree, their likes, the latest comments."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Q, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from blog.markup import render_visitor_markdown
from blog.models import Post
from blog.prepared import PreparedQuery

from .models import CommentDetails, Like

# The session's list of comments this browser posted (comments.services keeps it).
SESSION_KEY = "comments_posted"


def posted_here(request):
    """Ids of the comments this browser posted (it may see them while they are held)."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    # Reading an absent key of a browser without a session cookie costs no query.
    return [pk for pk in session.get(SESSION_KEY, []) if isinstance(pk, int)]


def post_content_type():
    return ContentType.objects.get_for_model(Post)


def comments_of(post):
    return XtdComment.norel_objects.filter(
        content_type=post_content_type(),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        is_removed=False,
    )


def _comment_likes(content_type, object_pk):
    return (
        CommentFlag.objects.filter(
            flag=LIKEDIT_FLAG,
            comment__content_type_id=content_type,
            comment__object_pk=object_pk,
        )
        .order_by()
        .values_list("comment_id")
        .annotate(n=Count("pk"))
    )


def _visitor_likes(post, content_type, object_pk):
    """Likes of the post (comment_id None) and of its comments, by comment."""
    on_comments = Q(comment__content_type_id=content_type, comment__object_pk=object_pk)
    return (
        Like.objects.filter(Q(post_id=post) | on_comments)
        .order_by()
        .values_list("comment_id")
        .annotate(n=Count("pk"))
    )


COMMENT_LIKES = PreparedQuery(CommentFlag, _comment_likes, text={"object_pk"})
VISITOR_LIKES = PreparedQuery(Like, _visitor_likes, text={"object_pk"})


def like_counts(post):
    """{comment id: likes} for the post's comments (xtd's flags and visitors' likes), and the
    post's likes under None: counted by the database in two grouped queries."""
    on_post = {"content_type": post_content_type().pk, "object_pk": str(post.pk)}
    counts = {}
    for comment_id, n in [
        *COMMENT_LIKES.rows(**on_post),
        *VISITOR_LIKES.rows(post=post.pk, **on_post),
    ]:
        counts[comment_id] = counts.get(comment_id, 0) + n
    return counts


class _UrlForPk:
    """reverse() once per process instead of once per comment on the page."""

    def __init__(self, name):
        self.name = name

    def format(self, pk):
        if not hasattr(self, "_prefix"):
            self._prefix, self._suffix = reverse(self.name, args=[0]).rsplit("0", 1)
        return f"{self._prefix}{int(pk)}{self._suffix}"


_LIKE_COMMENT_URL = _UrlForPk("comments:like_comment")


def safe_website(url):
    """A commenter's website, only when it is a plain web address (imported rows included)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


AVATAR_COLOURS = 12  # .avatar-hue-0 … -11 in the stylesheet


def avatar(comment):
    """Initials and a colour taken from the commenter's email: drawn here, nothing fetched."""
    name = (comment.user_name or "?").strip()
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    seed = (comment.user_email or name).strip().lower()
    colour = int(hashlib.sha256(seed.encode()).hexdigest()[:4], 16) % AVATAR_COLOURS
    return initials, colour


def comment_date(moment):
    """ "April 2, 2018 at 11:00 a.m.", in the site's time zone (cheaper than the date filter)."""
    when = timezone.localtime(moment)
    hour = when.hour % 12 or 12
    noon = "a.m." if when.hour < 12 else "p.m."
    return f"{when:%B} {when.day}, {when.year} at {hour}:{when.minute:02d} {noon}"


# The columns a thread is read with, by the name a Node gives each (as tuples: loading 2,000
# comments as models cost more than the rest of the page). A comment whose markup must be
# rendered is loaded in full.
ROW_COLUMNS = {
    "pk": "pk",
    "parent_id": "parent_id",
    "level": "level",
    "is_public": "is_public",
    "user_id": "user_id",
    "user_name": "user_name",
    "user_email": "user_email",
    "user_url": "user_url",
    "submit_date": "submit_date",
    "text": "comment",
    "kind": "details__kind",
    "fragment_key": "details__fragment_key",
    "fragment_html": "details__fragment_html",
}
ROW_FIELDS = tuple(ROW_COLUMNS.values())


class Node:
    """A comment of the thread: its row, its replies, its likes; `comment` once it is loaded."""

    __slots__ = (
        *ROW_COLUMNS,
        "children",
        "liked",
        "by_post_author",
        "like_count",
        "comment",
        "html",
        "closes",
    )

    def __init__(self, row, by_post_author=False, like_count=0):
        # Unpacked in ROW_COLUMNS' order: a loop of setattr() cost twice as much per comment.
        (
            self.pk,
            self.parent_id,
            self.level,
            self.is_public,
            self.user_id,
            self.user_name,
            self.user_email,
            self.user_url,
            self.submit_date,
            self.text,
            self.kind,
            self.fragment_key,
            self.fragment_html,
        ) = row
        self.children = []
        self.liked = False
        self.by_post_author = by_post_author
        self.like_count = like_count
        self.comment = None

    @property
    def initials(self):
        return avatar(self.comment)[0]

    @property
    def avatar_hue(self):
        return avatar(self.comment)[1]

    @property
    def website(self):
        return safe_website(self.comment.user_url)

    @property
    def iso_date(self):
        return self.comment.submit_date.isoformat()

    @property
    def date(self):
        return comment_date(self.comment.submit_date)

    @property
    def linkback(self):
        """ "pingback" or "trackback" when the comment is one, else ""."""
        return "" if self.kind in (None, CommentDetails.Kind.COMMENT) else self.kind

    @property
    def body_html(self):
        return comment_html(self.comment)

    @property
    def like_label(self):
        return liked_by(self.like_count) if self.like_count else ""

    @property
    def like_url(self):
        return _LIKE_COMMENT_URL.format(pk=self.pk)

    @property
    def can_reply(self):
        return self.is_public and self.level < settings.COMMENTS_XTD_MAX_THREAD_LEVEL


@dataclass
class Thread:
    post: Post
    roots: list
    nodes: dict
    public_count: int
    post_likes: int
    post_liked: bool
    page: int = 1
    pages: int = 1

    @property
    def page_numbers(self):
        return range(1, self.pages + 1)

    def html(self):
        """The thread's markup: each comment's own (`render_nodes`), nested in lists.

        Joined here rather than by a template loop: for a thread of thousands of comments
        the loop cost more than everything else on the page.
        """
        parts = []
        for node in self.in_page_order():
            parts.append(node.html)
            parts.append('<ol class="children">' if node.children else "</li>")
            parts.append("</ol></li>" * node.closes)
        return mark_safe("".join(parts))  # noqa: S308 (each part comes from a template)

    def in_page_order(self):
        """Every node depth-first, each knowing how many open lists end after it."""
        ordered = []

        def walk(nodes):
            for node in nodes:
                node.closes = 0
                ordered.append(node)
                if node.children:
                    walk(node.children)
                    ordered[-1].closes += 1

        walk(self.roots)
        return ordered


def _details_or_none(comment):
    try:
        return comment.details
    except CommentDetails.DoesNotExist:
        return None


def per_page():
    """Top-level comments per page of a thread (COMMENTS_PER_PAGE); 0: one page."""
    return max(settings.COMMENTS_PER_PAGE, 0)


def page_count(root_count):
    size = per_page()
    return max(1, -(-root_count // size)) if size else 1


def page_of(comment):
    """The page of its post's thread a comment is on (1 when threads are not paged)."""
    size = per_page()
    if not size:
        return 1
    earlier_roots = XtdComment.norel_objects.filter(
        content_type_id=comment.content_type_id,
        object_pk=comment.object_pk,
        site_id=settings.SITE_ID,
        is_public=True,
        is_removed=False,
        level=0,
        thread_id__lt=comment.thread_id,
    ).count()
    return earlier_roots // size + 1


def load_thread(post, request, visitor="", page=1):
    """The post's visible comments as a tree, from one query, plus like counts and marks.

    Visible: public and not removed, and this browser's own comments awaiting moderation.
    With COMMENTS_PER_PAGE, only the threads of top-level comments on `page`. The number of
    queries does not depend on the number of comments.
    """
    own = posted_here(request)
    if own or per_page():
        rows, page, pages, public_total = _shown_rows(post, own, page)
    else:  # what nearly every reader asks for: every public comment
        rows = PUBLIC_ROWS.rows(
            content_type=post_content_type().pk, object_pk=str(post.pk), site=settings.SITE_ID
        )
        pages, public_total = 1, None
    nodes = {}
    roots = []
    likes = like_counts(post)
    author_id = post.author_id
    for row in rows:
        pk, parent_id, user_id = row[0], row[1], row[4]
        node = nodes[pk] = Node(
            row,
            by_post_author=user_id is not None and user_id == author_id,
            like_count=likes.get(pk, 0),
        )
        parent = nodes.get(parent_id) if parent_id != pk else None
        # A reply whose parent is hidden (held, removed) still shows, at the top level.
        (parent.children if parent else roots).append(node)

    liked_comments, post_liked = likes_by_reader(post, request.user, visitor)
    for pk in liked_comments:
        if pk in nodes:
            nodes[pk].liked = True
    return Thread(
        post=post,
        roots=roots,
        nodes=nodes,
        public_count=(
            public_total
            if public_total is not None
            else sum(1 for node in nodes.values() if node.is_public)
        ),
        post_likes=likes.get(None, 0),
        post_liked=post_liked,
        page=page,
        pages=pages,
    )


def _public_rows(content_type, object_pk, site):
    return (
        XtdComment.norel_objects.filter(
            content_type_id=content_type,
            object_pk=object_pk,
            site_id=site,
            is_public=True,
            is_removed=False,
        )
        .order_by("thread_id", "order")
        .values_list(*ROW_FIELDS)
    )


PUBLIC_ROWS = PreparedQuery(XtdComment, _public_rows, text={"object_pk"})


def _shown_rows(post, own, page):
    """(rows, page, pages, public count): the rows of public comments and of this browser's
    own held ones; with COMMENTS_PER_PAGE, those on `page` and the count of all public ones."""
    visible = Q(is_public=True)
    if own:
        visible |= Q(pk__in=own)
    shown = comments_of(post).filter(visible)
    if not per_page():
        return list(shown.order_by("thread_id", "order").values_list(*ROW_FIELDS)), 1, 1, None
    roots = list(shown.filter(level=0).order_by("thread_id").values_list("thread_id", flat=True))
    pages = page_count(len(roots))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page()
    shown = shown.filter(thread_id__in=roots[start : start + per_page()])
    public_total = comments_of(post).filter(is_public=True).count()
    rows = list(shown.order_by("thread_id", "order").values_list(*ROW_FIELDS))
    return rows, page, pages, public_total


def likes_by_reader(post, user, visitor):
    """Ids of this post's comments the reader liked, and whether they liked the post."""
    liked = set()
    post_liked = False
    on_post = Q(comment__content_type=post_content_type(), comment__object_pk=str(post.pk))
    if user.is_authenticated:
        liked.update(
            CommentFlag.objects.filter(on_post, user=user, flag=LIKEDIT_FLAG).values_list(
                "comment_id", flat=True
            )
        )
        mine = Like.objects.filter(user=user)
    elif visitor:
        mine = Like.objects.filter(visitor=visitor)
    else:
        return liked, post_liked
    for post_id, comment_id in mine.filter(Q(post=post) | on_post).values_list(
        "post_id", "comment_id"
    ):
        if post_id:
            post_liked = True
        else:
            liked.add(comment_id)
    return liked, post_liked


def recent_comments(limit=5):
    """The latest public comments on published posts, each with its post attached."""
    published_ids = (
        Post.objects.published().annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    )
    comments = list(
        XtdComment.norel_objects.filter(
            content_type=post_content_type(),
            object_pk__in=Subquery(published_ids),
            site_id=settings.SITE_ID,
            is_public=True,
            is_removed=False,
        )
        .select_related("details")
        .order_by("-submit_date", "-pk")[:limit]
    )
    posts = Post.objects.in_bulk({int(comment.object_pk) for comment in comments})
    for comment in comments:
        comment.post = posts.get(int(comment.object_pk))
    return [comment for comment in comments if comment.post is not None]


def comment_html(comment):
    """The comment's sanitized HTML (nh3 in blog.markup), safe to put in a page or feed."""
    details = _details_or_none(comment)
    if details is not None:
        return mark_safe(details.html_for(comment.comment))  # noqa: S308
    return mark_safe(render_visitor_markdown(comment.comment))  # noqa: S308


def liked_by(count):
    if count == 0:
        return "Be the first to like this."
    return f"Liked by {count} {'person' if count == 1 else 'people'}"


def comment_url(comment, post):
    """The comment's permalink, on the page of the thread it is on."""
    page = page_of(comment)
    query = f"?cpage={page}" if page > 1 else ""
    return f"{post.get_absolute_url()}{query}#c{comment.pk}"
