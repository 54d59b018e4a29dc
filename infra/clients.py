"""Who sent a request: the one place the client's address is read.

Behind a proxy, CLIENT_IP_HEADER names the header it writes (for example X-Forwarded-For);
its last entry is the one our own proxy added, the entries before it are whatever the client
claimed. Without the setting the header is never trusted and REMOTE_ADDR is the client.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's address as text, or "" when the request carries none that parses."""
    header = settings.CLIENT_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        value = request.META.get(meta_key, "").split(",")[-1].strip()
    else:
        value = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""
