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

from blog.models import Post
from infra.markup import render_visitor_markdown

from .models import CommentDetails, Like, text_digest

# The session's list of comments this browser posted (comments.posting keeps it).
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


def comments_of_posts():
    """Comments on posts that are not removed (their `object_pk` names the post)."""
    return XtdComment.norel_objects.filter(
        content_type=post_content_type(), site_id=settings.SITE_ID, is_removed=False
    )


def comments_of(post):
    return XtdComment.norel_objects.filter(
        content_type=post_content_type(),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        is_removed=False,
    )


def like_counts(post):
    """{comment id: likes} for the post's comments (xtd's flags and visitors' likes), and the
    post's likes under None: counted by the database in two grouped queries."""
    on_post = Q(comment__content_type=post_content_type(), comment__object_pk=str(post.pk))
    flags = CommentFlag.objects.filter(on_post, flag=LIKEDIT_FLAG)
    likes = Like.objects.filter(Q(post=post) | on_post)
    counts = {}
    for rows in (flags, likes):
        for comment_id, n in rows.order_by().values_list("comment_id").annotate(n=Count("pk")):
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


# The columns a thread is read with, by the name a Node gives each: tuples, because loading a
# long thread as models costs more than rendering it.
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
    "stored_html": "details__body_html",
    "stored_digest": "details__body_digest",
}
ROW_FIELDS = tuple(ROW_COLUMNS.values())


class Node:
    """A comment as the thread shows it: its row, its likes, and how many lists end after it."""

    __slots__ = (
        *ROW_COLUMNS,
        "ref",
        "by_post_author",
        "like_count",
        "liked",
        "has_replies",
        "closes",
    )
    is_removed = False  # a thread shows no removed comment

    def __init__(self, row, by_post_author=False, like_count=0):
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
            self.stored_html,
            self.stored_digest,
        ) = row
        # The id as text: a template localizes every number it prints, at a cost per comment.
        self.ref = str(self.pk)
        self.by_post_author = by_post_author
        self.like_count = like_count
        self.liked = False
        self.has_replies = False
        self.closes = ()

    @property
    def initials(self):
        return avatar(self)[0]

    @property
    def avatar_hue(self):
        return str(avatar(self)[1])

    @property
    def website(self):
        return safe_website(self.user_url)

    @property
    def iso_date(self):
        return self.submit_date.isoformat()

    @property
    def date(self):
        return comment_date(self.submit_date)

    @property
    def linkback(self):
        """ "pingback" or "trackback" when the comment is one, else ""."""
        return "" if self.kind in (None, CommentDetails.Kind.COMMENT) else self.kind

    @property
    def body_html(self):
        """The Markdown rendered and sanitized when it was saved; rendered now (and not
        stored: a read never writes) when the text changed since, in the admin say."""
        if self.stored_digest and self.stored_digest == text_digest(self.text):
            html = self.stored_html
        else:
            html = render_visitor_markdown(self.text)
        return mark_safe(html)  # noqa: S308 (sanitized by nh3 in infra.markup)

    @property
    def like_label(self):
        return liked_by(self.like_count) if self.like_count else ""

    @property
    def like_url(self):
        return _LIKE_COMMENT_URL.format(pk=self.pk)

    @property
    def can_reply(self):
        return self.is_public and self.level < settings.COMMENTS_XTD_MAX_THREAD_LEVEL


def nest(nodes):
    """Mark, in the order shown (xtd's thread_id, order), where each reply list opens and
    closes, so a template can nest them in one loop. A reply whose parent is not shown
    (held, removed, on another page) stands at the top level."""
    shown = set()
    open_lists = []  # the comments whose reply lists are open, innermost last
    previous = None
    for node in nodes:
        parent = node.parent_id if node.parent_id in shown and node.parent_id != node.pk else None
        if previous is not None and parent == previous.pk:
            previous.has_replies = True
            open_lists.append(previous)
        elif previous is not None:
            closing = 0
            while open_lists and open_lists[-1].pk != parent:
                open_lists.pop()
                closing += 1
            previous.closes = range(closing)
        shown.add(node.pk)
        previous = node
    if previous is not None:
        previous.closes = range(len(open_lists))
    return nodes


