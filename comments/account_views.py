"""Pages for commenters with an account: their public page, and editing or deleting their own
comment for a few minutes after posting it (COMMENTS_EDIT_MINUTES)."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_comments_xtd.models import XtdComment

from blog.models import Post
from infra import pages

from . import posting
from .models import CommentDetails
from .social import commenter_name


def edit_window():
    return datetime.timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)


def editable_until(comment):
    return comment.submit_date + edit_window()


def can_change(user, comment, now=None):
    """The comment's author may edit or delete it while the edit window is open."""
    return (
        user.is_authenticated
        and comment.user_id == user.pk
        and not comment.is_removed
        and (now or timezone.now()) < editable_until(comment)
    )


class EditCommentForm(forms.Form):
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=getattr(settings, "COMMENT_MAX_LENGTH", 3000),
        error_messages={"required": "Write a comment first."},
    )

    def clean_comment(self):
        text = self.cleaned_data["comment"]
        if not text.strip():
            raise forms.ValidationError("Write a comment first.")
        return text


def _own_comment(request, pk):
    """The comment and its post, if it is the reader's own and on a published post."""
    comment = get_object_or_404(
        XtdComment.norel_objects.select_related("user"),
        pk=pk,
        content_type=ContentType.objects.get_for_model(Post),
        site_id=settings.SITE_ID,
    )
    if comment.user_id != request.user.pk or comment.is_removed:
        raise Http404("No such comment of yours.")
    post = Post.objects.published().filter(pk=comment.object_pk).first()
    if post is None:
        raise Http404("No such comment of yours.")
    return comment, post


def _too_late(request, comment, post):
    context = {"comment": comment, "post": post, "minutes": settings.COMMENTS_EDIT_MINUTES}
    return render(request, "comments/edit_closed.html", context, status=403)


@login_required
def edit_comment(request, pk):
    comment, post = _own_comment(request, pk)
    if not can_change(request.user, comment):
        return _too_late(request, comment, post)
    if request.method == "POST":
        form = EditCommentForm(request.POST)
        if form.is_valid():
            posting.edit_comment(request, comment, post, form.cleaned_data["comment"])
            return redirect(f"{post.get_absolute_url()}#c{comment.pk}")
        status = 400
    else:
        form = EditCommentForm(initial={"comment": comment.comment})
        status = 200
    context = {
        "form": form,
        "comment": comment,
        "post": post,
        "editable_until": editable_until(comment),
    }
    return render(request, "comments/edit.html", context, status=status)


@login_required
def delete_comment(request, pk):
    comment, post = _own_comment(request, pk)
    if not can_change(request.user, comment):
        return _too_late(request, comment, post)
    if request.method == "POST":
        # Marked removed, not deleted: the replies under it keep their place in the thread.
        XtdComment.norel_objects.filter(pk=comment.pk).update(is_removed=True)
        pages.changed(posts=False)
        return redirect(f"{post.get_absolute_url()}#comments")
    context = {"comment": comment, "post": post, "editable_until": editable_until(comment)}
    return render(request, "comments/delete.html", context)


def commenter(request, pk):
    """A commenter's public page: their name and their published comments, newest first."""
    user = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    published = Post.objects.published()
    comments = (
        XtdComment.norel_objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(Post),
            site_id=settings.SITE_ID,
            is_public=True,
            is_removed=False,
            # object_pk is text: compare it with the posts' keys as text (PostgreSQL insists).
            object_pk__in=published.annotate(pk_text=Cast("pk", CharField())).values("pk_text"),
        )
        .select_related("details")
        .order_by("-submit_date", "-pk")
    )
    if not comments.exists():
        raise Http404("No published comments.")
    page = Paginator(comments, 20).get_page(request.GET.get("page"))
    posts = published.in_bulk([int(c.object_pk) for c in page.object_list])
    entries = [
        {
            "comment": comment,
            "post": posts.get(int(comment.object_pk)),
            "body_html": _body_html(comment),
        }
        for comment in page.object_list
    ]
    context = {"commenter": user, "name": commenter_name(user), "entries": entries, "page": page}
    return render(request, "comments/commenter.html", context)


def _body_html(comment):
    try:
        details = comment.details
    except CommentDetails.DoesNotExist:
        details = CommentDetails(comment=comment)
    return mark_safe(details.html_for(comment.comment))  # noqa: S308 (sanitized by nh3)
