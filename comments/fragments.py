"""Each comment's markup, rendered once and stored with it for every reader it looks the same to.

A thread (comments.threads) is read as rows; here the rows whose stored markup is missing or
out of date, and those that look different for this reader (held, liked, their own), are loaded
in full and rendered from `comments/_comment.html`.
"""

import contextlib
import hashlib

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.template.loader import get_template
from django_comments_xtd.models import XtdComment

from blog import pagecache

from .models import CommentDetails

FRAGMENT_TEMPLATE = "comments/_comment.html"


def fragment_key(node, shared_part):
    """What a comment's shared markup is made of; a change to any of it renders it again.

    `shared_part`: what every comment of the page shares (`thread_key`).
    """
    parts = (
        node.pk,
        node.text,
        node.user_name,
        node.user_url,
        node.user_email,
        node.user_id,
        node.submit_date,
        node.is_public,
        node.by_post_author,
        node.linkback,
        node.like_count,
        node.level,
        shared_part,
    )
    return hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()


def thread_key(context):
    parts = (context["post_url"], context["comments_open"], pagecache.fingerprint())
    return repr(parts)


def render_nodes(thread, context, *, shared):
    """Give each node its markup (`node.html`).

    For a reader without an account (`shared`), a comment they neither liked nor wrote looks
    the same as for everyone: its markup is rendered once, stored with the comment and reused
    until something it shows changes. The others are loaded in one query and rendered for this
    reader.
    """
    shared_part = thread_key(context)
    to_render = []
    stale = {}
    for node in thread.nodes.values():
        if not shared or node.liked or not node.is_public:
            to_render.append(node)
            continue
        key = fragment_key(node, shared_part)
        if node.fragment_key == key:
            node.html = node.fragment_html  # joined and marked safe by Thread.html
            continue
        to_render.append(node)
        stale[node.pk] = key
    if not to_render:
        return
    template = get_template(FRAGMENT_TEMPLATE)
    common = {
        "post_url": context["post_url"],
        "comments_open": context["comments_open"],
        "csrf_value": "",
        "user": AnonymousUser(),
    }
    comments = comments_by_pk([node.pk for node in to_render])
    kept = []
    missing = []
    for node in to_render:
        node.comment = comments[node.pk]
        if node.pk not in stale:
            node.html = template.render({**context, "node": node})
            continue
        node.html = template.render({**common, "node": node})
        if node.kind is not None:
            kept.append((node.html, stale[node.pk], node.pk))
        else:  # written without this site's details (in the admin, say): they start here
            details = CommentDetails(
                comment_id=node.pk, fragment_html=node.html, fragment_key=stale[node.pk]
            )
            details.render(node.comment.comment)
            missing.append(details)
    if kept or missing:
        # Kept for the next reader; if the database is busy, the next reader renders them.
        with contextlib.suppress(DatabaseError):
            store_fragments(kept, missing)


def comments_by_pk(pks):
    return XtdComment.norel_objects.select_related("details").defer("ip_address").in_bulk(pks)


def store_fragments(rows, new_details=()):
    """Write the rendered markup of many comments in one statement (Django's bulk_update
    builds a CASE per row and field, which costs more than the rendering).

    `rows`: (markup, key, comment id) tuples; `new_details`: CommentDetails of comments that had
    none yet.
    """
    table = connection.ops.quote_name(CommentDetails._meta.db_table)
    sql = f"UPDATE {table} SET fragment_html = %s, fragment_key = %s WHERE comment_id = %s"  # noqa: S608
    with transaction.atomic():
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        if new_details:
            CommentDetails.objects.bulk_create(new_details, ignore_conflicts=True)
