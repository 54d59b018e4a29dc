"""Work that can wait: mail, and the rule every task of the site follows when it fails.

Tasks are rows of django-tasks-db's table, written in the same transaction as the change that
asks for them: a comment rolled back takes its mail with it, and a comment saved keeps its mail
even if the process dies right after the commit. `manage.py run_tasks` runs them.

A task that meets a passing failure (a mail server that refuses, hangs past EMAIL_TIMEOUT or
answers 4xx) enqueues itself again with `run_after` (TASKS_RETRY_DELAYS) and ends; after the last
delay it fails and stays visible in the admin (Tasks › Task results).
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult
from PIL import UnidentifiedImageError

from .images import make_renditions

logger = logging.getLogger(__name__)


def is_passing(exc):
    """Whether a failure to send mail may go away by itself (5xx answers do not)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return not 500 <= exc.smtp_code < 600
    # Refused, reset or timed-out connections, lost servers: OSError covers them all.
    return isinstance(exc, smtplib.SMTPException | OSError)


def retry(task_obj, attempt, *args, **kwargs):
    """Enqueue `task_obj` again after the delay for `attempt`; False when attempts ran out."""
    delays = settings.TASKS_RETRY_DELAYS
    if attempt >= len(delays):
        return False
    run_after = timezone.now() + datetime.timedelta(seconds=delays[attempt])
    task_obj.using(run_after=run_after).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True


def email_message(subject, body, to, *, html=None, from_email=None, headers=None):
    """A mail as plain data, so that it can wait in the task table."""
    return {
        "subject": subject,
        "body": body,
        "to": list(to),
        "html": html,
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
        "headers": headers or {},
    }


def _send(message):
    email = EmailMultiAlternatives(
        message["subject"],
        message["body"],
        message["from_email"],
        message["to"],
        headers=message.get("headers") or None,
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    email.send(fail_silently=False)


@task()
def send_email(message, attempt=0):
    """Send one mail; on a passing failure try again later."""
    try:
        _send(message)
    except Exception as exc:
        if not is_passing(exc) or not retry(send_email, attempt, message):
            raise
        logger.warning("Mail to %s not sent (%s); trying again later", message["to"], exc)
        return f"retry {attempt + 1} scheduled"
    return "sent"


def queue_email(message):
    """Enqueue `message` (from `email_message`); sent by the task worker."""
    return send_email.enqueue(message)


def requeue_stale(seconds=None):
    """Tasks left "running" longer than TASKS_STALE_SECONDS by a worker that died run again.

    A task that did its work but died before it was marked done runs twice: for a mail that
    means the recipient may get it twice, which beats never.
    """
    seconds = settings.TASKS_STALE_SECONDS if seconds is None else seconds
    cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=cutoff)
        .update(status="READY", started_at=None)
    )


# Image renditions ---------------------------------------------------------------------------


def renditions_or_retry(task_obj, field_file, attempt, *args):
    """make_renditions() of a stored file; None when the storage failed and a retry is set.

    A missing or undecodable file fails at once: no later attempt would find it better.
    """
    try:
        return make_renditions(field_file)
    except (FileNotFoundError, UnidentifiedImageError):
        raise
    except Exception as exc:
        if not retry(task_obj, attempt, *args):
            raise
        logger.warning("Renditions of %s not made (%s); trying again later", field_file, exc)
        return None
