from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)


class WordPressComOAuth2Adapter(OAuth2Adapter):
    """WordPress.com's OAuth2 server (developer.wordpress.com/docs/oauth2/)."""

    provider_id = "wordpress"
    authorize_url = "https://public-api.wordpress.com/oauth2/authorize"
    access_token_url = "https://public-api.wordpress.com/oauth2/token"  # noqa: S105
    profile_url = "https://public-api.wordpress.com/rest/v1.1/me"

    def complete_login(self, request, app, token, **kwargs):
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, headers={"Authorization": f"Bearer {token.token}"}
            )
        if not response.ok:
            raise OAuth2Error("WordPress.com did not return the profile")
        return self.get_provider().sociallogin_from_response(request, response.json())


oauth2_login = OAuth2LoginView.adapter_view(WordPressComOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WordPressComOAuth2Adapter)
