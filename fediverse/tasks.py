"""Deliveries to other servers' inboxes, signed, from the task worker (never in a request)."""

import json
import logging

import httpx
from django_tasks import task

from infra.tasks import retry

from . import documents, keys, remote, signatures
from .models import Follower

logger = logging.getLogger(__name__)


def post_signed(inbox, activity):
    """POST `activity` to `inbox`, signed by the blog; RemoteError/PassingError on failure."""
    remote.check_address(inbox)
    body = json.dumps(activity).encode()
    headers = signatures.signed_headers(
        "POST",
        inbox,
        body,
        key_id=documents.key_id(),
        private_pem=keys.blog_key().private_key_pem,
    )
    headers["Content-Type"] = remote.ACTIVITY_JSON
    try:
        response = httpx.post(inbox, content=body, headers=headers, timeout=remote.timeout())
    except httpx.HTTPError as exc:
        raise remote.PassingError(f"{inbox}: {exc}") from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise remote.PassingError(f"{inbox} answered {response.status_code}")
    if response.status_code >= 400:
        raise remote.RemoteError(f"{inbox} answered {response.status_code}")


@task()
def deliver(inbox, activity, attempt=0):
    """Deliver one activity to one inbox; a passing failure tries again later
    (TASKS_RETRY_DELAYS), a refusal (4xx, a private address) gives up at once."""
    try:
        post_signed(inbox, activity)
    except remote.PassingError as exc:
        if not retry(deliver, attempt, inbox, activity):
            raise
        logger.warning("%s to %s not delivered (%s); retrying", activity["type"], inbox, exc)
        return f"retry {attempt + 1} scheduled"
    return "delivered"


@task()
def fan_out(activity):
    """Queue `activity` to every follower's server: its shared inbox once, or each follower's
    own inbox where the server has none."""
    inboxes = sorted(
        {f.shared_inbox or f.inbox for f in Follower.objects.only("inbox", "shared_inbox")}
    )
    for inbox in inboxes:
        deliver.enqueue(inbox, activity)
    return f"{len(inboxes)} inboxes"
