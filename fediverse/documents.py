"""What the blog says about itself in ActivityPub, WebFinger and NodeInfo: plain data."""

from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from infra.links import absolute_url

from .keys import blog_key

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
CONTEXT = [AS_CONTEXT, "https://w3id.org/security/v1"]


def account_name():
    return settings.FEDIVERSE_NAME or slugify(settings.BLOG_TITLE) or "blog"


def account_host():
    """The host in the blog's address, @name@host: the one of its actor's URL."""
    return urlsplit(actor_id()).netloc


def actor_id():
    return absolute_url(reverse("fediverse:actor"))


def key_id():
    return actor_id() + "#main-key"


def actor():
    """The blog's actor document (a Service that posts the reviews)."""
    me = actor_id()
    return {
        "@context": CONTEXT,
        "id": me,
        "type": "Service",
        "preferredUsername": account_name(),
        "name": settings.BLOG_TITLE,
        "summary": settings.BLOG_TAGLINE,
        "url": me,  # browsers get the profile page there
        "inbox": absolute_url(reverse("fediverse:inbox")),
        "outbox": absolute_url(reverse("fediverse:outbox")),
        "followers": absolute_url(reverse("fediverse:followers")),
        "endpoints": {"sharedInbox": absolute_url(reverse("fediverse:inbox"))},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": key_id(), "owner": me, "publicKeyPem": blog_key().public_key_pem},
    }


def webfinger():
    me = actor_id()
    return {
        "subject": f"acct:{account_name()}@{account_host()}",
        "aliases": [me, absolute_url("/")],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": me},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": me},
        ],
    }


def nodeinfo_links():
    return {
        "links": [
            {
                "rel": f"http://nodeinfo.diaspora.software/ns/schema/{version}",
                "href": absolute_url(reverse("fediverse:nodeinfo", args=[version])),
            }
            for version in ("2.0", "2.1")
        ]
    }


def nodeinfo(version, local_posts):
    software = {"name": "atoz-reviews", "version": "0.1.0"}
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {
            "users": {"total": 1, "activeMonth": 1, "activeHalfyear": 1},
            "localPosts": local_posts,
        },
        "metadata": {"nodeName": settings.BLOG_TITLE},
    }


def collection(url, total, items=None):
    document = {"@context": AS_CONTEXT, "id": url, "type": "OrderedCollection", "totalItems": total}
    if items is not None:
        document["orderedItems"] = items
    return document


def article(post):
    """A published post as an Article, and the Create that carries it to followers."""
    url = absolute_url(post.get_absolute_url())
    published = post.published_at.isoformat().replace("+00:00", "Z")
    followers = absolute_url(reverse("fediverse:followers"))
    return {
        "id": url,
        "type": "Article",
        "attributedTo": actor_id(),
        "name": post.title,
        "summary": post.summary(),
        "content": render_to_string(
            "fediverse/article_content.html", {"summary": post.summary(), "url": url}
        ).strip(),
        "url": url,
        "published": published,
        "to": [f"{AS_CONTEXT}#Public"],
        "cc": [followers],
    }


def create(post):
    return _wrap("Create", article(post), "#create")


def update(post, when):
    return _wrap("Update", article(post), f"#updates/{int(when.timestamp())}")


def delete(object_id, when):
    """The Delete of a post that is gone: only its id is left to tell."""
    return {
        "@context": AS_CONTEXT,
        "id": f"{object_id}#deletes/{int(when.timestamp())}",
        "type": "Delete",
        "actor": actor_id(),
        "to": [f"{AS_CONTEXT}#Public"],
        "object": {"id": object_id, "type": "Tombstone"},
    }


def _wrap(kind, obj, suffix):
    return {
        "@context": AS_CONTEXT,
        "id": obj["id"] + suffix,
        "type": kind,
        "actor": obj["attributedTo"],
        "published": obj["published"],
        "to": obj["to"],
        "cc": obj["cc"],
        "object": obj,
    }
