"""A stand-in for the OAuth2 servers of Google, X, Facebook and WordPress.com on 127.0.0.1.

allauth's own login and callback views talk to it over real HTTP (with `requests`), exactly as
they talk to the real providers: only the provider's side of the wire is made up. It checks what
the providers check (client id and secret, the one-time code, the redirect URI, X's PKCE
verifier, Facebook's appsecret_proof) and answers with each provider's profile format.
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

# allauth does not check the signature of an id_token it fetched itself, over TLS.
GOOGLE_SIGNING_KEY = "a-signing-key-only-the-fake-google-has"

CLIENTS = {
    "google": ("google-client-id", "google-secret"),
    "twitter_oauth2": ("x-client-id", "x-secret"),
    "facebook": ("facebook-app-id", "facebook-secret"),
    "wordpress": ("wordpress-client-id", "wordpress-secret"),
}

PROFILES = {
    "google": {
        "sub": "108000000000000000001",
        "email": "grace@example.com",
        "email_verified": True,
        "name": "Grace Hopper",
        "given_name": "Grace",
        "family_name": "Hopper",
    },
    "twitter_oauth2": {"id": "4400000001", "name": "Xavier Ode", "username": "xode"},
    "facebook": {
        "id": "10000000000001",
        "name": "Fay Brook",
        "first_name": "Fay",
        "last_name": "Brook",
        "email": "fay@example.com",
    },
    "wordpress": {
        "ID": 77000001,
        "username": "wendypress",
        "display_name": "Wendy Press",
        "email": "wendy@example.com",
        "email_verified": True,
        "profile_URL": "https://gravatar.com/wendypress",
    },
}


class FakeProviders:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.codes = {}  # code -> (provider, redirect_uri, code_challenge)
        self.tokens = {}  # access token -> provider
        self.calls = []  # (provider, endpoint) in the order they were asked
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def url(self, provider, endpoint):
        return f"{self.base}/{provider}/{endpoint}"

    # What the provider's pages would do once the person agrees: send the browser back.
    def authorize(self, provider, query):
        client_id, _ = CLIENTS[provider]
        if query.get("client_id") != client_id or query.get("response_type") != "code":
            return 400, {"error": "invalid_request"}, {}
        code = secrets.token_urlsafe(12)
        self.codes[code] = (provider, query["redirect_uri"], query.get("code_challenge"))
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return 302, {}, {"Location": target}

    def token(self, provider, params, headers):
        client_id, secret = CLIENTS[provider]
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            given_id, _, given_secret = base64.b64decode(auth[6:]).decode().partition(":")
        else:
            given_id, given_secret = params.get("client_id"), params.get("client_secret")
        if (given_id, given_secret) != (client_id, secret):
            return 401, {"error": "invalid_client"}, {}
        issued = self.codes.pop(params.get("code", ""), None)
        if issued is None or issued[0] != provider or issued[1] != params.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}, {}
        challenge = issued[2]
        if challenge:
            verifier = params.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}, {}
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = provider
        answer = {"access_token": access_token, "token_type": "bearer", "expires_in": 3600}
        if provider == "google":
            now = int(time.time())
            claims = {
                **PROFILES["google"],
                "iss": "https://accounts.google.com",
                "aud": client_id,
                "iat": now,
                "exp": now + 3600,
            }
            answer["id_token"] = jwt.encode(claims, GOOGLE_SIGNING_KEY, algorithm="HS256")
        return 200, answer, {}

    def profile(self, provider, params, headers):
        auth = headers.get("Authorization", "")
        access_token = auth[7:] if auth.startswith("Bearer ") else params.get("access_token", "")
        if self.tokens.get(access_token) != provider:
            return 401, {"error": "invalid_token"}, {}
        if provider == "facebook":
            _, secret = CLIENTS["facebook"]
            proof = hmac.new(secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()
            if params.get("appsecret_proof") != proof:
                return 400, {"error": {"message": "Invalid appsecret_proof"}}, {}
        if provider == "twitter_oauth2":
            return 200, {"data": PROFILES[provider]}, {}
        return 200, PROFILES[provider], {}

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, params):
                provider, _, endpoint = urlsplit(self.path).path.strip("/").partition("/")
                fake.calls.append((provider, endpoint))
                if provider not in CLIENTS:
                    status, body, extra = 404, {"error": "not_found"}, {}
                elif endpoint == "authorize":
                    status, body, extra = fake.authorize(provider, params)
                elif endpoint == "token":
                    status, body, extra = fake.token(provider, params, self.headers)
                elif endpoint in {"me", "graph/me"}:
                    status, body, extra = fake.profile(provider, params, self.headers)
                else:
                    status, body, extra = 404, {"error": "not_found"}, {}
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                query = parse_qs(urlsplit(self.path).query)
                self._answer({key: values[0] for key, values in query.items()})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                self._answer({key: values[0] for key, values in form.items()})

            def log_message(self, *args):
                pass

        return Handler
