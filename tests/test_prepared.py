"""PreparedQuery: a queryset compiled once gives the rows the ORM gives, for any values."""

import datetime

import pytest
from django.db.models import Count
from django_comments_xtd.models import XtdComment

from blog.models import Post
from blog.prepared import PreparedQuery
from comments.threads import ROW_FIELDS, post_content_type

from .comment_helpers import add_comment
from .factories import make_post

pytestmark = pytest.mark.django_db


def comment_rows(content_type, object_pk):
    return (
        XtdComment.norel_objects.filter(content_type_id=content_type, object_pk=object_pk)
        .order_by("thread_id", "order")
        .values_list(*ROW_FIELDS)
    )


def test_rows_match_the_orm_for_each_set_of_values():
    prepared = PreparedQuery(XtdComment, comment_rows, text={"object_pk"})
    posts = [make_post("First"), make_post("Second"), make_post("Empty")]
    add_comment(posts[0], "One on the first")
    add_comment(posts[0], "Two on the first")
    add_comment(posts[1], "One on the second")
    content_type = post_content_type().pk
    for post in [*posts, posts[0]]:
        values = {"content_type": content_type, "object_pk": str(post.pk)}
        rows = prepared.rows(**values)
        assert rows == list(comment_rows(**values))
    first = prepared.rows(content_type=content_type, object_pk=str(posts[0].pk))
    assert [row[ROW_FIELDS.index("comment")] for row in first] == [
        "One on the first",
        "Two on the first",
    ]
    assert isinstance(first[0][ROW_FIELDS.index("submit_date")], datetime.datetime)


def test_grouped_counts_and_a_value_the_orm_rewrites():
    def titles_by_status(status):
        return (
            Post.objects.filter(status=status)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )

    prepared = PreparedQuery(Post, titles_by_status, text={"status"})
    make_post("Published")
    make_post("Draft", status=Post.Status.DRAFT)
    assert prepared.rows(status=Post.Status.DRAFT) == [("draft", 1)]
    assert prepared.rows(status=Post.Status.PUBLISHED) == [("published", 1)]

    # A value the ORM turns into something else (here a LIKE pattern) is not found among the
    # parameters: the queryset is then built on every call, and the rows are still right.
    def starting_with(prefix):
        return Post.objects.filter(title__startswith=prefix).values_list("title")

    fallback = PreparedQuery(Post, starting_with, text={"prefix"})
    assert fallback.rows(prefix="Dra") == [("Draft",)]
    assert fallback.rows(prefix="Pub") == [("Published",)]
    assert fallback._compiled == {"default": False}  # tried once, and remembered it cannot
