"""The privacy page's account of what is kept, for how long, and who else sees it."""

from django import template

from comments.privacy import akismet_enabled, ip_retention_days
from comments.social import configured_providers

register = template.Library()


@register.inclusion_tag("comments/_privacy_details.html")
def comment_privacy_details():
    return {
        "ip_retention_days": ip_retention_days(),
        "akismet": akismet_enabled(),
        "providers": configured_providers(),
    }


@register.simple_tag
def akismet_on():
    return akismet_enabled()
