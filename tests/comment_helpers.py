"""Helpers for the comment tests: filled-in comment forms and the thread as a reader sees it."""

import re
from html.parser import HTMLParser

from django.urls import reverse
from django_comments_xtd.models import XtdComment

from comments.forms import CommentForm

POST_URL = reverse("comments:post")


def comment_data(post, **fields):
    """What a browser sends from the form under `post`."""
    form = CommentForm(post)
    data = {
        key: form.initial[key]
        for key in ("content_type", "object_pk", "timestamp", "security_hash", "form_token")
    }
    data.update(reply_to=0, name="Ana Lima", email="ana@example.org", url="", comment="Hello!")
    data.update(fields)
    return data


def add_comment(post, text="A comment.", parent=None, **fields):
    """A comment saved directly, as the WordPress importer does."""
    comment = XtdComment(
        content_object=post,
        site_id=1,
        user_name=fields.pop("user_name", "Reader"),
        user_email=fields.pop("user_email", "reader@example.org"),
        comment=text,
        parent_id=parent.pk if parent else 0,
        **fields,
    )
    comment.save()
    return comment


class _ThreadParser(HTMLParser):
    """Parent of each comment <li id="cN"> as nested in the page (None for top level)."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.parents = {}

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        ident = dict(attrs).get("id", "")
        match = re.fullmatch(r"c(\d+)", ident or "")
        pk = int(match.group(1)) if match else None
        if pk is not None:
            enclosing = [item for item in self.stack if item is not None]
            self.parents[pk] = enclosing[-1] if enclosing else None
        self.stack.append(pk)

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()


def thread_parents(html):
    parser = _ThreadParser()
    parser.feed(html)
    return parser.parents
