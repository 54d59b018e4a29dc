"""A post page's frame, kept apart from its comments.

Everything on a post's page but the comment section (the head, the menus, the article, the
footer) is the same for every reader until a post changes. It is rendered once per posts'
version (blog.pagecache.posts_version) and kept in the page cache as the markup before and after
the comments. A page built afresh, after a new comment or for a reader with a cookie, then costs
one cache read and its comment section.
"""

import contextlib
import hashlib
import secrets

from django.contrib import messages
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import pagecache

# Where the comments go; a new mark in every process, so no post can contain it.
MARK = mark_safe(f"<!--comments-{secrets.token_hex(12)}-->")  # noqa: S308
# A frame is filed under a version that any post edit moves: the ones left behind expire with
# the pages cached around them instead of filling the cache.
KEEP_SECONDS = 2 * pagecache.FORM_STAMP_SECONDS


def shell_key(request, post, version):
    parts = f"{post.pk}|{version}|{request.scheme}|{request.get_host()}"
    return "shell:" + hashlib.sha256(parts.encode()).hexdigest()


def render(request, context, page_template, comments_template):
    """The page of `context["post"]`: its frame, from the cache when it is there, around its
    comment section rendered for this request. The page template shows `comments_html`."""
    post = context["post"]
    comments = render_to_string(comments_template, {"post": post}, request)
    if len(messages.get_messages(request)):
        # A message shows in the frame once, for this reader: not a frame to keep.
        return render_to_string(page_template, {**context, "comments_html": comments}, request)
    key = shell_key(request, post, context["posts_version"])
    shell = None
    with contextlib.suppress(Exception):  # an unreachable cache: the frame every time
        shell = pagecache.cache().get(key)
    if shell is None:
        page = render_to_string(page_template, {**context, "comments_html": MARK}, request)
        shell = page.split(MARK)
        if len(shell) != 2:
            return page.replace(MARK, comments)
        with contextlib.suppress(Exception):
            pagecache.cache().set(key, shell, timeout=KEEP_SECONDS)
    before, after = shell
    return f"{before}{comments}{after}"
