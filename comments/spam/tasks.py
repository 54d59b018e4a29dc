"""The spam filter's slow work: telling Akismet of corrections, retraining the classifier,
the daily digest of comments awaiting moderation."""

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.db.models import F
from django.template import loader
from django.urls import reverse
from django_tasks import task

from infra.tasks import email_message, queue_email, retry

from . import akismet_api, conf, training
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


DIGEST_ROWS = 20


def digest_recipients():
    """SPAM_DIGEST_TO when set, else every active superuser with an email address."""
    configured = conf.get("SPAM_DIGEST_TO")
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    users = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


@task()
def send_moderation_digest():
    """Mail the owner how many comments await moderation, the surest first; nothing when none
    waits."""
    waiting = Moderation.objects.filter(status=Moderation.Status.PENDING)
    count = waiting.count()
    to = digest_recipients()
    if not count or not to:
        return "nothing waits" if not count else "nobody to tell"
    site = Site.objects.get_current()
    moderations = list(
        waiting.select_related("comment")
        .prefetch_related("comment__content_object")
        .order_by(F("score").desc(nulls_last=True), "-created_at")[:DIGEST_ROWS]
    )
    queue = reverse("admin:spam_moderation_changelist") + "?status=pending"
    body = loader.render_to_string(
        "spam/digest.txt",
        {
            "count": count,
            "moderations": moderations,
            "site_name": site.name,
            "queue_url": f"https://{site.domain}{queue}",
        },
    )
    subject = f"[{site.name}] {count} comment{'s' if count != 1 else ''} awaiting moderation"
    for address in to:
        queue_email(email_message(subject, body, [address]))
    return f"digest of {count} for {len(to)}"
