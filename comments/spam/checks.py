"""The spam filter's checks. Each looks at one `Submission` and returns a verdict or None.

A verdict is a `(status, reason)` pair: "spam" files the comment as spam, "pending" holds it for
a moderator. Checks are listed in `CHECKS` in the order they run.
"""

import logging
import re
import time
from dataclasses import dataclass, field

from django.db.models import Q

from infra.ratelimit import over_limit

from . import akismet_api, classifier, conf, signals
from .features import Context, is_dated_post, is_reference
from .models import (
    DisallowedTerm,
    SpamLink,
    SparedSignal,
    TrustedBlog,
    TrustedCommenter,
    blog_address,
)

SPAM = "spam"
PENDING = "pending"

logger = logging.getLogger(__name__)


@dataclass
class Submission:
    """What the filter knows about a comment being posted."""

    text: str
    name: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    user_agent: str = ""
    referrer: str = ""
    permalink: str = ""
    honeypot: str | None = None  # None: not a form post (e.g. an evaluation run)
    form_timestamp: int | None = None
    context: Context | None = None  # the post it is left on; None: unknown
    others: tuple = ()  # recent comments on the same post (to see copied text)
    classifier: object = None  # None: the one in use on the site
    notes: dict = field(default_factory=dict)  # what checks learned, e.g. the score

    @property
    def links(self):
        if "links" not in self.notes:
            self.notes["links"] = classifier.find_links(self.text)
        return self.notes["links"]

    @property
    def hosts(self):
        """Hosts of the links in the text and of the writer's website."""
        hosts = {classifier.link_host(link) for link in self.links}
        if self.url:
            hosts.add(classifier.link_host(self.url))
        return hosts - {""}


def check_honeypot(sub):
    if conf.get("SPAM_HONEYPOT_FIELD") and sub.honeypot:
        return SPAM, "The hidden trap field was filled in."
    return None


def check_submit_time(sub):
    minimum = conf.get("SPAM_MIN_SUBMIT_SECONDS")
    if not minimum or sub.form_timestamp is None:
        return None
    elapsed = time.time() - sub.form_timestamp
    if elapsed < minimum:
        return PENDING, f"Sent {max(elapsed, 0):.1f} s after the form was shown."
    return None


