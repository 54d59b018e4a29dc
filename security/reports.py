"""Reading Content-Security-Policy violation reports, whatever a browser (or anyone) sends."""

import json

from django.conf import settings

from infra import ratelimit
from infra.clients import client_ip

# The fields worth a line in the log, under their report-uri names (report-to uses camelCase).
FIELDS = {
    "document-uri": "documentURL",
    "effective-directive": "effectiveDirective",
    "violated-directive": "effectiveDirective",
    "blocked-uri": "blockedURL",
    "source-file": "sourceFile",
    "line-number": "lineNumber",
    "disposition": "disposition",
    "script-sample": "sample",
}
MAX_REPORTS_PER_REQUEST = 10
MAX_FIELD_LENGTH = 300


def over_limit(request):
    """Counts one report request from this address; True past CSP_REPORTS_PER_IP a window.

    When the cache cannot count, nothing is logged: reports are not worth an unbounded log.
    """
    window = max(settings.CSP_REPORTS_WINDOW, 1)
    address = client_ip(request) or "unknown"
    return ratelimit.over_limit(
        "csp-reports", address, settings.CSP_REPORTS_PER_IP, window, when_unknown=True
    )


def parse(body):
    """The violations in a report body, as dicts of short strings; [] for anything else.

    Two shapes exist: report-uri's {"csp-report": {...}} and the Reporting API's list of
    {"type": "csp-violation", "body": {...}}.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return []
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [_fields(data["csp-report"], camel=False)]
    if isinstance(data, list):
        return [
            _fields(item["body"], camel=True)
            for item in data[:MAX_REPORTS_PER_REQUEST]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return []


def _fields(raw, camel):
    violation = {}
    for name, camel_name in FIELDS.items():
        value = raw.get(camel_name if camel else name)
        if value is None or isinstance(value, dict | list):
            continue
        # repr() keeps a line break or control character in a report from forging log lines.
        violation[name] = repr(str(value)[:MAX_FIELD_LENGTH])[1:-1]
    return violation
