"""Who is asking: the client's address, the same way for every app."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or the address a configured proxy header carries (its last entry,
    the one our own proxy added)."""
    header = getattr(settings, "SPAM_CLIENT_IP_HEADER", "")
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        values = [v.strip() for v in request.META.get(meta_key, "").split(",") if v.strip()]
        candidates = values[-1:]
    else:
        candidates = [request.META.get("REMOTE_ADDR", "")]
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return ""
