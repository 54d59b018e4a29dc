import json
import logging
from urllib.parse import urldefrag

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from blog.models import Post
from infra.clients import client_ip
from infra.links import absolute_url
from infra.ratelimit import over_limit

from . import documents, remote, services, signatures
from .models import Follower

logger = logging.getLogger(__name__)

ACTIVITY_TYPES = ("application/activity+json", "application/ld+json")
OUTBOX_ITEMS = 20
# POSTs to the inbox from one address per minute; a busy Mastodon server sends a few a second.
INBOX_PER_MINUTE = 600


def activity_json(document, status=200):
    return JsonResponse(document, status=status, content_type=remote.ACTIVITY_JSON)


def wants_activity(request):
    accept = request.headers.get("Accept", "")
    return any(kind in accept for kind in ACTIVITY_TYPES)


@require_GET
def webfinger(request):
    resource = request.GET.get("resource", "")
    if not resource:
        return HttpResponseBadRequest("resource missing")
    name, _, host = resource.removeprefix("acct:").lstrip("@").partition("@")
    ours = resource == documents.actor_id() or (
        resource.startswith("acct:")
        and name.lower() == documents.account_name().lower()
        and host.lower() in {documents.account_host().lower(), request.get_host().lower()}
    )
    if not ours:
        raise Http404("no such account")
    response = JsonResponse(documents.webfinger(), content_type="application/jrd+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def nodeinfo_index(request):
    return JsonResponse(documents.nodeinfo_links())


@require_GET
def nodeinfo(request, version):
    if version not in ("2.0", "2.1"):
        raise Http404
    document = documents.nodeinfo(version, Post.objects.published().count())
    schema = f"http://nodeinfo.diaspora.software/ns/schema/{version}#"
    return JsonResponse(document, content_type=f'application/json; profile="{schema}"')


@require_GET
def actor(request):
    """The blog's actor: JSON for fediverse servers, a profile page for browsers. The page
    cache keys by address alone, so neither answer may be kept there."""
    if wants_activity(request):
        response = activity_json(documents.actor())
    else:
        address = f"@{documents.account_name()}@{documents.account_host()}"
        response = render(request, "fediverse/profile.html", {"fediverse_address": address})
    patch_vary_headers(response, ["Accept"])
    patch_cache_control(response, private=True)
    return response


@require_GET
def outbox(request):
    posts = Post.objects.published().order_by("-published_at")
    items = [documents.create(post) for post in posts[:OUTBOX_ITEMS]]
    url = absolute_url(reverse("fediverse:outbox"))
    return activity_json(documents.collection(url, posts.count(), items))


@require_GET
def followers(request):
    """How many follow the blog; who they are is theirs to show."""
    url = absolute_url(reverse("fediverse:followers"))
    response = activity_json(documents.collection(url, Follower.objects.count()))
    # The page cache's versions do not move when someone follows: not for the shared cache.
    patch_cache_control(response, private=True)
    return response


@csrf_exempt
@require_POST
def inbox(request):
    if over_limit("fediverse-inbox", client_ip(request), INBOX_PER_MINUTE, 60):
        return HttpResponse("slow down", status=429, headers={"Retry-After": "60"})
    limit = settings.FEDIVERSE_INBOX_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HttpResponseBadRequest("bad Content-Length")
    if declared > limit:
        return HttpResponse("too large", status=413)
    body = request.body
    if len(body) > limit:
        return HttpResponse("too large", status=413)
    try:
        key_id = signatures.check(request, body, remote.public_key_for)
    except signatures.SignatureError as exc:
        logger.info("Inbox POST refused: %s", exc)
        return HttpResponse("signature required", status=401)
    try:
        activity = json.loads(body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    try:
        services.receive(activity, urldefrag(key_id).url)
    except services.Refused as exc:
        logger.info("Inbox activity refused: %s", exc)
        return HttpResponse(status=403)
    except remote.RemoteError as exc:
        logger.info("Inbox activity not handled: %s", exc)
        return HttpResponse(status=400)
    return HttpResponse(status=202)
