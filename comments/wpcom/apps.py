from django.apps import AppConfig


class WordPressComLoginConfig(AppConfig):
    """Log in with a WordPress.com account: an allauth OAuth2 provider allauth does not ship."""

    name = "comments.wpcom"
    label = "wpcom"
    verbose_name = "WordPress.com login"
