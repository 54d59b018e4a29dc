"""Checks the browser tests share: axe-core and layout."""

import json
from pathlib import Path

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")):
    """Runs axe-core on the page as it is now; returns the violations of the given impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Run through the browser's debugging protocol, not as an inline <script> tag, which
        # the site's Content-Security-Policy refuses (and reports).
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in impacts]


def assert_accessible(page):
    violations = axe_violations(page)
    report = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [node["html"][:200] for node in v["nodes"][:5]],
        }
        for v in violations
    ]
    assert not violations, f"axe on {page.url}:\n" + json.dumps(report, indent=2)


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
