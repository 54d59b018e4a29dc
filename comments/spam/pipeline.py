"""The spam filter's entry points for the posting service.

`comments.services` calls `allow()` and then `decide()` for every new comment before it is
saved, holds the comment (`is_public = False`) when `decide(...).hold`, and stores the decision
with `record()` in the transaction that saves the comment.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from . import checks, conf
from .models import Moderation

client_ip = checks.client_ip


@dataclass(frozen=True)
class Decision:
    status: str = Moderation.Status.APPROVED
    check: str = ""
    reason: str = ""
    score: float | None = None
    # What the comment arrived with, kept for reports to Akismet.
    user_agent: str = field(default="", compare=False)
    referrer: str = field(default="", compare=False)

    @property
    def hold(self):
        return self.status != Moderation.Status.APPROVED


def submission(comment, content_object, request):
    """A `checks.Submission` from an unsaved comment and the request that posted it."""
    post = request.POST if request is not None and request.method == "POST" else {}
    meta = request.META if request is not None else {}
    try:
        form_timestamp = int(post.get("timestamp", ""))
    except ValueError:
        form_timestamp = None
    permalink = ""
    if request is not None and hasattr(content_object, "get_absolute_url"):
        permalink = request.build_absolute_uri(content_object.get_absolute_url())
    honeypot_field = conf.get("SPAM_HONEYPOT_FIELD")
    return checks.Submission(
        text=comment.comment or "",
        name=comment.user_name or "",
        email=comment.user_email or "",
        url=comment.user_url or "",
        ip=checks.client_ip(request) if request is not None else (comment.ip_address or ""),
        user_agent=meta.get("HTTP_USER_AGENT", ""),
        referrer=meta.get("HTTP_REFERER", ""),
        permalink=permalink,
        honeypot=post.get(honeypot_field, "") if honeypot_field else "",
        form_timestamp=form_timestamp,
    )


def evaluate(sub, *, skip=()):
    """Run the checks on `sub`: the first spam verdict wins, then the first hold."""
    facts = {"user_agent": sub.user_agent, "referrer": sub.referrer}
    held = None
    for name, check, costly in checks.CHECKS:
        if name in skip or (costly and held and held[1] == checks.SPAM):
            continue
        verdict = check(sub)
        if verdict is None:
            continue
        status, reason = verdict
        if held is None or (status == checks.SPAM and held[1] != checks.SPAM):
            held = (name, status, reason)
    score = sub.notes.get("score")
    if held is None:
        return Decision(score=score, **facts)
    name, status, reason = held
    return Decision(status=status, check=name, reason=reason, score=score, **facts)


def allow(comment, content_object, request):
    """Whether the comment may be saved at all: (True, "") or (False, message for the person).

    Refuses exact duplicates: the same text by the same email or IP on the same post.
    """
    days = conf.get("SPAM_DUPLICATE_DAYS")
    if not days or not (comment.comment or "").strip():
        return True, ""
    from django.db.models import Q
    from django_comments_xtd.models import XtdComment

    ip = checks.client_ip(request) if request is not None else comment.ip_address
    same_person = Q(user_email__iexact=comment.user_email or "")
    if ip:
        same_person |= Q(ip_address=ip)
    duplicate = (
        XtdComment.objects.filter(
            content_type=comment.content_type,
            object_pk=str(comment.object_pk),
            comment=comment.comment,
            submit_date__gte=timezone.now() - datetime.timedelta(days=days),
        )
        .filter(same_person)
        .exists()
    )
    if duplicate:
        return False, "You have already posted this comment."
    return True, ""


def decide(comment, content_object, request, *, skip=()):
    """Decide what happens to a new (unsaved) comment; see `Decision`.

    Also stores the client IP on the comment (the proxy header's when configured). `skip`
    names checks not to run (an edited comment is not a new one for the rate limit).
    """
    user = getattr(request, "user", None)
    sub = submission(comment, content_object, request)
    if sub.ip:
        comment.ip_address = sub.ip
    if user is not None and user.is_authenticated and user.is_staff:
        return Decision(
            check="staff",
            reason="Posted by staff.",
            user_agent=sub.user_agent,
            referrer=sub.referrer,
        )
    return evaluate(sub, skip=skip)


def record(comment, decision):
    """Store `decision` as the saved `comment`'s moderation record."""
    moderation, _ = Moderation.objects.update_or_create(
        comment=comment,
        defaults={
            "status": decision.status,
            "check_name": decision.check,
            "reason": decision.reason[:255],
            "score": decision.score,
            "user_agent": decision.user_agent,
            "referrer": decision.referrer,
        },
    )
    return moderation
