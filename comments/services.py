"""Posting comments, liking, and reading a post's thread: the writes and reads views share."""

import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_comments.models import CommentFlag
from django_comments.signals import comment_was_posted, comment_will_be_posted
from django_comments_xtd.models import (
    LIKEDIT_FLAG,
    MaxThreadLevelExceededException,
    XtdComment,
)

from blog.markup import render_visitor_markdown
from blog.models import Post

from .models import CommentDetails, Like

SESSION_KEY = "comments_posted"
SESSION_LIMIT = 50


# --- Posting -------------------------------------------------------------------------------


@dataclass
class Submission:
    comment: XtdComment | None = None
    refusal: str = ""
    repeated: bool = False


def comment_for_token(token):
    if not token:
        return None
    details = CommentDetails.objects.filter(form_token=token).select_related("comment").first()
    return details.comment if details else None


def submit_comment(form, request):
    """Save a valid form's comment through xtd's moderation, once per form token."""
    token = form.cleaned_data.get("form_token") or None
    earlier = comment_for_token(token)
    if earlier is not None:
        return Submission(earlier, repeated=True)

    pending = form.get_comment_object(site_id=get_current_site(request).id)
    pending.ip_address = request.META.get("REMOTE_ADDR") or None
    if request.user.is_authenticated:
        pending.user = request.user
    # The moderator (comments.moderation) answers here: closed post, spam filter's verdict.
    for _receiver, response in comment_will_be_posted.send(
        sender=pending.__class__, comment=pending, request=request
    ):
        if response is False:
            return Submission(refusal=pending.refusal or "Comments are closed on this post.")
    try:
        # xtd saves the comment here, then mails the author and the thread's followers.
        comment_was_posted.send(sender=pending.__class__, comment=pending, request=request)
    except MaxThreadLevelExceededException:
        return Submission(refusal="This thread is as deep as it goes: reply to an earlier comment.")
    comment = pending.xtd_comment
    if comment is None:  # xtd found an identical comment and kept that one
        return Submission(comment_for_identical(pending), repeated=True)

    # xtd mailed the followers if it is public; if held, that waits for its publication.
    details = CommentDetails(
        comment=comment, form_token=token, followers_pending=not comment.is_public
    )
    details.render(comment.comment)
    try:
        with transaction.atomic():
            details.save()
    except IntegrityError:
        # The same form arrived twice at once and the other request stored its token first.
        earlier = comment_for_token(token)
        if earlier is not None:
            comment.delete()
            return Submission(earlier, repeated=True)
        raise
    remember_in_session(request, comment)
    return Submission(comment)


def comment_for_identical(pending):
    return XtdComment.norel_objects.filter(
        user_name=pending.user_name,
        user_email=pending.user_email,
        submit_date=pending.submit_date,
    ).first()


def remember_in_session(request, comment):
    """This browser posted `comment`: it may see it while it awaits moderation."""
    posted = [pk for pk in request.session.get(SESSION_KEY, []) if pk != comment.pk]
    request.session[SESSION_KEY] = [*posted, comment.pk][-SESSION_LIMIT:]


def posted_here(request):
    session = getattr(request, "session", None)
    if session is None:
        return []
    # Reading an absent key of a browser without a session cookie costs no query.
    return [pk for pk in session.get(SESSION_KEY, []) if isinstance(pk, int)]


def notify_followers_if_published(comment):
    """Mail the thread's followers about a held comment once it is published, and only once.

    Comments public when posted were announced by xtd then; this is the same mail (xtd's own
    `notify_comment_followers`, which leaves out the comment's writer) for the ones a moderator
    published later. Returns whether the mail goes out.
    """
    if not comment.is_public or comment.is_removed:
        return False
    claimed = CommentDetails.objects.filter(comment_id=comment.pk, followers_pending=True).update(
        followers_pending=False
    )
    if not claimed:
        return False
    from django_comments_xtd.views import notify_comment_followers

    transaction.on_commit(lambda: notify_comment_followers(comment))
    return True


