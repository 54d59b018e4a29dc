"""A fake fediverse server on loopback, with its own key pair and its own reading of HTTP
Signatures (written apart from fediverse/signatures.py, so that each checks the other).

It serves one actor (alice), signs the POSTs it makes to the blog, and records what arrives in
its inboxes with whether the signature verified against the keys it was told about.
"""

import base64
import hashlib
import json
import re
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def _sha256_digest(body):
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


class FakeFediverse:
    def __init__(self, name="alice"):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_pem = (
            self.key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        self.private_pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.received = []  # dicts: path, headers, body, verified
        self.known_keys = {}  # keyId -> PEM, of servers it has looked up
        self.hang_inbox = False
        self.actor_fetches = 0
        self._stop = threading.Event()
        self._arrived = threading.Condition()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.actor_id = f"{self.base}/users/{name}"
        self.key_id = self.actor_id + "#main-key"
        self.inbox = self.actor_id + "/inbox"
        self.shared_inbox = self.base + "/inbox"
        self.name = name
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    # --- what it serves ------------------------------------------------------------------

    def actor(self):
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": self.name,
            "inbox": self.inbox,
            "outbox": self.actor_id + "/outbox",
            "endpoints": {"sharedInbox": self.shared_inbox},
            "publicKey": {
                "id": self.key_id,
                "owner": self.actor_id,
                "publicKeyPem": self.public_pem,
            },
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != urlsplit(fake.actor_id).path:
                    self.send_error(404)
                    return
                fake.actor_fetches += 1
                body = json.dumps(fake.actor()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if fake.hang_inbox:
                    fake._stop.wait(30)
                    return
                verified = fake.verify("post", self.path, dict(self.headers.items()), body)
                with fake._arrived:
                    fake.received.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers.items()),
                            "body": body,
                            "verified": verified,
                        }
                    )
                    fake._arrived.notify_all()
                self.send_response(202 if verified else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler

    # --- signing and checking --------------------------------------------------------------

    def signed_headers(self, url, body, *, date=None, key=None, key_id=None):
        """Headers for POSTing `body` to `url`, signed as this server does."""
        parts = urlsplit(url)
        date = date or formatdate(usegmt=True)
        digest = _sha256_digest(body)
        lines = [
            f"(request-target): post {parts.path}",
            f"host: {parts.netloc}",
            f"date: {date}",
            f"digest: {digest}",
        ]
        signature = (key or self.key).sign(
            "\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return {
            "Host": parts.netloc,
            "Date": date,
            "Digest": digest,
            "Signature": (
                f'keyId="{key_id or self.key_id}",algorithm="rsa-sha256",'
                f'headers="(request-target) host date digest",'
                f'signature="{base64.b64encode(signature).decode()}"'
            ),
        }

    def verify(self, method, path, headers, body):
        headers = {name.lower(): value for name, value in headers.items()}
        params = dict(re.findall(r'(\w+)="([^"]*)"', headers.get("signature", "")))
        pem = self.known_keys.get(params.get("keyId"))
        names = params.get("headers", "").split()
        if pem is None or not {"(request-target)", "host", "date", "digest"} <= set(names):
            return False
        if headers.get("digest") != _sha256_digest(body):
            return False
        sent = parsedate_to_datetime(headers["date"]).timestamp()
        if abs(time.time() - sent) > 300:
            return False
        lines = []
        for name in names:
            value = f"{method} {path}" if name == "(request-target)" else headers.get(name)
            lines.append(f"{name}: {value}")
        public_key = serialization.load_pem_public_key(pem.encode())
        try:
            public_key.verify(
                base64.b64decode(params["signature"]),
                "\n".join(lines).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return False
        return True

    def wait_for(self, count, timeout=5.0):
        """The first `count` POSTs received, waiting up to `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count and time.monotonic() < deadline:
                self._arrived.wait(deadline - time.monotonic())
            return list(self.received)
