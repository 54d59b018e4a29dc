"""The blog on the fediverse, against a fake server on loopback (tests/fake_fediverse.py)."""

import base64
import datetime
import hashlib
import json
import time
from email.utils import formatdate

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fediverse import remote, services
from fediverse.models import Follower
from tests.factories import make_post
from tests.fake_fediverse import FakeFediverse
from tests.task_helpers import run_tasks

ACTIVITY = "application/activity+json"
INBOX = "http://testserver/fediverse/inbox"


@pytest.fixture
def site(settings, db):
    settings.SITE_URL = "http://testserver"
    settings.FEDIVERSE_ALLOW_PRIVATE_ADDRESSES = True
    settings.FEDIVERSE_CONNECT_TIMEOUT = 1.0
    settings.FEDIVERSE_READ_TIMEOUT = 1.0
    return settings


@pytest.fixture
def peer():
    fake = FakeFediverse()
    yield fake
    fake.close()


def discover(client, peer):
    """What a Mastodon does on a search for the blog's address: WebFinger, then the actor."""
    finger = client.get(
        "/.well-known/webfinger", {"resource": "acct:a-to-z-documentaries@testserver"}
    )
    assert finger.status_code == 200
    assert finger["Content-Type"] == "application/jrd+json"
    self_link = next(link for link in finger.json()["links"] if link["rel"] == "self")
    assert self_link["type"] == ACTIVITY
    actor = client.get(self_link["href"], HTTP_ACCEPT=ACTIVITY)
    assert actor.status_code == 200
    assert actor["Content-Type"] == ACTIVITY
    document = actor.json()
    peer.known_keys[document["publicKey"]["id"]] = document["publicKey"]["publicKeyPem"]
    return document


def follow_activity(peer, blog, number=1):
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer.actor_id}/follows/{number}",
        "type": "Follow",
        "actor": peer.actor_id,
        "object": blog["id"],
    }


def post_to_inbox(client, peer, activity, **signing):
    body = json.dumps(activity).encode()
    headers = peer.signed_headers(INBOX, body, **signing)
    return client.post(
        "/fediverse/inbox", data=body, content_type=ACTIVITY, headers=_django(headers)
    )


def _django(headers):
    """The headers as the test client takes them (it sends no Host of its own)."""
    return dict(headers)


def test_follow_then_signed_accept_then_undo(client, site, peer):
    blog = discover(client, peer)
    assert blog["inbox"] == INBOX
    assert blog["followers"].startswith("http://testserver/")
    follow = follow_activity(peer, blog)

    response = post_to_inbox(client, peer, follow)

    assert response.status_code == 202
    follower = Follower.objects.get()
    assert (follower.actor_id, follower.inbox, follower.shared_inbox) == (
        peer.actor_id,
        peer.inbox,
        peer.shared_inbox,
    )
    assert peer.received == []  # nothing is sent while the request runs
    assert run_tasks() == 1
    [arrived] = peer.wait_for(1)
    assert arrived["path"] == "/users/alice/inbox"
    assert arrived["verified"]
    accept = json.loads(arrived["body"])
    assert accept["type"] == "Accept"
    assert accept["actor"] == blog["id"]
    assert accept["object"]["id"] == follow["id"]
    assert client.get("/fediverse/followers", HTTP_ACCEPT=ACTIVITY).json()["totalItems"] == 1

    undo = {
        "id": f"{peer.actor_id}/undo/1",
        "type": "Undo",
        "actor": peer.actor_id,
        "object": follow,
    }
    assert post_to_inbox(client, peer, undo).status_code == 202
    assert not Follower.objects.exists()
    assert client.get("/fediverse/followers", HTTP_ACCEPT=ACTIVITY).json()["totalItems"] == 0


def test_an_independent_implementation_agrees_both_ways(client, site, peer):
    """httpsig (a draft-cavage implementation of its own) signs a Follow that our inbox takes,
    and verifies the Accept we send back."""
    import httpsig

    blog = discover(client, peer)
    body = json.dumps(follow_activity(peer, blog)).encode()
    signed = ["(request-target)", "host", "date", "digest"]
    signer = httpsig.HeaderSigner(
        peer.key_id,
        peer.private_pem,
        algorithm="rsa-sha256",
        headers=signed,
        sign_header="signature",
    )
    headers = signer.sign(
        {
            "Host": "testserver",
            "Date": formatdate(usegmt=True),
            "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
        },
        host="testserver",
        method="POST",
        path="/fediverse/inbox",
    )
    response = client.post("/fediverse/inbox", data=body, content_type=ACTIVITY, headers=headers)
    assert response.status_code == 202
    run_tasks()
    [arrived] = peer.wait_for(1)
    verifier = httpsig.HeaderVerifier(
        arrived["headers"],
        blog["publicKey"]["publicKeyPem"],
        required_headers=signed,
        method="POST",
        path=arrived["path"],
        sign_header="signature",
    )
    assert verifier.verify()
    assert arrived["headers"]["Digest"] == (
        "SHA-256=" + base64.b64encode(hashlib.sha256(arrived["body"]).digest()).decode()
    )