def check_rate_limit(sub):
    window = int(conf.get("SPAM_RATE_LIMIT_WINDOW"))
    minutes = max(window // 60, 1)
    for kind, value, limit in (
        ("ip", sub.ip, conf.get("SPAM_RATE_LIMIT_PER_IP")),
        ("email", sub.email, conf.get("SPAM_RATE_LIMIT_PER_EMAIL")),
    ):
        if limit and value and over_limit(f"comments-{kind}", value, limit, window):
            return PENDING, f"More than {limit} comments from this {kind} in {minutes} minutes."
    return None


def trusted_commenter(sub):
    """ "a trusted commenter, EMAIL" when a moderator trusted the writer's address; else None."""
    email = sub.email.strip().lower()
    if email and TrustedCommenter.objects.filter(email=email).exists():
        return f"a trusted commenter, {email}"
    return None


def trusted_blog(sub):
    """The trusted blog (`TrustedBlog`) the writer's website or a link belongs to, when every
    other link in the text goes to a trusted blog or a dated blog post; else None."""
    urls = [*sub.links, *([sub.url] if sub.url else [])]
    if not urls:
        return None
    trusted = TrustedBlog.objects.matching(urls)
    if not trusted:
        return None
    on_list = {blog.address for blog in trusted}
    for link in sub.links:
        address = blog_address(link)
        covered = any(address == a or address.startswith(a + "/") for a in on_list)
        if not covered and not is_dated_post(link):
            return None
    return f"a trusted blog: {trusted[0]}"


def check_spam_link(sub):
    """Links to (or a website on) a site that moderators filed spam from: held; filed as spam
    when the classifier is all but certain too (see `pipeline.evaluate`)."""
    hosts = sub.hosts
    if not hosts:
        return None
    known = sorted(SpamLink.objects.filter(host__in=hosts).values_list("host", flat=True))
    if not known:
        return None
    sub.notes["spam_link"] = known[0]
    return PENDING, f"Links to {known[0]}, a site moderators filed spam from before."


def check_links(sub):
    """More links than SPAM_MAX_LINKS, not counting references (Wikipedia, IMDb, a paper)."""
    maximum = conf.get("SPAM_MAX_LINKS")
    if maximum is None:
        return None
    count = sum(1 for link in sub.links if not is_reference(classifier.link_host(link)))
    if count > maximum:
        return PENDING, f"{count} links (more than {maximum})."
    return None


def _host_matches(host, domain):
    return host == domain or host.endswith("." + domain)


def check_disallowed(sub):
    if not conf.get("SPAM_DISALLOWED_TERMS"):
        return None
    terms = DisallowedTerm.objects.cached()
    if not terms:
        return None
    hosts = set(sub.hosts)
    if "@" in sub.email:
        hosts.add(sub.email.rsplit("@", 1)[1].lower())
    words = " ".join([classifier.plain_text(sub.text), sub.name.lower(), sub.email.lower()])
    for kind, term in terms:
        if kind == DisallowedTerm.Kind.DOMAIN:
            if any(_host_matches(host, term) for host in hosts):
                return SPAM, f"Links to the disallowed domain {term}."
        elif re.search(rf"(?<!\w){re.escape(term)}(?!\w)", words):
            return SPAM, f"Contains the disallowed term “{term}”."
    return None


def _spared(sub):
    """Hosts and names of this comment that moderators rescued comments from."""
    hosts = signals.hosts_of(sub.text, email=sub.email, url=sub.url)
    name = sub.name.strip().lower()
    if not hosts and not name:
        return frozenset()
    rows = SparedSignal.objects.filter(
        Q(kind=SparedSignal.Kind.SITE, value__in=hosts) | Q(kind=SparedSignal.Kind.NAME, value=name)
    )
    return frozenset(rows.values_list("value", flat=True))


def check_signals(sub):
    """What a person sees at a glance, independent of the classifier: a commercial website,
    email or link, a business for a name, spun text, a pitch with a messenger contact, an offer
    in Chinese or Russian, text copied from the post. Holds; with the classifier all but
    certain, files as spam (`pipeline.evaluate`)."""
    if not conf.get("SPAM_SIGNALS"):
        return None
    sources = [sub.context.body] if sub.context is not None and sub.context.body else []
    found = signals.read(
        sub.text,
        name=sub.name,
        email=sub.email,
        url=sub.url,
        copied_sources=[*sources, *sub.others],
        spared=_spared(sub),
    )
    sub.notes["signals"] = found
    if not found:
        return None
    return PENDING, "Looks like spam: " + ", ".join(s.words for s in found[:3]) + "."


def check_classifier(sub):
    """Holds, never files as spam on its own: `pipeline.evaluate` files a held comment as
    spam when the classifier is all but certain and another signal agrees."""
    hold = conf.get("SPAM_CLASSIFIER_HOLD")
    if hold is None:
        return None
    from .training import current_classifier

    model = sub.classifier or current_classifier()
    score, reasons = model.explain(sub.text, sub.url, sub.name, sub.context, email=sub.email)
    sub.notes["score"] = score
    sub.notes["reasons"] = reasons
    spam = conf.get("SPAM_CLASSIFIER_SPAM")
    sub.notes["certain"] = spam is not None and score >= spam
    if score < hold:
        return None
    why = f": {', '.join(reasons)}" if reasons else ""
    return PENDING, f"The classifier rates it {score:.0%} likely spam{why}."


def check_akismet(sub):
    if not akismet_api.enabled():
        return None
    import akismet

    try:
        is_spam = akismet_api.check(
            sub.ip,
            text=sub.text,
            name=sub.name,
            email=sub.email,
            url=sub.url,
            user_agent=sub.user_agent,
            referrer=sub.referrer,
            permalink=sub.permalink,
        )
    except akismet.AkismetError as error:
        return PENDING, f"Akismet did not answer ({error}); held until checked by hand."
    return (SPAM, "Akismet says spam.") if is_spam else None


def check_first_comment(sub):
    if not conf.get("SPAM_FIRST_COMMENT_HOLD") or not sub.email:
        return None
    from django_comments_xtd.models import XtdComment

    approved = XtdComment.objects.filter(
        user_email__iexact=sub.email, is_public=True, is_removed=False
    ).exists()
    return None if approved else (PENDING, "First comment from this email address.")


# (name, check, costly): costly checks are skipped once a cheaper one has filed spam.
CHECKS = [
    ("honeypot", check_honeypot, False),
    ("disallowed", check_disallowed, False),
    ("submit_time", check_submit_time, False),
    ("rate_limit", check_rate_limit, False),
    ("spam_link", check_spam_link, False),
    ("links", check_links, False),
    ("signals", check_signals, False),
    ("classifier", check_classifier, False),
    ("akismet", check_akismet, True),
    ("first_comment", check_first_comment, False),
]
