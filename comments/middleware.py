from allauth.socialaccount.models import SocialApp
from django.http import Http404
from django.views.defaults import page_not_found


class UnconfiguredProviderMiddleware:
    """A social login without keys answers "not found" at its addresses instead of a 500.

    allauth serves /accounts/PROVIDER/login/ for every installed provider and raises
    SocialApp.DoesNotExist when the provider has no keys in settings or the admin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SocialApp.DoesNotExist):
            return page_not_found(request, Http404("No such login provider here."))
        return None
