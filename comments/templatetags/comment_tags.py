import hashlib

from django import template
from django.conf import settings
from django.utils.html import format_html

from blog.models import Post
from comments import services
from comments.forms import CommentForm
from comments.moderation import PostCommentModerator
from comments.views import reader_key, remembered_author

register = template.Library()


def _requested_parent(request, thread):
    try:
        parent_id = int(request.GET.get("replytocom", ""))
    except ValueError:
        return None
    node = thread.nodes.get(parent_id)
    return node if node is not None and node.can_reply else None


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, post):
    """The thread under a post, its likes, and the form (a reply form with ?replytocom=ID)."""
    request = context["request"]
    thread = services.load_thread(post, request, visitor=reader_key(request))
    is_open = PostCommentModerator(Post).is_open(post)
    reply_to = _requested_parent(request, thread) if is_open else None
    form = None
    if is_open:
        initial = remembered_author(request)
        initial["remember"] = bool(initial)
        if reply_to is not None:
            initial["reply_to"] = reply_to.comment.pk
        form = CommentForm(post, initial=initial)
    return {
        "request": request,
        "user": context.get("user"),
        "post": post,
        "thread": thread,
        "form": form,
        "comments_open": is_open,
        "reply_to": reply_to,
        "post_likes_label": services.liked_by(thread.post_likes),
    }


@register.inclusion_tag("comments/_recent.html")
def recent_comments(limit=5):
    return {"recent": services.recent_comments(limit)}


@register.simple_tag
def avatar(comment):
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


@register.filter
def website(url):
    """A commenter's website, only when it is a plain web address (imported rows included)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


@register.filter
def is_post_author(comment, post):
    return comment.user_id is not None and comment.user_id == post.author_id


@register.simple_tag
def max_thread_level():
    return settings.COMMENTS_XTD_MAX_THREAD_LEVEL
