"""What arrives in the blog's inbox, and what it sends back."""

import logging
import uuid

from django.db import transaction

from . import documents, remote
from .models import Follower
from .tasks import deliver

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
