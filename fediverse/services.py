"""What arrives in the blog's inbox, and what it sends back."""

import datetime
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from blog.models import Post

from . import documents, remote
from .models import Broadcast, Follower
from .tasks import deliver, send_post

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
    """The worker's minute: send each post that went live within SEND_WITHIN_HOURS, once."""
    if not Follower.objects.exists():
        return []
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=SEND_WITHIN_HOURS)
    due = Post.objects.published().filter(published_at__gte=since, fediverse_broadcast__isnull=True)
    return [post for post in due.order_by("published_at") if broadcast(post)]


def broadcast(post):
    """Queue the Create of `post` to the followers unless it was sent already; True if queued."""
    if not post.is_public:
        return False
    with transaction.atomic():
        row, created = Broadcast.objects.get_or_create(post=post)
        if created:
            send_post.enqueue(row.pk)
    return created
