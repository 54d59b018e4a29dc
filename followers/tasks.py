"""The followers' tasks, run by `manage.py run_tasks`."""

from django_tasks import task

from . import delivery, services
from .models import Announcement, Digest


@task()
def fan_out(announcement_id=None, digest_id=None):
    """Write the delivery records of a post's (or a digest's) mail and start delivering."""
    if announcement_id is not None:
        announcement = Announcement.objects.filter(pk=announcement_id).first()
        if announcement is None:
            return "post deleted"
        return f"{services.fan_out(announcement=announcement)} deliveries"
    digest = Digest.objects.filter(pk=digest_id).first()
    if digest is None:
        return "digest deleted"
    return f"{services.fan_out(digest=digest)} deliveries"


@task()
def deliver_due():
    """Send one batch of due mails at FOLLOWERS_PER_SECOND, then hand over to the next task."""
    result = delivery.send_batch()
    if result.more_due:
        services.enqueue_delivery()
    elif result.retry_at is not None:
        services.enqueue_delivery(run_after=result.retry_at)
    return result.summary()
