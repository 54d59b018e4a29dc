"""Posting a comment, top to bottom: checks, the spam filter's decision, one transaction.

The comment, its rendered HTML, its moderation record, its form token and the tasks that mail
the author and the thread's followers are written together or not at all. A retry of the same
form (a double click, a connection lost, a worker killed halfway) finds the comment the first
attempt stored, or posts it if nothing was stored; never both and never a refusal.
"""

from dataclasses import dataclass

from django.contrib.sites.shortcuts import get_current_site
from django.db import IntegrityError, transaction
from django_comments_xtd.models import MaxThreadLevelExceededException, XtdComment

from blog.models import Post
from infra import pages
from infra.clients import client_ip

from . import mail
from .models import CommentDetails
from .moderation import PostCommentModerator
from .spam import pipeline
from .threads import SESSION_KEY

SESSION_LIMIT = 50


@dataclass
class Submission:
    comment: XtdComment | None = None
    refusal: str = ""
    repeated: bool = False


def comment_for_token(token):
    if not token:
        return None
    details = CommentDetails.objects.filter(form_token=token).select_related("comment").first()
    return details.comment if details else None


def new_comment(form, request):
    """The unsaved comment a valid form describes, with who sent it and from where."""
    comment = XtdComment(**form.get_comment_object(site_id=get_current_site(request).id))
    comment.ip_address = client_ip(request) or None
    if request.user.is_authenticated:
        comment.user = request.user
    return comment


def submit_comment(form, request, post):
    """Store a valid form's comment once per form token; see the module's docstring."""
    token = form.submission_key()
    earlier = comment_for_token(token)
    if earlier is not None:
        return Submission(earlier, repeated=True)

    comment = new_comment(form, request)
    refusal = PostCommentModerator(Post).refusal(comment, post, request)
    if refusal:
        return Submission(refusal=refusal)
    decision = pipeline.decide(comment, post, request)
    comment.is_public = not decision.hold
    details = CommentDetails(form_token=token, followers_pending=not comment.is_public)
    details.render(comment.comment)
    try:
        # The page versions move once, when the comment and its mail are stored.
        with pages.changing(posts=False), transaction.atomic():
            comment.save()
            details.comment = comment
            details.save()
            pipeline.record(comment, decision)
            mail.queue_author_mail(comment, post)
            mail.queue_follower_mails(comment, post)
    except MaxThreadLevelExceededException:
        return Submission(refusal="This thread is as deep as it goes: reply to an earlier comment.")
    except IntegrityError:
        # The same form arrived twice at once and the other request stored its token first.
        earlier = comment_for_token(token)
        if earlier is None:
            raise
        return Submission(earlier, repeated=True)
    remember_in_session(request, comment)
    return Submission(comment)


def remember_in_session(request, comment):
    """This browser posted `comment`: it may see it while it awaits moderation."""
    posted = [pk for pk in request.session.get(SESSION_KEY, []) if pk != comment.pk]
    request.session[SESSION_KEY] = [*posted, comment.pk][-SESSION_LIMIT:]


def notify_followers_if_published(comment):
    """Mail the thread's followers about a held comment once it is published, and only once.

    Comments public when posted were announced then; this is the same mail for the ones a
    moderator published later. Returns whether the mail is queued.
    """
    if not comment.is_public or comment.is_removed:
        return False
    claimed = CommentDetails.objects.filter(comment_id=comment.pk, followers_pending=True).update(
        followers_pending=False
    )
    if not claimed:
        return False
    post = Post.objects.filter(pk=comment.object_pk).first()
    if post is not None:
        mail.queue_follower_mails(comment, post)
    return True


def ensure_details(comment):
    """Store the rendered HTML of a comment created elsewhere (the importer, the admin)."""
    details, _ = CommentDetails.objects.get_or_create(comment=comment)
    details.render(comment.comment)
    details.save(update_fields=["body_html", "body_digest"])
    return details


def edit_comment(request, comment, post, text):
    """Its writer changed `comment`: store the new text, past the spam filter again."""
    comment.comment = text
    changes = {"comment": text}
    details, _ = CommentDetails.objects.get_or_create(comment=comment)
    details.render(text)
    decision = PostCommentModerator(Post).decision_after_edit(comment, post, request)
    with pages.changing(posts=False), transaction.atomic():
        if decision.hold:
            changes["is_public"] = False
            pipeline.record(comment, decision)
        XtdComment.norel_objects.filter(pk=comment.pk).update(**changes)
        details.save(update_fields=["body_html", "body_digest"])
    if decision.hold:
        # Its writer keeps seeing it, marked as awaiting moderation.
        remember_in_session(request, comment)
    return decision
