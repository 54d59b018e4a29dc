"""HTTP Signatures as Mastodon speaks them: draft-cavage-http-signatures with rsa-sha256, over
`(request-target) host date digest`, and a `Digest: SHA-256=…` of the body."""

import base64
import hashlib
import re
import time
from urllib.parse import urlsplit

from django.utils.http import http_date, parse_http_date_safe

from . import keys

# Headers a POST to our inbox must have signed.
REQUIRED = ("(request-target)", "host", "date", "digest")
# How far a signed Date may be from our clock (Mastodon's window).
MAX_SKEW_SECONDS = 12 * 3600

_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*,?')


class SignatureError(Exception):
    """The request is not signed as it must be; the message says why (for logs, not peers)."""


def body_digest(body):
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def signing_string(names, values):
    return "\n".join(f"{name}: {values[name]}" for name in names)


def signed_headers(method, url, body, *, key_id, private_pem):
    """Headers for a request to `url` carrying `body`, signed with `private_pem` as `key_id`."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    values = {
        "(request-target)": f"{method.lower()} {target}",
        "host": parts.netloc,
        "date": http_date(time.time()),
        "digest": body_digest(body),
    }
    signature = keys.sign(private_pem, signing_string(REQUIRED, values).encode())
    return {
        "Host": values["host"],
        "Date": values["date"],
        "Digest": values["digest"],
        "Signature": (
            f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(REQUIRED)}",'
            f'signature="{base64.b64encode(signature).decode()}"'
        ),
    }


def parse_signature(header):
    params = {}
    pos = 0
    while pos < len(header):
        match = _PARAM.match(header, pos)
        if match is None:
            raise SignatureError("unreadable Signature header")
        params[match.group(1)] = match.group(2)
        pos = match.end()
    for name in ("keyId", "signature"):
        if not params.get(name):
            raise SignatureError(f"Signature without {name}")
    if params.get("algorithm", "rsa-sha256").lower() not in ("rsa-sha256", "hs2019"):
        raise SignatureError("unsupported algorithm")
    params["headers"] = params.get("headers", "date").lower().split()
    return params


def _digest_matches(header, body):
    for part in header.split(","):
        algorithm, _, value = part.strip().partition("=")
        if algorithm.lower() == "sha-256":
            return body_digest(body) == "SHA-256=" + value
    raise SignatureError("no SHA-256 digest")


def check(request, body, public_key_for, now=None):
    """The key id that signed this POST; SignatureError when anything is missing, stale or wrong.

    `public_key_for(key_id, fresh)` gives the PEM of a key id (`fresh`: fetched anew, for a peer
    that changed its key since we cached it), or None.
    """
    header = request.headers.get("Signature")
    if not header:
        raise SignatureError("not signed")
    params = parse_signature(header)
    missing = [name for name in REQUIRED if name not in params["headers"]]
    if missing:
        raise SignatureError(f"{', '.join(missing)} not signed")
    date = parse_http_date_safe(request.headers.get("Date", ""))
    now = time.time() if now is None else now
    if date is None or abs(now - date) > MAX_SKEW_SECONDS:
        raise SignatureError("Date missing or too far from now")
    if not _digest_matches(request.headers.get("Digest", ""), body):
        raise SignatureError("Digest does not match the body")
    values = {"(request-target)": f"{request.method.lower()} {request.get_full_path()}"}
    for name in params["headers"]:
        if name == "(request-target)":
            continue
        value = request.headers.get(name)
        if value is None:
            raise SignatureError(f"signed header {name} missing")
        values[name] = value
    data = signing_string(params["headers"], values).encode()
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError as exc:
        raise SignatureError("signature is not base64") from exc
    for fresh in (False, True):
        pem = public_key_for(params["keyId"], fresh)
        if pem and keys.verify(pem, signature, data):
            return params["keyId"]
    raise SignatureError("signature does not verify")
