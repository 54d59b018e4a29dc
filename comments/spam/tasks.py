"""The spam filter's slow work: telling Akismet of corrections, retraining the classifier."""

from django_tasks import task

from infra.tasks import retry

from . import akismet_api, training
from .models import Moderation


class AkismetUnavailable(Exception):
    """Akismet did not take a report."""


@task()
def report_to_akismet(moderation_id, is_spam, attempt=0):
    """Report a moderator's correction (submit-spam or submit-ham) with what the comment
    arrived with; tried again later while Akismet does not take it."""
    moderation = Moderation.objects.select_related("comment").filter(pk=moderation_id).first()
    if moderation is None or not akismet_api.enabled():
        return "nothing to report"
    comment = moderation.comment
    taken = akismet_api.submit(
        is_spam,
        comment.ip_address,
        text=comment.comment,
        name=comment.user_name,
        email=comment.user_email,
        url=comment.user_url,
        user_agent=moderation.user_agent,
        referrer=moderation.referrer,
    )
    if taken:
        return "reported"
    if retry(report_to_akismet, attempt, moderation_id, is_spam):
        return f"retry {attempt + 1} scheduled"
    raise AkismetUnavailable(f"Akismet did not take the report on moderation {moderation_id}")


@task()
def retrain_classifier():
    stored = training.retrain()
    return f"trained on {stored.examples} comments ({stored.spam_examples} spam)"
