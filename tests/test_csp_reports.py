"""The endpoint browsers send Content-Security-Policy violation reports to: logged,
rate-limited per address, and never an error whatever the body."""

import json
import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REPORT_URL = reverse("security:csp_report")

BROWSER_REPORT = {
    "csp-report": {
        "document-uri": "http://testserver/2018/04/02/post/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "line-number": 12,
        "disposition": "enforce",
    }
}
REPORTING_API_BATCH = [
    {
        "type": "csp-violation",
        "url": "http://testserver/",
        "body": {
            "documentURL": "http://testserver/",
            "effectiveDirective": "style-src-attr",
            "blockedURL": "inline",
            "disposition": "enforce",
        },
    }
]


def test_a_browser_report_is_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="security.csp"):
        response = client.post(
            REPORT_URL, json.dumps(BROWSER_REPORT), content_type="application/csp-report"
        )
    assert response.status_code == 204
    [record] = caplog.records
    assert "effective-directive=script-src-elem" in record.getMessage()
    assert "blocked-uri=inline" in record.getMessage()


def test_a_reporting_api_batch_is_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="security.csp"):
        response = client.post(
            REPORT_URL, json.dumps(REPORTING_API_BATCH), content_type="application/reports+json"
        )
    assert response.status_code == 204
    [record] = caplog.records
    assert "effective-directive=style-src-attr" in record.getMessage()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[" * 5000 + b"]" * 5000,
        b'{"csp-report": "a string"}',
        b'{"csp-report": {"blocked-uri": {"nested": [1, 2]}}}',
        b"[1, null, {}]",
        b'"just a string"',
    ],
)
def test_junk_is_answered_without_an_error(client, caplog, body):
    with caplog.at_level(logging.WARNING, logger="security.csp"):
        response = client.post(REPORT_URL, body, content_type="application/csp-report")
    assert response.status_code == 204
    assert all("Traceback" not in r.getMessage() for r in caplog.records)


def test_a_forged_line_break_does_not_forge_a_log_line(client, caplog):
    report = {"csp-report": {"blocked-uri": "inline\nCRITICAL fake entry"}}
    with caplog.at_level(logging.WARNING, logger="security.csp"):
        client.post(REPORT_URL, json.dumps(report), content_type="application/csp-report")
    [record] = caplog.records
    assert "\n" not in record.getMessage()


def test_an_oversized_report_is_refused_unread(client):
    body = json.dumps({"csp-report": {"blocked-uri": "x" * 70_000}})
    response = client.post(REPORT_URL, body, content_type="application/csp-report")
    assert response.status_code == 413


def test_only_post(client):
    assert client.get(REPORT_URL).status_code == 405


def test_reports_are_rate_limited_per_address(client, settings, caplog):
    from django.core.cache import cache

    cache.clear()
    settings.CSP_REPORTS_PER_IP = 3
    body = json.dumps(BROWSER_REPORT)
    statuses = [
        client.post(REPORT_URL, body, content_type="application/csp-report").status_code
        for _ in range(5)
    ]
    assert statuses == [204, 204, 204, 429, 429]
    other = client.post(
        REPORT_URL, body, content_type="application/csp-report", REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 204
    cache.clear()
