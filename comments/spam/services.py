"""A moderator's decisions: publish or file the comment, learn from it, tell Akismet."""

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from . import akismet_api, pipeline, signals, tasks, training
from .features import find_links, link_host
from .models import (
    Moderation,
    SpamLink,
    SparedSignal,
    TrustedBlog,
    TrustedCommenter,
    blog_address,
)

APPROVE = "approve"
SPAM = "spam"
NOT_SPAM = "not_spam"
TRUST = "trust"
TRUST_COMMENTER = "trust_commenter"
ACTIONS = {
    APPROVE: "Approve",
    SPAM: "Spam",
    NOT_SPAM: "Not spam",
    TRUST: "Trust this blog",
    TRUST_COMMENTER: "Approve and trust this commenter",
}


def commenter_blog(comment):
    """The blog a comment comes from: the writer's website, else the first link in the text;
    "" when there is neither."""
    for url in [comment.user_url, *find_links(comment.comment)]:
        address = blog_address(url)
        if address:
            return address
    return ""


def _linked_hosts(comment):
    hosts = {link_host(link) for link in find_links(comment.comment)}
    if comment.user_url:
        hosts.add(link_host(comment.user_url))
    return hosts - {""}


def _linked_from_published(hosts):
    """Those of `hosts` that published comments link to (a reference site, say)."""
    from django_comments_xtd.models import XtdComment

    if not hosts:
        return set()
    mentions = Q()
    for host in hosts:
        mentions |= Q(comment__icontains=host) | Q(user_url__icontains=host)
    rows = XtdComment.objects.filter(mentions, is_public=True, is_removed=False).values_list(
        "comment", "user_url"
    )[:200]
    return {host for text, url in rows for host in hosts if host in f"{text} {url}".lower()}


def _remember_spam_links(comment):
    """Keep the sites a spam comment linked to, except trusted blogs and sites that published
    comments link to as well."""
    hosts = _linked_hosts(comment)
    hosts -= set(TrustedBlog.objects.filter(host__in=hosts).values_list("host", flat=True))
    hosts -= _linked_from_published(hosts)
    known = set(SpamLink.objects.filter(host__in=hosts).values_list("host", flat=True))
    SpamLink.objects.filter(host__in=known).update(comments=F("comments") + 1)
    SpamLink.objects.bulk_create([SpamLink(host=host) for host in hosts - known])


def _spare_signals(comment):
    """A moderator rescued a comment that the signals held or helped file: its commercial-
    looking sites and its business-looking name no longer count as signals."""
    found = signals.read(
        comment.comment, name=comment.user_name, email=comment.user_email, url=comment.user_url
    )
    keys = {s.key for s in found}
    spared = []
    if keys & {"commercial-website", "commercial-email", "commercial-link"}:
        hosts = signals.hosts_of(comment.comment, email=comment.user_email, url=comment.user_url)
        spared += [
            (SparedSignal.Kind.SITE, host)
            for host in hosts
            if (site := signals.read_site(host)) is not None and site.commercial
        ]
    if "business-name" in keys:
        spared.append((SparedSignal.Kind.NAME, comment.user_name.strip().lower()))
    for kind, value in spared:
        SparedSignal.objects.get_or_create(kind=kind, value=value[:253])


def _unspare_signals(comment):
    """Filed as spam after all: its sites and name are signals again."""
    hosts = signals.hosts_of(comment.comment, email=comment.user_email, url=comment.user_url)
    SparedSignal.objects.filter(
        Q(kind=SparedSignal.Kind.SITE, value__in=hosts)
        | Q(kind=SparedSignal.Kind.NAME, value=(comment.user_name or "").strip().lower())
    ).delete()


def _forget_spam_links(comment):
    """A moderator vouched for a comment: the sites it links to are not known spam."""
    SpamLink.objects.filter(host__in=_linked_hosts(comment)).delete()


def trust_blog(comment, note="Trusted from the moderation queue"):
    """Put the commenter's blog on the trusted list; returns its address ("" when none)."""
    address = commenter_blog(comment)
    if address:
        TrustedBlog.objects.get_or_create(address=address, defaults={"note": note})
    return address


def apply(moderation, action, user):
    """Carry out `action` (APPROVE, SPAM, NOT_SPAM, TRUST or TRUST_COMMENTER) on one moderated
    comment.

    The comment is published or hidden, never deleted. Approving and "not spam" teach the
    classifier ham, "spam" teaches it spam and remembers the sites it links to as known spam
    links; "trust this blog" approves and puts the commenter's blog on the trusted list, "trust
    this commenter" their email address.
    Akismet hears of the corrections (spam of what it has not filed as spam, ham of what was
    filed as spam or explicitly marked not spam).
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
        training.learn(comment, is_spam, pipeline.post_context(comment.content_object))
        if is_spam:
            _remember_spam_links(comment)
            _unspare_signals(comment)
        else:
            _forget_spam_links(comment)
            if moderation.check_name in {"signals", "classifier"}:
                _spare_signals(comment)
        if action == TRUST:
            trust_blog(comment)
        if action == TRUST_COMMENTER and comment.user_email:
            TrustedCommenter.objects.get_or_create(
                email=comment.user_email.strip().lower(),
                defaults={"note": "Trusted from the moderation queue"},
            )
        if akismet_api.enabled():
            if is_spam and previous != Moderation.Status.SPAM:
                tasks.report_to_akismet.enqueue(moderation.pk, True)
            elif not is_spam and (action == NOT_SPAM or previous == Moderation.Status.SPAM):
                tasks.report_to_akismet.enqueue(moderation.pk, False)
    return moderation


def apply_many(moderations, action, user):
    count = 0
    for moderation in moderations.select_related("comment").prefetch_related(
        "comment__content_object"
    ):
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


def delete_many(moderations):
    """Delete the comments of `moderations` (their records go with them). Replies to a deleted
    comment stay, at the top level of the thread. Returns how many comments were deleted."""
    comment_ids = list(moderations.values_list("comment_id", flat=True))
    with transaction.atomic():
        deleted, _ = XtdComment.objects.filter(pk__in=comment_ids).delete()
    return len(comment_ids) if deleted else 0
