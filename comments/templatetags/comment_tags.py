import time

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from blog import pagecache
from blog.markup import html_to_text
from blog.models import Post
from comments import fragments, threads
from comments.forms import CommentForm
from comments.links import absolute_url
from comments.moderation import PostCommentModerator
from comments.readers import reader_key, remembered_author

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
    thread = threads.load_thread(
        post, request, visitor=reader_key(request), page=_requested_page(request, post)
    )
    is_open = PostCommentModerator(Post).is_open(post)
    reply_to = _requested_parent(request, thread) if is_open else None
    form = form_html = None
    if is_open:
        initial = remembered_author(request)
        if initial or reply_to is not None or request.user.is_authenticated:
            initial["remember"] = bool(initial)
            if reply_to is not None:
                initial["reply_to"] = reply_to.pk
            form = CommentForm(post, initial=initial)
        else:
            form_html = blank_form(request, post)
    context = {
        "request": request,
        "user": context.get("user"),
        "post": post,
        # Worked out once here rather than once per comment in the templates.
        "post_url": post.get_absolute_url(),
        # Only logged-in readers' forms carry a token (see comments.views.csrf_for_signed_in).
        "csrf_value": get_token(request) if request.user.is_authenticated else "",
        "thread": thread,
        "form": form,
        "form_html": form_html,
        "comments_open": is_open,
        "reply_to": reply_to,
        "post_likes_label": threads.liked_by(thread.post_likes),
    }
    fragments.render_nodes(thread, context, shared=not request.user.is_authenticated)
    return context


def blank_form(request, post):
    """The form every anonymous reader gets who is not replying and asked us to remember
    nothing: rendered once an hour, when pages are stamped anew (blog.pagecache), and kept
    with the posts' cached parts."""
    stamp = int(time.time() // pagecache.FORM_STAMP_SECONDS)

    def render():
        context = {
            "request": request,
            "user": AnonymousUser(),
            "post": post,
            "form": CommentForm(post, initial={"remember": False}),
        }
        return render_to_string("comments/_form.html", context)

    name = f"comment-form:{post.pk}:{stamp}"
    # One per post and hour: gone soon after its hour, like the pages that carry it.
    form = pagecache.remembered(name, render, timeout=2 * pagecache.FORM_STAMP_SECONDS)
    return mark_safe(form)  # noqa: S308 (rendered from the form's template)


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
