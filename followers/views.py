"""The reader's side: follow (a POST from a cached page), confirm, change, leave.

Pages behind a follower's token show their address, so they are never cached (no-store, and
PAGE_CACHE_SKIP_PATHS), and a GET never changes anything: confirming and leaving are buttons.
The one exception to the button is RFC 8058's one-click POST that mail clients send.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from infra.clients import client_ip
from infra.csrf import csrf_for_signed_in
from infra.ratelimit import over_limit

from . import mail, services
from .forms import FollowForm, SettingsForm
from .models import Follower

STAMP_REFUSALS = {
    "forged": "This form could not be checked: please send it again.",
    "old": "This form was open for a long time: please send it again.",
    "quick": "That was quick! Please check your address and press Follow again.",
}


def _form_page(request, form, *, status, refusal=""):
    context = {"form": form, "refusal": refusal}
    return render(request, "followers/follow_form_page.html", context, status=status)


@require_POST
@csrf_for_signed_in
@never_cache
def follow(request):
    form = FollowForm(data=request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    email = form.cleaned_data["email"]
    if form.cleaned_data["nickname"]:
        # A robot: it is told what a person would be told, and nothing is sent.
        return render(request, "followers/follow_done.html", {"email": email})
    problem = form.stamp_problem()
    if problem:
        return _form_page(request, form.fresh(), status=400, refusal=STAMP_REFUSALS[problem])
    window = settings.FOLLOWERS_RATE_LIMIT_WINDOW
    if over_limit("follow-ip", client_ip(request), settings.FOLLOWERS_RATE_LIMIT_PER_IP, window):
        refusal = "Many follow requests came from your network just now: please try later."
        return _form_page(request, form.fresh(), status=429, refusal=refusal)
    if not over_limit("follow-email", email, settings.FOLLOWERS_RATE_LIMIT_PER_EMAIL, window):
        services.request_follow(
            email,
            frequency=form.cleaned_data["frequency"],
            source=form.cleaned_data["source"],
        )
    # The same answer whatever the address's state: the page tells nobody who follows.
    return render(request, "followers/follow_done.html", {"email": email})


def explains_test_links(view):
    """A link from an admin's test mail opens a page that says so (nothing changes)."""

    @wraps(view)
    def checked(request, token):
        if token == mail.TEST_TOKEN:
            return render(request, "followers/test_link.html")
        return view(request, token)

    return checked


def _follower_or_404(token):
    follower = services.follower_for_token(token)
    if follower is None:
        raise Http404("This link is not (or no longer) valid.")
    return follower


@require_http_methods(["GET", "POST"])
@never_cache
@explains_test_links
def confirm(request, token):
    follower = _follower_or_404(token)
    done = False
    if request.method == "POST":
        services.confirm(follower)
        done = True
    context = {"follower": follower, "done": done, "token": token}
    return render(request, "followers/confirm.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@explains_test_links
def manage(request, token):
    follower = _follower_or_404(token)
    form = SettingsForm(request.POST or None, initial={"frequency": follower.frequency})
    saved = False
    status = 200
    if request.method == "POST":
        if "unsubscribe" in request.POST:
            services.unsubscribe(follower)
            return render(request, "followers/unsubscribed.html", {"follower": follower})
        if form.is_valid() and follower.state == Follower.State.CONFIRMED:
            services.change_frequency(follower, form.cleaned_data["frequency"])
            saved = True
        else:
            status = 400
    context = {"follower": follower, "form": form, "saved": saved, "token": token}
    return render(request, "followers/manage.html", context, status=status)


@csrf_exempt  # mail clients post RFC 8058's one-click request without any token
@require_http_methods(["GET", "POST"])
@never_cache
@explains_test_links
def unsubscribe(request, token):
    follower = _follower_or_404(token)
    if request.method == "POST":
        services.unsubscribe(follower)
        return render(request, "followers/unsubscribed.html", {"follower": follower})
    return render(request, "followers/unsubscribe.html", {"follower": follower, "token": token})
