import json
import urllib.parse
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_comments_xtd.models import XtdComment

from blog.markup import render_visitor_markdown
from blog.models import Post
from infra.outages import DATABASE_ERRORS, retry_after

from . import likes, services, threads
from .forms import CommentForm
from .moderation import PostCommentModerator
from .readers import (
    REMEMBER_COOKIE,
    REMEMBER_SALT,
    VISITOR_COOKIE,
    VISITOR_SALT,
    reader_key,
)

YEAR = 365 * 24 * 60 * 60


def _target_post(data):
    """The published post a comment form names, or None."""
    if data.get("content_type") != "blog.post":
        return None
    try:
        pk = int(data.get("object_pk", ""))
    except ValueError:
        return None
    return Post.objects.published().select_related("author").filter(pk=pk).first()


def _form_page(request, form, post, *, status=200, refusal="", preview_html=""):
    context = {
        "form": form,
        "post": post,
        "refusal": refusal,
        "preview_html": preview_html,
        "comments_open": PostCommentModerator(Post).is_open(post),
    }
    return render(request, "comments/preview.html", context, status=status)


CROSS_SITE_REFUSAL = (
    "This form was sent from another website, so it was not accepted. "
    "To comment or like, use the form on this site."
)


def sent_from_another_site(request):
    """The browser says the form came from another site (old clients say nothing: allowed)."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return False
    # "null" (a sandboxed frame, a data: page) has no host and is never this site. Ports are
    # not compared: a proxy may pass the host without it (nginx's $host), and another port of
    # this host is the same site to a browser as well.
    ours = urllib.parse.urlsplit(f"//{request.get_host()}").hostname
    return urllib.parse.urlsplit(origin).hostname != ours


def csrf_for_signed_in(view):
    """CSRF checks for readers who are logged in; for anonymous readers, the browser's word.

    Cached pages carry no per-reader token, so anonymous forms cannot have one. What a browser
    says of where a form came from (Sec-Fetch-Site, Origin) still keeps another site from
    making its visitors comment or like here; the signed form, its honeypot, rate limits and
    the spam filter guard the rest. A logged-in reader's session is what a forgery would abuse
    most, so their requests keep Django's check.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        if sent_from_another_site(request):
            return HttpResponseForbidden(CROSS_SITE_REFUSAL, content_type="text/plain")
        return view(request, *args, **kwargs)

    return checked


TYPED_FIELDS = ("comment", "name", "email", "url")