def test_actor_key_is_cached_and_kept(client, site, peer):
    blog = discover(client, peer)
    again = client.get("/fediverse/actor", HTTP_ACCEPT=ACTIVITY).json()
    assert again["publicKey"] == blog["publicKey"]
    post_to_inbox(client, peer, follow_activity(peer, blog, 1))
    post_to_inbox(client, peer, follow_activity(peer, blog, 2))
    assert peer.actor_fetches == 1


def _refused(client, response):
    assert response.status_code == 401
    assert not Follower.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_unsigned_post_is_refused(client, site, peer):
    blog = discover(client, peer)
    body = json.dumps(follow_activity(peer, blog)).encode()
    _refused(client, client.post("/fediverse/inbox", data=body, content_type=ACTIVITY))


def test_tampered_body_is_refused(client, site, peer):
    blog = discover(client, peer)
    signed = json.dumps(follow_activity(peer, blog)).encode()
    headers = _django(peer.signed_headers(INBOX, signed))
    tampered = signed.replace(b"follows/1", b"follows/2")
    _refused(
        client,
        client.post("/fediverse/inbox", data=tampered, content_type=ACTIVITY, headers=headers),
    )


def test_tampered_body_with_new_digest_is_refused(client, site, peer):
    """The digest recomputed for the new body no longer matches what was signed."""
    blog = discover(client, peer)
    signed = json.dumps(follow_activity(peer, blog)).encode()
    headers = _django(peer.signed_headers(INBOX, signed))
    tampered = signed.replace(b"follows/1", b"follows/2")
    headers["Digest"] = _django(peer.signed_headers(INBOX, tampered))["Digest"]
    _refused(
        client,
        client.post("/fediverse/inbox", data=tampered, content_type=ACTIVITY, headers=headers),
    )


def test_stale_date_is_refused(client, site, peer):
    blog = discover(client, peer)
    stale = formatdate(time.time() - 13 * 3600, usegmt=True)
    _refused(client, post_to_inbox(client, peer, follow_activity(peer, blog), date=stale))


def test_someone_elses_key_is_refused(client, site, peer):
    blog = discover(client, peer)
    intruder = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _refused(client, post_to_inbox(client, peer, follow_activity(peer, blog), key=intruder))


def test_badly_signed_posts_cost_one_fetch_a_minute_at_most(client, site, peer):
    blog = discover(client, peer)
    intruder = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for number in range(3):
        response = post_to_inbox(client, peer, follow_activity(peer, blog, number), key=intruder)
        assert response.status_code == 401
    assert peer.actor_fetches == 1


def test_inbox_is_rate_limited(client, site, peer, monkeypatch):
    from django.core.cache import cache

    from fediverse import views

    cache.clear()  # earlier tests' POSTs count in this minute too
    monkeypatch.setattr(views, "INBOX_PER_MINUTE", 2)
    blog = discover(client, peer)
    codes = [
        post_to_inbox(client, peer, follow_activity(peer, blog, n)).status_code for n in range(3)
    ]
    assert codes == [202, 202, 429]


def test_activity_of_another_actor_is_not_stored(client, site, peer):
    blog = discover(client, peer)
    follow = follow_activity(peer, blog)
    follow["actor"] = "http://127.0.0.1:1/users/mallory"
    response = post_to_inbox(client, peer, follow)
    assert response.status_code == 403
    assert not Follower.objects.exists()


def test_body_too_large_is_refused(client, site, peer):
    site.FEDIVERSE_INBOX_MAX_BYTES = 1000
    blog = discover(client, peer)
    follow = follow_activity(peer, blog)
    follow["padding"] = "x" * 2000
    assert post_to_inbox(client, peer, follow).status_code == 413
    assert not Follower.objects.exists()


def test_private_addresses_are_refused_in_production(client, site, peer):
    blog = discover(client, peer)
    site.FEDIVERSE_ALLOW_PRIVATE_ADDRESSES = False
    for url in (peer.actor_id, "https://127.0.0.1/x", "https://localhost/x", "https://10.0.0.1/"):
        with pytest.raises(remote.RemoteError):
            remote.check_address(url)
    _refused(client, post_to_inbox(client, peer, follow_activity(peer, blog)))
    assert peer.actor_fetches == 0


def test_hanging_peer_does_not_slow_the_request(client, site, peer):
    peer.hang_inbox = True
    blog = discover(client, peer)

    started = time.monotonic()
    response = post_to_inbox(client, peer, follow_activity(peer, blog))
    took = time.monotonic() - started

    assert response.status_code == 202
    assert took < 0.5, took
    started = time.monotonic()
    assert run_tasks() == 1  # the delivery waits the read timeout, then plans a retry
    assert time.monotonic() - started < 3
    waiting = DBTaskResult.objects.filter(status="READY").exclude(
        pk__in=DBTaskResult.objects.ready()
    )
    [result] = waiting
    assert result.args_kwargs["kwargs"] == {"attempt": 1}
    assert Follower.objects.exists()


