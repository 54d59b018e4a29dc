"""Doors blog/ leaves for the apps built on it, so that it never reaches up to them.

Lists and the admin show how many comments a post has; which rows are a post's comments is
the comments app's to say (comments.apps fills `provide_post_comments`).
"""

_post_comments = None


def provide_post_comments(rows):
    """`rows()`: a queryset of the posts' comments that are not removed, whose text
    `object_pk` names the post."""
    global _post_comments
    _post_comments = rows


def post_comments():
    """That queryset, or None when no comments app is installed."""
    return _post_comments() if _post_comments is not None else None