def _not_saved(request):
    """The form again with what was typed, when the database did not take the comment."""
    context = {
        "typed": {name: request.POST.get(name, "") for name in TYPED_FIELDS},
        "kept": [
            (name, value)
            for name, value in request.POST.items()
            if name not in TYPED_FIELDS and name not in ("post", "preview")
        ],
    }
    response = render(request, "comments/unsaved.html", context, status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # checked inside, by csrf_for_signed_in
@require_POST
def post_comment(request):
    try:
        return _post_comment(request)
    except DATABASE_ERRORS:
        # Nothing was kept: the comment is written in one transaction, which rolled back.
        return _not_saved(request)


@csrf_for_signed_in
def _post_comment(request):
    data = request.POST.copy()
    if request.user.is_authenticated:
        # Readers who are logged in may leave name and email empty, as django-comments allows.
        data["name"] = data.get("name") or request.user.get_full_name() or request.user.username
        data["email"] = data.get("email") or request.user.email
    post = _target_post(data)
    if post is None:
        raise Http404("No such post.")
    form = CommentForm(post, data=data)
    if request.user.is_authenticated:
        # An account from X may have no email address; the account says who wrote it.
        form.fields["email"].required = False

    if not PostCommentModerator(Post).is_open(post):
        return _form_page(request, form, post, status=403, refusal="Comments are closed.")
    security_errors = form.security_errors()
    if "timestamp" in security_errors and not {"honeypot", "security_hash"} & set(security_errors):
        # The form stayed open too long (two hours): give a fresh one, keeping what was typed.
        typed = {key: data.get(key, "") for key in ("comment", "name", "email", "url")}
        typed.update(
            {
                "reply_to": form.cleaned_data.get("reply_to", 0),
                "followup": data.get("followup") == "on",
                "remember": data.get("remember") == "on",
                "form_token": data.get("form_token", ""),
            }
        )
        fresh = CommentForm(post, initial=typed)
        return _form_page(
            request,
            fresh,
            post,
            status=400,
            refusal="This form was open for a long time: check your comment and send it again.",
        )
    if security_errors:
        return HttpResponseBadRequest("The comment form failed its security check.")

    if form.errors or "preview" in data:
        if form.errors:
            return _form_page(request, form, post, status=400)
        preview_html = mark_safe(render_visitor_markdown(data["comment"]))  # noqa: S308 (nh3)
        return _form_page(request, form, post, preview_html=preview_html)

    submission = services.submit_comment(form, request, post)
    if submission.refusal:
        return _form_page(request, form, post, status=403, refusal=submission.refusal)

    try:
        response = redirect(threads.comment_url(submission.comment, post))
    except DATABASE_ERRORS:  # saved, but where it sits in the thread cannot be read now
        response = redirect(f"{post.get_absolute_url()}#comments")
    if form.cleaned_data["remember"]:
        saved = {key: form.cleaned_data[key] for key in ("name", "email", "url")}
        response.set_signed_cookie(
            REMEMBER_COOKIE,
            json.dumps(saved),
            salt=REMEMBER_SALT,
            max_age=YEAR,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    elif REMEMBER_COOKIE in request.COOKIES:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
    return response


def _visible_comment(pk):
    comment = get_object_or_404(
        XtdComment.norel_objects,
        pk=pk,
        content_type=threads.post_content_type(),
        site_id=settings.SITE_ID,
        is_public=True,
        is_removed=False,
    )
    post = Post.objects.published().filter(pk=comment.object_pk).first()
    if post is None:
        raise Http404("No such comment.")
    return comment, post


def reply(request, pk):
    comment, post = _visible_comment(pk)
    return redirect(f"{post.get_absolute_url()}?replytocom={comment.pk}#respond")


def not_found(request):
    raise Http404("Not here.")


def _like_response(request, result, fallback, visitor):
    label = threads.liked_by(result.count)
    if request.headers.get("Accept", "").startswith("application/json"):
        status = 429 if result.limited else 200
        response = JsonResponse(
            {"count": result.count, "label": label, "liked": not result.limited}, status=status
        )
    else:
        if result.limited:
            messages.info(request, "Thanks! Many likes came from your network today already.")
        next_url = request.POST.get("next", "")
        # A path on this site, never a view name: redirect("0") tried to reverse "0" and failed.
        safe = next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        response = HttpResponseRedirect(next_url if safe else fallback)
    if not request.user.is_authenticated and reader_key(request) != visitor:
        response.set_signed_cookie(
            VISITOR_COOKIE,
            visitor,
            salt=VISITOR_SALT,
            max_age=YEAR,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@require_POST
@csrf_for_signed_in
def like_comment(request, pk):
    comment, post = _visible_comment(pk)
    visitor = reader_key(request) or likes.new_visitor_key()
    result = likes.like(request, visitor, comment=comment)
    return _like_response(request, result, threads.comment_url(comment, post), visitor)


@require_POST
@csrf_for_signed_in
def like_post(request, pk):
    post = get_object_or_404(Post.objects.published(), pk=pk)
    visitor = reader_key(request) or likes.new_visitor_key()
    result = likes.like(request, visitor, post=post)
    return _like_response(request, result, f"{post.get_absolute_url()}#comments", visitor)


class PrivacyView(TemplateView):
    template_name = "comments/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["remember_cookie"] = REMEMBER_COOKIE
        context["visitor_cookie"] = VISITOR_COOKIE
        context["close_after_days"] = settings.COMMENTS_CLOSE_AFTER_DAYS
        return context
