"""How WordPress's values become ours, and the digest that tells a changed item from the same."""

import hashlib
import html
import ipaddress
import json
import urllib.parse

from django.utils.text import slugify

from . import recognize

# Part of every digest: a new importer version re-imports what it converts differently.
IMPORTER_VERSION = "1"


def digest_of(*parts):
    raw = json.dumps([IMPORTER_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def old_path_of(link):
    """The path of a WordPress permalink; None for '/?p=12' style links."""
    parts = urllib.parse.urlsplit(link or "")
    if parts.query or not parts.path or parts.path == "/":
        return None
    return urllib.parse.unquote(parts.path)


def clean_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def slug_of(value):
    """A slug our addresses accept: WordPress's, less what \\w does not match (emoji)."""
    return slugify(value or "", allow_unicode=True)


def plain_title(value):
    return html.unescape(recognize.plain(value))[:300]