def test_webfinger_knows_only_the_blog(client, site):
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:nobody@testserver"}).status_code
        == 404
    )
    assert client.get("/.well-known/webfinger").status_code == 400
    ok = client.get("/.well-known/webfinger", {"resource": "acct:A-to-Z-Documentaries@testserver"})
    assert ok.json()["subject"] == "acct:a-to-z-documentaries@testserver"


def test_webfinger_name_is_a_setting(client, site):
    site.FEDIVERSE_NAME = "docs"
    ok = client.get("/.well-known/webfinger", {"resource": "acct:docs@testserver"})
    assert ok.status_code == 200
    actor = client.get("/fediverse/actor", HTTP_ACCEPT=ACTIVITY).json()
    assert actor["preferredUsername"] == "docs"


def test_browser_gets_the_profile_page(client, site):
    page = client.get("/fediverse/actor", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert b"@a-to-z-documentaries@testserver" in page.content
    assert "private" in page["Cache-Control"]
    assert "Accept" in page["Vary"]


def test_nodeinfo(client, site):
    links = client.get("/.well-known/nodeinfo").json()["links"]
    assert [link["href"] for link in links] == [
        "http://testserver/nodeinfo/2.0",
        "http://testserver/nodeinfo/2.1",
    ]
    document = client.get("/nodeinfo/2.1").json()
    assert document["version"] == "2.1"
    assert document["protocols"] == ["activitypub"]
    assert client.get("/nodeinfo/3.0").status_code == 404


def test_a_new_post_reaches_followers_signed_once_per_server(client, site, peer):
    blog = discover(client, peer)
    post_to_inbox(client, peer, follow_activity(peer, blog))
    Follower.objects.create(
        actor_id=peer.base + "/users/bob",
        inbox=peer.base + "/users/bob/inbox",
        shared_inbox=peer.shared_inbox,
    )
    run_tasks()  # the Accept
    old = make_post("Imported long ago", published_at=timezone.now() - datetime.timedelta(days=30))
    post = make_post("Grizzly Man", published_at=timezone.now() - datetime.timedelta(minutes=1))
    make_post("Not yet", published_at=timezone.now() + datetime.timedelta(hours=1))

    assert services.sweep() == [post]  # the worker's minute (registered in infra.periodic)
    assert services.sweep() == []  # and the next one: nothing twice
    assert run_tasks() == 2  # the fan-out, then one delivery to the shared inbox

    received = peer.wait_for(2)
    assert len(received) == 2
    create = received[1]
    assert create["path"] == "/inbox"
    assert create["verified"]
    activity = json.loads(create["body"])
    assert activity["type"] == "Create"
    article = activity["object"]
    assert article["type"] == "Article"
    assert article["name"] == "Grizzly Man"
    assert article["url"] == "http://testserver" + post.get_absolute_url()
    assert article["url"] in article["content"]
    assert old.title not in json.dumps(activity)
    outbox = client.get("/fediverse/outbox", HTTP_ACCEPT=ACTIVITY).json()
    assert outbox["totalItems"] == 2


def test_no_followers_no_broadcast(db, site):
    make_post("Alone", published_at=timezone.now() - datetime.timedelta(minutes=1))
    assert services.sweep() == []
    assert not DBTaskResult.objects.exists()


def test_edits_unpublishing_and_deletes_follow_the_post(client, site, peer):
    blog = discover(client, peer)
    post_to_inbox(client, peer, follow_activity(peer, blog))
    run_tasks()  # the Accept
    post = make_post("Grizzly Man", published_at=timezone.now() - datetime.timedelta(minutes=5))
    other = make_post("Man on Wire", published_at=timezone.now() - datetime.timedelta(minutes=4))
    services.sweep()
    run_tasks()
    kinds = [json.loads(r["body"])["type"] for r in peer.wait_for(3)]
    assert kinds == ["Accept", "Create", "Create"]

    def told():
        services.sweep()
        run_tasks()
        return [json.loads(r["body"]) for r in peer.received[3:]]

    post.save()  # saved, nothing the followers see changed
    assert told() == []

    post.title = "Grizzly Man (2005)"
    post.save()
    [update] = told()
    assert update["type"] == "Update"
    assert update["object"]["name"] == "Grizzly Man (2005)"
    assert told() == [update]  # once

    post.status = post.Status.DRAFT
    post.save()
    delete = told()[-1]
    assert delete["type"] == "Delete"
    assert delete["object"] == {"id": update["object"]["id"], "type": "Tombstone"}

    post.status = post.Status.PUBLISHED
    post.save()
    assert told()[-1]["type"] == "Create"

    other_url = "http://testserver" + other.get_absolute_url()
    other.delete()
    gone = told()[-1]
    assert (gone["type"], gone["object"]["id"]) == ("Delete", other_url)
    assert all(r["verified"] for r in peer.received)
    count = len(peer.received)
    told()
    assert len(peer.received) == count  # nothing more
