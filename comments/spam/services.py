"""A moderator's decisions: publish or file the comment, learn from it, tell Akismet."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import akismet_api, tasks, training
from .models import Moderation

APPROVE = "approve"
SPAM = "spam"
NOT_SPAM = "not_spam"
ACTIONS = {
    APPROVE: "Approve",
    SPAM: "Spam",
    NOT_SPAM: "Not spam",
}


def apply(moderation, action, user):
    """Carry out `action` (APPROVE, SPAM or NOT_SPAM) on one moderated comment.

    The comment is published or hidden, never deleted. Approving and "not spam" teach the
    classifier ham, "spam" teaches it spam; Akismet hears of the corrections (spam of what it
    has not filed as spam, ham of what was filed as spam or explicitly marked not spam).
    """
    previous = moderation.status
    is_spam = action == SPAM
    with transaction.atomic():
        comment = moderation.comment
        comment.is_public = not is_spam
        if not is_spam:
            comment.is_removed = False
        comment.save(update_fields=["is_public", "is_removed"])
        moderation.status = Moderation.Status.SPAM if is_spam else Moderation.Status.APPROVED
        moderation.decided_at = timezone.now()
        moderation.decided_by = user if getattr(user, "pk", None) else None
        moderation.save(update_fields=["status", "decided_at", "decided_by"])
        training.learn(comment, is_spam)
        if akismet_api.enabled():
            if is_spam and previous != Moderation.Status.SPAM:
                tasks.report_to_akismet.enqueue(moderation.pk, True)
            elif not is_spam and (action == NOT_SPAM or previous == Moderation.Status.SPAM):
                tasks.report_to_akismet.enqueue(moderation.pk, False)
    return moderation


def apply_many(moderations, action, user):
    count = 0
    for moderation in moderations.select_related("comment"):
        apply(moderation, action, user)
        count += 1
    return count


def purge_spam(days):
    """Delete comments filed as spam more than `days` ago; returns how many."""
    from django_comments_xtd.models import XtdComment

    cutoff = timezone.now() - datetime.timedelta(days=days)
    # Spam for `days` already: posted that long ago and not filed as spam more recently.
    doomed = XtdComment.objects.filter(
        Q(moderation__decided_at__isnull=True) | Q(moderation__decided_at__lt=cutoff),
        moderation__status=Moderation.Status.SPAM,
        submit_date__lt=cutoff,
    )
    # Count comments only (deleting also removes their moderation rows and flags).
    count = doomed.count()
    for comment in doomed.iterator():
        comment.delete()
    return count