# What a comment's markup shows besides its row: a change to any of it changes its group's key.
SHOWN = ("by_post_author", "like_count", "has_replies", "can_reply", "kind", "stored_digest")


@dataclass
class Group:
    """A top-level comment with its replies, as they follow each other in the thread. `key`
    names everything their rows show, so a group no write touched is taken from the fragment
    cache when a new comment moves the content version: the render after a new comment costs
    the new comment's group, not the whole thread. (`make bench`, 200 comments: rendered whole,
    that render cost 0.9 of stock django-comments-xtd's page; see the README for it now.)
    What every group shows alike (the posts' version, the release, whether comments are open,
    the post's address) is in the template's key."""

    nodes: list
    key: str = ""


def groups_of(nodes):
    """The thread's nodes cut into top-level groups, each keyed by a digest of its rows."""
    groups = []
    depth = 0
    for node in nodes:
        if depth == 0:
            groups.append(Group(nodes=[]))
        groups[-1].nodes.append(node)
        depth += (1 if node.has_replies else 0) - len(node.closes)
    for group in groups:
        shown = [
            (
                node.pk,
                node.level,
                node.is_public,
                node.user_id,
                node.user_name,
                node.user_email,
                node.user_url,
                node.submit_date,
                node.text,
                len(node.closes),
                *(getattr(node, name) for name in SHOWN),
            )
            for node in group.nodes
        ]
        group.key = hashlib.md5(repr(shown).encode(), usedforsecurity=False).hexdigest()
    return groups


@dataclass
class Thread:
    post: Post
    nodes: list
    public_count: int
    page: int = 1
    pages: int = 1

    @property
    def groups(self):
        return groups_of(self.nodes)

    @property
    def page_numbers(self):
        return range(1, self.pages + 1)


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


def _nodes(post, rows, likes=None):
    author_id = post.author_id
    likes = likes or {}
    return [
        Node(
            row,
            by_post_author=row[4] is not None and row[4] == author_id,
            like_count=likes.get(row[0], 0),
        )
        for row in rows
    ]


def load_thread(post, page=1):
    """The post's public comments as every reader sees them: one query in the order shown
    (xtd's thread_id and order), like counts from two more. With COMMENTS_PER_PAGE, only the
    threads of the top-level comments on `page`."""
    public = comments_of(post).filter(is_public=True)
    pages, public_count = 1, None
    if per_page():
        roots = list(
            public.filter(level=0).order_by("thread_id").values_list("thread_id", flat=True)
        )
        pages = page_count(len(roots))
        page = min(max(page, 1), pages)
        start = (page - 1) * per_page()
        public_count = public.count()
        public = public.filter(thread_id__in=roots[start : start + per_page()])
    else:
        page = 1
    rows = public.order_by("thread_id", "order").values_list(*ROW_FIELDS)
    nodes = nest(_nodes(post, rows, like_counts(post)))
    return Thread(
        post=post,
        nodes=nodes,
        public_count=len(nodes) if public_count is None else public_count,
        page=page,
        pages=pages,
    )


def held_for(post, request):
    """The comments on `post` this browser posted that await moderation (it may see them)."""
    own = posted_here(request)
    if not own:
        return []
    rows = comments_of(post).filter(pk__in=own, is_public=False).order_by("thread_id", "order")
    return _nodes(post, rows.values_list(*ROW_FIELDS))


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
    """The comment's sanitized HTML (nh3 in infra.markup), safe to put in a page or feed."""
    try:
        details = comment.details
    except CommentDetails.DoesNotExist:
        details = None
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
