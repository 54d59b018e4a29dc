from axes.backends import AxesStandaloneBackend


class LoginAttemptsBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins that come with a request.

    A login without a request (the test client's login(), a shell) has no address to count
    failures against; axes would raise, so it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_username(request, credentials=None):
    """The name django-axes counts failures against, however the login form named the person.

    The admin sends `username`; allauth's form sends `login`, passed on as `username` or `email`.
    An e-mail address counts as its account's username, so switching between the two does not
    double the attempts.
    """
    credentials = credentials or {}
    data = getattr(request, "POST", {}) if request is not None else {}
    given = (
        credentials.get("username")
        or credentials.get("email")
        or data.get("username")
        or data.get("login")
        or ""
    )
    given = str(given).strip()
    if "@" in given:
        from django.contrib.auth import get_user_model

        username = (
            get_user_model()
            .objects.filter(email__iexact=given)
            .order_by("pk")
            .values_list("username", flat=True)
            .first()
        )
        return username or given.lower()
    return given
