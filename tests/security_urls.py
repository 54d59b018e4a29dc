"""The site's URLs plus two test-only pages: one that fails, one with an injected inline script
(next to a JSON-LD data block, which the policy must leave alone)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("A deliberate failure for the 500 page test.")


INJECTED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Injected</title></head>
<body><main><h1>Injected</h1>
<p id="target">untouched</p>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Thing"}</script>
<script>document.getElementById("target").textContent = "script ran";</script>
</main></body></html>"""


def injected(request):
    return HttpResponse(INJECTED_PAGE)


urlpatterns = [
    path("broken/", broken),
    path("injected/", injected),
    *site_urlpatterns,
]
