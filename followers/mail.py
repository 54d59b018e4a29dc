"""The mails followers get: built from templates, HTML with its CSS inlined and a plain part.

A post's (or digest's) mail is rendered once and the follower's own links are put in per
follower, so ten thousand followers cost one rendering and ten thousand string replacements.
"""

from decimal import Decimal

import css_inline
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse

from infra.links import absolute_url
from infra.tasks import email_message

TOKEN_MARK = "FOLLOWER-TOKEN-MARK"  # noqa: S105 (a placeholder, not a secret)


# The token in the links of an admin's "send a test to me" mail: no follower has it, and its
# pages say the mail was a test instead of answering "not found".
TEST_TOKEN = "test-mail"  # noqa: S105 (a public marker, not a secret)


def follower_links(token):
    return {
        "confirm_url": absolute_url(reverse("followers:confirm", args=[token])),
        "manage_url": absolute_url(reverse("followers:manage", args=[token])),
        "unsubscribe_url": absolute_url(reverse("followers:unsubscribe", args=[token])),
    }


def _context(**extra):
    return {
        "blog_title": settings.BLOG_TITLE,
        "home_url": absolute_url(reverse("blog:home")),
        **extra,
    }


def confirmation_message(follower):
    context = _context(follower=follower, **follower_links(follower.token))
    return email_message(
        f"Confirm that you want to follow {settings.BLOG_TITLE}",
        render_to_string("followers/email/confirm.txt", context),
        [follower.email],
    )


def already_following_message(follower):
    context = _context(follower=follower, **follower_links(follower.token))
    return email_message(
        f"You follow {settings.BLOG_TITLE}",
        render_to_string("followers/email/already_following.txt", context),
        [follower.email],
    )


def stars(rating):
    if rating is None:
        return ""
    rating = Decimal(rating)
    whole = int(rating)
    return "★" * whole + ("½" if rating - whole else "")


def card(post):
    """What a mail shows of a post: its review's facts when it has a review."""
    try:
        review = post.review
    except ObjectDoesNotExist:
        review = None
    data = {
        "title": post.title,
        "url": absolute_url(post.get_absolute_url()),
        "opening": post.summary(60),
        "documentary": None,
    }
    if review is not None:
        documentary = review.documentary
        poster = ""
        if documentary.poster:
            poster = documentary.poster.url
            if poster.startswith("/"):
                poster = absolute_url(poster)
        data["documentary"] = {
            "title": documentary.title,
            "year": documentary.release_year
            or (documentary.release_date.year if documentary.release_date else None),
            "poster": poster,
            "directors": ", ".join(person.name for person in documentary.directors.all()),
        }
        data["rating"] = review.rating
        data["stars"] = stars(review.rating)
    return data


class Rendered:
    """A mail rendered once, with TOKEN_MARK where each follower's token goes."""

    def __init__(self, subject, text, html):
        self.subject = subject
        self.text = text
        self.html = html

    def for_follower(self, follower, message_id):
        links = follower_links(follower.token)
        headers = {
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": message_id,
        }
        return email_message(
            self.subject,
            self.text.replace(TOKEN_MARK, follower.token),
            [follower.email],
            html=self.html.replace(TOKEN_MARK, follower.token),
            headers=headers,
        )


def _render(name, subject, context):
    context = _context(**follower_links(TOKEN_MARK), **context)
    text = render_to_string(f"followers/email/{name}.txt", context)
    # The stylesheet is a file of its own (pages' templates carry no inline CSS); css-inline
    # writes it into the elements' style attributes, as mail clients need.
    inliner = css_inline.CSSInliner(
        extra_css=render_to_string("followers/email/mail.css"), load_remote_stylesheets=False
    )
    html = inliner.inline(render_to_string(f"followers/email/{name}.html", context))
    return Rendered(subject, text, html)


def post_mail(post):
    return _render("post", post.title, {"card": card(post)})


def digest_mail(digest):
    cards = [card(post) for post in digest.posts().prefetch_related("review__documentary")]
    subject = f"This week on {settings.BLOG_TITLE}"
    return _render("digest", subject, {"cards": cards, "digest": digest})
