from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.functional import cached_property

from blog.models import Post
from comments import likes, threads
from comments.forms import CommentForm
from comments.links import absolute_url
from comments.moderation import PostCommentModerator
from comments.readers import reader_key, remembered_author
from infra import pages
from infra.markup import html_to_text

register = template.Library()


def _requested_page(request, post):
    """?cpage=N, or the page of the comment a reader replies to (?replytocom=ID)."""
    try:
        if "replytocom" in request.GET and threads.per_page():
            parent = threads.comments_of(post).filter(pk=int(request.GET["replytocom"])).first()
            return threads.page_of(parent) if parent is not None else 1
        return int(request.GET.get("cpage", "1"))
    except ValueError:
        return 1


def _requested_parent(request, post):
    """The comment a reader replies to (?replytocom=ID), when it may have replies."""
    try:
        parent_id = int(request.GET.get("replytocom", ""))
    except ValueError:
        return None
    parent = threads.comments_of(post).filter(pk=parent_id, is_public=True).first()
    return parent if parent and parent.level < settings.COMMENTS_XTD_MAX_THREAD_LEVEL else None


class Section:
    """A post's comment section for one request. The thread is what every reader without an
    account sees alike: loaded only when its kept markup (`{% cache %}` under the content
    version) is missing. The rest (their held comments, their likes, the form) is this
    reader's and costs a few small queries."""

    def __init__(self, request, post, page):
        self.request = request
        self.post = post
        self.page = page

    @cached_property
    def shared(self):
        """Whether this reader sees the thread as everyone does: no account, and no like of a
        comment here to show as pressed."""
        return not self.request.user.is_authenticated and not self.liked_comments

    @cached_property
    def thread(self):
        thread = threads.load_thread(self.post, self.page)
        if not self.shared:
            for node in thread.nodes:
                node.liked = node.pk in self.liked_comments
        return thread

    @cached_property
    def _reader_likes(self):
        return threads.likes_by_reader(self.post, self.request.user, reader_key(self.request))

    @property
    def liked_comments(self):
        return self._reader_likes[0]

    @property
    def post_liked(self):
        return self._reader_likes[1]


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, post):
    """The thread under a post, its likes, and the form (a reply form with ?replytocom=ID)."""
    request = context["request"]
    section = Section(request, post, _requested_page(request, post))
    is_open = PostCommentModerator(Post).is_open(post)
    reply_to = _requested_parent(request, post) if is_open else None
    held = threads.held_for(post, request)
    form = None
    if is_open:
        initial = remembered_author(request)
        initial["remember"] = bool(initial)
        if reply_to is not None:
            initial["reply_to"] = reply_to.pk
        form = CommentForm(post, initial=initial)
    return {
        "request": request,
        "user": request.user,
        "post": post,
        "post_url": post.get_absolute_url(),
        # Only logged-in readers' forms carry a token (see infra.csrf.csrf_for_signed_in).
        "csrf_value": get_token(request) if request.user.is_authenticated else "",
        "section": section,
        "thread_version": pages.version(pages.CONTENT) if section.shared else "",
        "posts_version": pages.version(pages.POSTS) if section.shared else "",
        "keep_seconds": pages.KEEP_SECONDS,
        "held": held,
        "held_groups": [threads.Group(nodes=held)],
        "form": form,
        "comments_open": is_open,
        "reply_to": reply_to,
        "post_likes_label": threads.liked_by(likes.like_count(post=post)),
    }


@register.inclusion_tag("comments/_recent.html")
def recent_comments(limit=5):
    return {"recent": threads.recent_comments(limit)}


@register.filter
def website(url):
    return threads.safe_website(url)


@register.filter
def is_post_author(comment, post):
    return comment.user_id is not None and comment.user_id == post.author_id


@register.simple_tag
def max_thread_level():
    return settings.COMMENTS_XTD_MAX_THREAD_LEVEL


@register.simple_tag
def absolute(path):
    """`path` on this site as a full address, for mail (see SITE_URL)."""
    return absolute_url(path)


@register.filter
def comment_as_text(comment):
    return html_to_text(threads.comment_html(comment))