def ensure_details(comment):
    """Store the rendered HTML of a comment created elsewhere (the importer, the admin)."""
    details, _ = CommentDetails.objects.get_or_create(comment=comment)
    details.render(comment.comment)
    details.save(update_fields=["body_html", "body_digest"])
    return details


# --- Reading a thread ----------------------------------------------------------------------


def post_content_type():
    return ContentType.objects.get_for_model(Post)


def comments_of(post):
    return XtdComment.norel_objects.filter(
        content_type=post_content_type(),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        is_removed=False,
    )


def _count(queryset):
    counted = queryset.order_by().values("comment").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_like_counts(queryset):
    flags = CommentFlag.objects.filter(comment=OuterRef("pk"), flag=LIKEDIT_FLAG)
    likes = Like.objects.filter(comment=OuterRef("pk"))
    return queryset.annotate(flag_likes=_count(flags), visitor_likes=_count(likes))


class _UrlForPk:
    """reverse() once per process instead of once per comment on the page."""

    def __init__(self, name):
        self.name = name

    def format(self, pk):
        if not hasattr(self, "_prefix"):
            self._prefix, self._suffix = reverse(self.name, args=[0]).rsplit("0", 1)
        return f"{self._prefix}{int(pk)}{self._suffix}"


_LIKE_COMMENT_URL = _UrlForPk("comments:like_comment")
_COMMENTER_URL = _UrlForPk("comments:commenter")


def safe_website(url):
    """A commenter's website, only when it is a plain web address (imported rows included)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def avatar_html(comment):
    """Initials on a colour taken from the commenter's email: drawn here, nothing fetched."""
    name = (comment.user_name or "?").strip()
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    seed = (comment.user_email or name).strip().lower()
    hue = int(hashlib.sha256(seed.encode()).hexdigest()[:4], 16) % 360
    return format_html(
        '<span class="avatar" style="--avatar-hue: {}" aria-hidden="true">{}</span>',
        hue,
        initials,
    )


def comment_date(moment):
    """ "April 2, 2018 at 11:00 a.m.", in the site's time zone (cheaper than the date filter)."""
    when = timezone.localtime(moment)
    hour = when.hour % 12 or 12
    noon = "a.m." if when.hour < 12 else "p.m."
    return f"{when:%B} {when.day}, {when.year} at {hour}:{when.minute:02d} {noon}"


@dataclass
class Node:
    comment: XtdComment
    children: list = field(default_factory=list)
    liked: bool = False
    by_post_author: bool = False

    @property
    def header_html(self):
        """Avatar, name (linked), the author's mark and the dated permalink, built here because
        a template costs about a millisecond a comment for the same markup."""
        comment = self.comment
        website = safe_website(comment.user_url)
        if website:
            name = format_html('<a href="{}" rel="nofollow ugc">{}</a>', website, comment.user_name)
        elif comment.user_id:
            name = format_html(
                '<a href="{}">{}</a>', _COMMENTER_URL.format(comment.user_id), comment.user_name
            )
        else:
            name = comment.user_name
        if self.linkback:
            # As WordPress shows them: "Pingback: <the linking page's title>".
            name = format_html(
                '<span class="comment-kind">{}:</span> {}', self.linkback.capitalize(), name
            )
        return format_html(
            '<header class="comment-meta">{avatar}'
            '<span class="comment-author" id="c{pk}-by">{name}</span>{badge}'
            '<a class="comment-date" href="#c{pk}"><time datetime="{iso}">{date}</time></a>'
            "</header>",
            avatar=avatar_html(comment),
            pk=comment.pk,
            name=name,
            badge=mark_safe('<span class="author-badge">Author</span>')  # noqa: S308
            if self.by_post_author
            else "",
            iso=comment.submit_date.isoformat(),
            date=comment_date(comment.submit_date),
        )

    @property
    def linkback(self):
        """ "pingback" or "trackback" when the comment is one, else ""."""
        details = _details_or_none(self.comment)
        if details is None or details.kind == CommentDetails.Kind.COMMENT:
            return ""
        return details.kind

    @property
    def like_count(self):
        return self.comment.flag_likes + self.comment.visitor_likes

    @property
    def body_html(self):
        return comment_html(self.comment)

    @property
    def like_label(self):
        return liked_by(self.like_count) if self.like_count else ""

    @property
    def like_url(self):
        return _LIKE_COMMENT_URL.format(pk=self.comment.pk)

    @property
    def can_reply(self):
        comment = self.comment
        return comment.is_public and comment.level < settings.COMMENTS_XTD_MAX_THREAD_LEVEL


