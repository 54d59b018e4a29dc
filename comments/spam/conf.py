"""The spam filter's settings and their defaults (each can be set in config/settings.py)."""

from django.conf import settings

DEFAULTS = {
    # Name of the form's hidden trap field (django-contrib-comments renders "honeypot");
    # empty turns the check off.
    "SPAM_HONEYPOT_FIELD": "honeypot",
    # Comments sent sooner than this after the form was rendered are held; 0 turns it off.
    "SPAM_MIN_SUBMIT_SECONDS": 3,
    # At most this many comments per client IP and per email address in the window; 0 = off.
    "SPAM_RATE_LIMIT_PER_IP": 5,
    "SPAM_RATE_LIMIT_PER_EMAIL": 5,
    "SPAM_RATE_LIMIT_WINDOW": 600,
    # Comments with more links than this are held (WordPress's default is 2); None = off.
    "SPAM_MAX_LINKS": 2,
    "SPAM_DISALLOWED_TERMS": True,
    # The signals a person reads (signals.py: a commercial website, a business for a name...).
    "SPAM_SIGNALS": True,
    # The same text by the same person on the same post within this many days is refused.
    "SPAM_DUPLICATE_DAYS": 30,
    # Classifier spam probability from which a comment is held; None = off. From
    # SPAM_CLASSIFIER_SPAM on it is filed as spam, but only when another signal agrees (a link
    # to a site moderators filed spam from); None = never.
    "SPAM_CLASSIFIER_HOLD": 0.4,
    "SPAM_CLASSIFIER_SPAM": 0.9,
    # Hold the first comment of an email address until one of theirs has been approved.
    "SPAM_FIRST_COMMENT_HOLD": True,
    "SPAM_PURGE_DAYS": 30,
    # Who gets the daily digest of comments awaiting moderation (`manage.py spam_digest`): an
    # address or a list; empty: every active superuser with an email address.
    "SPAM_DIGEST_TO": "",
    # Labelled CSV the classifier starts from (default: the shipped TubeSpam_train.csv and
    # blog_comments_train.csv).
    "SPAM_TRAINING_CSV": "",
    # Akismet: on when the key is set.
    "AKISMET_API_KEY": "",
    "AKISMET_SITE_URL": "",
    "AKISMET_TIMEOUT": 2.0,
    # Another Akismet-compatible endpoint (scheme://host[:port]); empty: rest.akismet.com.
    "AKISMET_API_URL": "",
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
