"""The "who you are" part above and inside the comment form: login icons, or who is commenting."""

from django import template
from django.urls import reverse

from comments.social import commenter_name, configured_providers, login_provider_label

register = template.Library()


@register.inclusion_tag("comments/_login_icons.html", takes_context=True)
def login_icons(context, next_url=""):
    """Icons of the configured providers, each a button that starts that provider's login."""
    request = context["request"]
    next_url = next_url or request.get_full_path()
    return {
        "providers": [
            {**provider, "login_url": reverse(f"{provider['id']}_login")}
            for provider in configured_providers()
        ],
        "next_url": next_url,
    }


@register.inclusion_tag("comments/_commenting_as.html", takes_context=True)
def commenting_as(context, next_url=""):
    """'You are commenting as NAME (Log out)' for a logged-in reader."""
    request = context["request"]
    user = request.user
    return {
        "name": commenter_name(user),
        "provider_label": login_provider_label(user),
        "next_url": next_url or request.get_full_path(),
        "profile_url": reverse("comments:commenter", args=[user.pk]),
    }
