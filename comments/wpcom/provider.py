from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from .views import WordPressComOAuth2Adapter


class WordPressComAccount(ProviderAccount):
    def get_profile_url(self):
        return self.account.extra_data.get("profile_URL")

    def get_avatar_url(self):
        return self.account.extra_data.get("avatar_URL")

    def to_str(self):
        data = self.account.extra_data
        return data.get("display_name") or data.get("username") or super().to_str()


class WordPressComProvider(OAuth2Provider):
    id = "wordpress"
    name = "WordPress.com"
    account_class = WordPressComAccount
    oauth2_adapter_class = WordPressComOAuth2Adapter

    def get_default_scope(self):
        # "auth" is the scope that lets /me answer, and nothing more.
        return ["auth"]

    def extract_uid(self, data):
        return str(data["ID"])

    def extract_common_fields(self, data):
        display_name = (data.get("display_name") or "").strip()
        first_name, _, last_name = display_name.partition(" ")
        return {
            "username": data.get("username", ""),
            "email": data.get("email") or None,
            "first_name": first_name,
            "last_name": last_name,
        }

    def extract_email_addresses(self, data):
        email = data.get("email")
        if not email:
            return []
        return [EmailAddress(email=email, verified=bool(data.get("email_verified")), primary=True)]


provider_classes = [WordPressComProvider]
