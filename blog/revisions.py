"""Post revisions: every save keeps the post's title and body, plus what other apps register.

blog/ knows nothing of reviews; the reviews app registers a pair of functions here in its
AppConfig.ready(): one that turns a post's review into JSON-ready data, one that puts such data
back. A revision stores those snapshots under the name they were registered with.
"""

from django.db import transaction

from .models import Revision

_parts = {}


def register(name, snapshot, restore):
    """snapshot(post) -> JSON-ready data (or None); restore(post, data) puts it back."""
    _parts[name] = (snapshot, restore)


def snapshot(post):
    return {
        "title": post.title,
        "body": post.body,
        "data": {name: take(post) for name, (take, _put) in _parts.items()},
    }


def record(post, user=None):
    """Store the post as it is now, unless the latest revision already has exactly this."""
    state = snapshot(post)
    latest = post.revisions.order_by("-created_at", "-id").first()
    if latest and (latest.title, latest.body, latest.data) == (
        state["title"],
        state["body"],
        state["data"],
    ):
        return latest
    return Revision.objects.create(post=post, user=user, **state)


@transaction.atomic
def restore(revision, user=None):
    """Put the post back as the revision has it, and record that as the newest revision."""
    post = revision.post
    post.title = revision.title
    post.body = revision.body
    post.save()
    for name, (_take, put) in _parts.items():
        if name in revision.data:
            put(post, revision.data[name])
    return record(post, user)
