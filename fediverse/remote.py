"""Talking to other servers: fetching their actors, with short timeouts, a size cap, and never
to a private or loopback address (unless FEDIVERSE_ALLOW_PRIVATE_ADDRESSES, for tests)."""

import datetime
import ipaddress
import json
import socket
import time
from urllib.parse import urldefrag, urlsplit

import httpx
from django.conf import settings
from django.utils import timezone

from .models import RemoteActor

ACTIVITY_JSON = "application/activity+json"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_DOCUMENT_BYTES = 512 * 1024
FRESH_SECONDS = 60


class RemoteError(Exception):
    """Another server could not be asked, or answered something we cannot use."""


class PassingError(RemoteError):
    """A failure that may go away by itself (a timeout, a 5xx): worth trying again later."""


def timeout():
    return httpx.Timeout(
        settings.FEDIVERSE_READ_TIMEOUT,
        connect=settings.FEDIVERSE_CONNECT_TIMEOUT,
    )


def check_address(url):
    """Refuse `url` unless it is https (or http in tests) to a host with only public addresses.

    The name is resolved again by the client that connects, so a name that changes its
    addresses in between can still slip through; a proxy that filters is the full answer.
    """
    parts = urlsplit(url)
    allow_private = settings.FEDIVERSE_ALLOW_PRIVATE_ADDRESSES
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise RemoteError(f"refused address {url!r}")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise PassingError(f"cannot resolve {parts.hostname}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise RemoteError(f"{parts.hostname} is a private address")


def get_json(url):
    """The JSON document at `url`, asked for as ActivityPub."""
    check_address(url)
    limit = settings.FEDIVERSE_CONNECT_TIMEOUT + settings.FEDIVERSE_READ_TIMEOUT
    deadline = time.monotonic() + limit
    try:
        with httpx.stream(
            "GET", url, headers={"Accept": ACCEPT}, timeout=timeout(), follow_redirects=False
        ) as response:
            if response.status_code >= 500 or response.status_code == 429:
                raise PassingError(f"{url} answered {response.status_code}")
            if response.status_code != 200:
                raise RemoteError(f"{url} answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES or time.monotonic() > deadline:
                    raise RemoteError(f"{url} sent too much or too slowly")
    except httpx.HTTPError as exc:
        raise PassingError(f"{url}: {exc}") from exc
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise RemoteError(f"{url} did not answer JSON") from exc
    if not isinstance(document, dict):
        raise RemoteError(f"{url} did not answer an object")
    return document


def fetch_actor(actor_id, *, fresh=False):
    """The actor document of `actor_id`, from our copy unless it is older than
    FEDIVERSE_ACTOR_CACHE_SECONDS, or older than FRESH_SECONDS when `fresh` is asked for (a
    peer's new key: a stream of badly signed POSTs then costs one fetch a minute, not one each)."""
    actor_id = urldefrag(actor_id).url
    seconds = FRESH_SECONDS if fresh else settings.FEDIVERSE_ACTOR_CACHE_SECONDS
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    cached = RemoteActor.objects.filter(actor_id=actor_id, fetched_at__gte=since).first()
    if cached is not None:
        return cached.document
    document = get_json(actor_id)
    if document.get("id") != actor_id:
        raise RemoteError(f"{actor_id} answered for {document.get('id')!r}")
    RemoteActor.objects.update_or_create(
        actor_id=actor_id, defaults={"document": document, "fetched_at": timezone.now()}
    )
    return document


def actor_key(actor, key_id):
    """The PEM of `actor`'s public key `key_id`, or None."""
    found = actor.get("publicKey")
    for key in found if isinstance(found, list) else [found]:
        if (
            isinstance(key, dict)
            and key.get("id") == key_id
            and key.get("owner") == actor.get("id")
            and isinstance(key.get("publicKeyPem"), str)
        ):
            return key["publicKeyPem"]
    return None


def public_key_for(key_id, fresh=False):
    """The PEM of a remote `key_id` (the actor's id with a #fragment, as Mastodon's), or None."""
    try:
        return actor_key(fetch_actor(key_id, fresh=fresh), key_id)
    except RemoteError:
        return None


def inboxes(actor):
    """(inbox, shared inbox or "") of an actor document."""
    inbox = actor.get("inbox")
    if not isinstance(inbox, str):
        raise RemoteError(f"{actor.get('id')} has no inbox")
    endpoints = actor.get("endpoints")
    shared = endpoints.get("sharedInbox", "") if isinstance(endpoints, dict) else ""
    return inbox, shared if isinstance(shared, str) else ""