@dataclass
class Thread:
    post: Post
    roots: list
    nodes: dict
    public_count: int
    post_likes: int
    post_liked: bool

    def in_page_order(self):
        """Every node depth-first, each knowing how many open lists end after it.

        The template walks this flat list instead of including itself once per level, which
        keeps long threads cheap to render.
        """
        ordered = []

        def walk(nodes):
            for node in nodes:
                node.closes = 0
                ordered.append(node)
                if node.children:
                    walk(node.children)
                    ordered[-1].closes += 1

        walk(self.roots)
        for node in ordered:
            node.closing = range(node.closes)
        return ordered


def _details_or_none(comment):
    try:
        return comment.details
    except CommentDetails.DoesNotExist:
        return None


def load_thread(post, request, visitor=""):
    """The post's visible comments as a tree, from one query, plus like counts and marks.

    Visible: public and not removed, and this browser's own comments awaiting moderation.
    The number of queries does not depend on the number of comments.
    """
    own = posted_here(request)
    visible = Q(is_public=True)
    if own:
        visible |= Q(pk__in=own)
    rows = list(
        with_like_counts(comments_of(post).filter(visible))
        .select_related("user", "details")
        .order_by("thread_id", "order")
    )
    nodes = {}
    roots = []
    for comment in rows:
        node = nodes[comment.pk] = Node(
            comment,
            by_post_author=comment.user_id is not None and comment.user_id == post.author_id,
        )
        parent = nodes.get(comment.parent_id) if comment.parent_id != comment.pk else None
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
        public_count=sum(1 for comment in rows if comment.is_public),
        post_likes=Like.objects.filter(post=post).count(),
        post_liked=post_liked,
    )


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
    return f"{post.get_absolute_url()}#c{comment.pk}"


# --- Likes ---------------------------------------------------------------------------------


@dataclass
class LikeResult:
    counted: bool
    count: int
    limited: bool = False


def new_visitor_key():
    return secrets.token_urlsafe(16)


def _ip_allows(request, target_key):
    """At most COMMENTS_LIKES_PER_IP anonymous likes of one thing from one address a day."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    key = f"comments:likes:{digest}:{target_key}"
    cache.add(key, 0, timeout=24 * 60 * 60)
    try:
        return cache.incr(key) <= settings.COMMENTS_LIKES_PER_IP
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=24 * 60 * 60)
        return True


def like_count(post=None, comment=None):
    if post is not None:
        return Like.objects.filter(post=post).count()
    return (
        CommentFlag.objects.filter(comment=comment, flag=LIKEDIT_FLAG).count()
        + Like.objects.filter(comment=comment).count()
    )


def like(request, visitor, *, post=None, comment=None):
    """Count one like of `post` or `comment` by this reader, never two."""
    target = {"post": post} if post is not None else {"comment": comment}
    created = False
    limited = False
    try:
        with transaction.atomic():
            if request.user.is_authenticated and comment is not None:
                _flag, created = CommentFlag.objects.get_or_create(
                    comment=comment, user=request.user, flag=LIKEDIT_FLAG
                )
            elif request.user.is_authenticated:
                _like, created = Like.objects.get_or_create(user=request.user, **target)
            elif Like.objects.filter(visitor=visitor, **target).exists():
                created = False
            elif _ip_allows(request, f"p{post.pk}" if post is not None else f"c{comment.pk}"):
                Like.objects.create(visitor=visitor, **target)
                created = True
            else:
                limited = True
    except IntegrityError:  # the same reader's two clicks raced each other
        created = False
    return LikeResult(counted=created, count=like_count(**target), limited=limited)
