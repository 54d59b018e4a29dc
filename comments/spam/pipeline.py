"""The spam filter's entry points for the posting service.

`comments.posting` calls `allow()` and then `decide()` for every new comment before it is
saved, holds the comment (`is_public = False`) when `decide(...).hold`, and stores the decision
with `record()` in the transaction that saves the comment.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from infra.clients import client_ip

from . import checks, conf
from .features import Context
from .models import Moderation


def sender_ip(comment, request):
    """The address the posting service read once into the comment, else the request's."""
    if comment.ip_address:
        return comment.ip_address
    return client_ip(request) if request is not None else ""


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
        ip=sender_ip(comment, request),
        user_agent=meta.get("HTTP_USER_AGENT", ""),
        referrer=meta.get("HTTP_REFERER", ""),
        permalink=permalink,
        honeypot=post.get(honeypot_field, "") if honeypot_field else "",
        form_timestamp=form_timestamp,
        context=post_context(content_object),
        others=recent_comments(comment),
    )


def recent_comments(comment, limit=50):
    """The texts of the latest published comments on the same post (spam copies them)."""
    from django_comments_xtd.models import XtdComment

    if not comment.content_type_id or not comment.object_pk:
        return ()
    rows = XtdComment.objects.filter(
        content_type_id=comment.content_type_id,
        object_pk=str(comment.object_pk),
        is_public=True,
        is_removed=False,
    )
    if comment.pk:
        rows = rows.exclude(pk=comment.pk)
    return tuple(rows.order_by("-submit_date").values_list("comment", flat=True)[:limit])


def post_context(content_object):
    """What the classifier knows of the post: title, film and directors (the post's
    `search_extra`), its text, and whether it is a challenge entry."""
    title = getattr(content_object, "title", "")
    if not title:
        return None
    about = " ".join(filter(None, [title, getattr(content_object, "search_extra", "")]))
    context = Context.from_title(about, body=getattr(content_object, "body", "")[:5000])
    if getattr(content_object, "challenge_id", None):
        context = dataclasses.replace(context, challenge=True)
    return context


def evaluate(sub, *, skip=()):
    """Run the checks on `sub` (but those named in `skip`, which may also name "trusted"):
    the first spam verdict wins, then the first hold.

    A comment from a trusted commenter or blog skips the classifier, the signals and the
    first-comment hold. The classifier alone only holds; a comment it is all but certain of
    is filed as spam when an independent signal agrees (a known spam link, the time trap, or
    one of `signals`: a commercial website, copied or spun text...; the honeypot, a disallowed
    term and Akismet file spam by themselves).
    """
    trusted = None
    if "trusted" not in skip:
        trusted = checks.trusted_commenter(sub) or checks.trusted_blog(sub)
    if trusted is not None:
        skip = {*skip, "classifier", "signals", "first_comment"}
    verdicts = []
    facts = {"user_agent": sub.user_agent, "referrer": sub.referrer}
    held = None
    for name, check, costly in checks.CHECKS:
        if name in skip or (costly and held and held[1] == checks.SPAM):
            continue
        verdict = check(sub)
        if verdict is None:
            continue
        status, reason = verdict
        verdicts.append(name)
        if held is None or (status == checks.SPAM and held[1] != checks.SPAM):
            held = (name, status, reason)
    score = sub.notes.get("score")
    second_key = _second_key(sub, verdicts)
    if held is not None and held[1] != checks.SPAM and sub.notes.get("certain") and second_key:
        reasons = ", ".join(sub.notes.get("reasons", ()))
        reasons = f": {reasons}" if reasons else ""
        reason = f"The classifier is all but certain ({score:.0%}){reasons}; and {second_key}."
        return Decision(status=checks.SPAM, check="classifier", reason=reason, score=score, **facts)
    if held is None:
        if trusted is not None:
            return Decision(check="trusted", reason=f"From {trusted}.", score=score, **facts)
        return Decision(score=score, **facts)
    name, status, reason = held
    return Decision(status=status, check=name, reason=reason, score=score, **facts)


def _second_key(sub, verdicts):
    """The independent signal that agrees with a certain classifier, in words; "" for none.
    None of them depends on lists that start empty, so filing works on a fresh site."""
    if "spam_link" in verdicts:
        return f"it links to {sub.notes['spam_link']}, filed as spam before"
    if "submit_time" in verdicts:
        return "it was sent too soon after the form appeared"
    found = sub.notes.get("signals") or ()
    if found:
        return found[0].words
    return ""


def allow(comment, content_object, request):
    """Whether the comment may be saved at all: (True, "") or (False, message for the person).

    Refuses exact duplicates: the same text by the same email or IP on the same post.
    """
    days = conf.get("SPAM_DUPLICATE_DAYS")
    if not days or not (comment.comment or "").strip():
        return True, ""
    from django.db.models import Q
    from django_comments_xtd.models import XtdComment

    ip = sender_ip(comment, request)
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
