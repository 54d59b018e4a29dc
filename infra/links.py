"""Absolute links for mail and feeds, which leave the site and need the scheme and host."""

from django.conf import settings
from django.contrib.sites.models import Site


def absolute_url(path, request=None):
    if request is not None:
        return request.build_absolute_uri(path)
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{Site.objects.get_current().domain}{path}"
