"""What arrives in the blog's inbox, and what it sends back."""

import datetime
import hashlib
import json
import logging
import uuid

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from blog.models import Post

from . import documents, remote
from .models import Broadcast, Follower
from .tasks import deliver, fan_out

# Posts that went live longer ago than this are never sent (an import, a blog that just joined).
SEND_WITHIN_HOURS = 48

logger = logging.getLogger(__name__)


class Refused(Exception):
    """An activity we will not act on (it does not concern us, or is not the signer's)."""


def _id(value):
    """The id of an object given inline or by reference."""
    return value.get("id") if isinstance(value, dict) else value


def receive(activity, signer):
    """Act on an `activity` signed by the actor `signer` (its id); returns what was done."""
    if not isinstance(activity, dict) or _id(activity.get("actor")) != signer:
        raise Refused("the activity is not the signer's")
    kind = activity.get("type")
    if kind == "Follow":
        return follow(activity, signer)
    if kind == "Undo" and isinstance(activity.get("object"), dict):
        undone = activity["object"]
        if undone.get("type") == "Follow" and _id(undone.get("actor")) == signer:
            return unfollow(signer)
    return "ignored"


def follow(activity, signer):
    """Store the follower and queue our Accept to its inbox (in the same transaction)."""
    if _id(activity.get("object")) != documents.actor_id():
        raise Refused("a Follow of someone else")
    inbox, shared_inbox = remote.inboxes(remote.fetch_actor(signer))
    accept = {
        "@context": documents.AS_CONTEXT,
        "id": f"{documents.actor_id()}#accepts/{uuid.uuid4()}",
        "type": "Accept",
        "actor": documents.actor_id(),
        "object": activity,
    }
    with transaction.atomic():
        Follower.objects.update_or_create(
            actor_id=signer,
            defaults={
                "inbox": inbox,
                "shared_inbox": shared_inbox,
                "follow_id": _id(activity) if isinstance(_id(activity), str) else "",
            },
        )
        deliver.enqueue(inbox, accept)
    return "followed"


def unfollow(signer):
    Follower.objects.filter(actor_id=signer).delete()
    return "unfollowed"


# --- Posts going out -------------------------------------------------------------------------


def sweep(now=None):
    """The worker's minute: tell followers of each post that went live within
    SEND_WITHIN_HOURS (once), and of every change to a post they were told of."""
    if not Follower.objects.exists():
        return []
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=SEND_WITHIN_HOURS)
    due = Post.objects.published().filter(published_at__gte=since, fediverse_broadcast__isnull=True)
    created = [post for post in due.order_by("published_at") if broadcast(post)]
    # Edited or deleted since last sent; or taken back to a date to come and live again by
    # the clock, which no edit marks.
    changed = Broadcast.objects.filter(
        Q(post__isnull=True, deleted=False)
        | Q(post__updated_at__gt=F("sent_at"))
        | Q(deleted=True, post__in=Post.objects.published())
    )
    for pk in changed.values_list("pk", flat=True):
        tell_change(pk, now)
    return created


def _digest(document):
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def broadcast(post):
    """Queue the Create of `post` to the followers unless it was sent already; True if queued."""
    if not post.is_public:
        return False
    activity = documents.create(post)
    with transaction.atomic():
        _, created = Broadcast.objects.get_or_create(
            post=post,
            defaults={
                "object_id": activity["object"]["id"],
                "sent_at": post.updated_at,
                "sent_digest": _digest(activity["object"]),
            },
        )
        if created:
            fan_out.enqueue(activity)
    return created


def tell_change(broadcast_id, now=None):
    """Send what changed in a broadcast post since the followers last heard: an Update, a
    Delete (no longer public, or deleted), or a Create again (public again). Returns its type."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            Broadcast.objects.select_for_update(of=("self",))
            .select_related("post")
            .get(pk=broadcast_id)
        )
        post = row.post
        activity = None
        if post is None or not post.is_public:
            if not row.deleted:
                activity = documents.delete(row.object_id, now)
                row.deleted = True
        else:
            obj = documents.article(post)
            if row.deleted:
                activity = documents.create(post)
            elif _digest(obj) != row.sent_digest:
                activity = documents.update(post, now)
            row.deleted = False
            row.object_id = obj["id"]
            row.sent_digest = _digest(obj)
        # The version of the post the followers now know (the sweep compares it).
        row.sent_at = post.updated_at if post is not None else now
        row.save()
        if activity is not None:
            fan_out.enqueue(activity)
    return activity["type"] if activity else None
