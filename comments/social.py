"""Which social logins a commenter can use here, and how the comment form names them."""

from allauth.socialaccount import app_settings
from allauth.socialaccount.models import SocialApp
from django.conf import settings

# The providers the comment form offers, in the order their icons appear, with the colour and
# letter of their icon (drawn here: the page asks no other site for anything).
LOGIN_PROVIDERS = {
    "google": {"label": "Google", "colour": "#4285f4", "letter": "G"},
    "twitter_oauth2": {"label": "X (Twitter)", "colour": "#111111", "letter": "X"},
    "facebook": {"label": "Facebook", "colour": "#1877f2", "letter": "f"},
    "wordpress": {"label": "WordPress.com", "colour": "#21759b", "letter": "W"},
}


def configured_providers():
    """The offered providers that have keys: in settings, or a SocialApp of this site."""
    configured = {
        provider_id
        for provider_id, options in app_settings.PROVIDERS.items()
        if options.get("APPS") or options.get("APP")
    }
    configured.update(
        SocialApp.objects.filter(sites__id=settings.SITE_ID, provider__in=LOGIN_PROVIDERS)
        .values_list("provider", flat=True)
        .distinct()
    )
    return [
        {"id": provider_id, **details}
        for provider_id, details in LOGIN_PROVIDERS.items()
        if provider_id in configured
    ]


def commenter_name(user):
    return user.get_full_name() or user.get_username()


def login_provider_label(user):
    """The provider the user's account is connected to ("Google"), or "" for a local account."""
    account = user.socialaccount_set.only("provider").first()
    if account is None or account.provider not in LOGIN_PROVIDERS:
        return ""
    return LOGIN_PROVIDERS[account.provider]["label"]
