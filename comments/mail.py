"""Mail about comments, queued in the transaction that stores the comment.

Each mail is written here, while the comment is posted or published, and goes out as one
`infra.tasks.send_email` task per recipient: a mail server that is down delays the mail and
never the commenter, and one bad address holds up nobody else.
"""

from django.conf import settings
from django.contrib.sites.models import Site
from django.template import loader
from django.urls import reverse
from django_comments_xtd import signed
from django_comments_xtd.conf import settings as xtd_settings
from django_comments_xtd.models import XtdComment

from infra.markup import html_to_text
from infra.tasks import email_message, queue_email

from .links import absolute_url
from .threads import comment_html


def comment_text(comment):
    """The comment as plain text, from the HTML stored when it was posted."""
    return html_to_text(comment_html(comment))


def queue_author_mail(comment, post):
    """Tell the post's author of a new comment, held or not, unless they wrote it."""
    author = post.author
    if not author.email or comment.user_id == author.pk:
        return False
    post_url = absolute_url(post.get_absolute_url())
    context = {
        "comment": comment,
        "comment_text": comment_text(comment),
        "post": post,
        "post_url": post_url,
        "read_url": f"{post_url}#c{comment.pk}",
        "queue_url": absolute_url(
            reverse("admin:spam_moderation_changelist") + "?status__exact=pending"
        ),
    }
    subject = f"[{settings.BLOG_TITLE}] New comment on “{post.title}”"
    if not comment.is_public:
        subject += " (awaiting moderation)"
    body = loader.render_to_string("comments/email/author_notification.txt", context)
    queue_email(
        email_message(
            subject, body, [author.email], from_email=xtd_settings.COMMENTS_XTD_FROM_EMAIL
        )
    )
    return True


def followers_of(comment):
    """Name and mute link of everyone following the comment's thread, but its own writer."""
    earlier = (
        XtdComment.norel_objects.filter(
            content_type_id=comment.content_type_id,
            object_pk=comment.object_pk,
            is_public=True,
            is_removed=False,
            followup=True,
        )
        .exclude(user_email__iexact=comment.user_email)
        .exclude(user_email="")
        .order_by("submit_date")
    )
    followers = {}
    for follower in earlier:
        key = signed.dumps(follower, compress=True, extra_key=settings.COMMENTS_XTD_SALT)
        followers[follower.user_email.lower()] = (follower.user_email, follower.user_name, key)
    return followers.values()


def queue_follower_mails(comment, post):
    """Mail the thread's followers about a published comment (xtd's follow-up mail).

    Called inside the transaction that stores or publishes the comment: its mails are queued
    with it or not at all."""
    if not comment.is_public or comment.is_removed:
        return 0
    text = loader.get_template("django_comments_xtd/email_followup_comment.txt")
    html = loader.get_template("django_comments_xtd/email_followup_comment.html")
    subject = f"[{settings.BLOG_TITLE}] New comment on “{post.title}”"
    site = Site.objects.get_current()
    sent = 0
    for email, name, key in followers_of(comment):
        context = {
            "user_name": name,
            "comment": comment,
            "content_object": post,
            "mute_url": reverse("comments-xtd-mute", args=[key.decode()]),
            "site": site,
        }
        html_body = html.render(context) if xtd_settings.COMMENTS_XTD_SEND_HTML_EMAIL else None
        message = email_message(
            subject,
            text.render(context),
            [email],
            html=html_body,
            from_email=xtd_settings.COMMENTS_XTD_FROM_EMAIL,
        )
        queue_email(message)
        sent += 1
    return sent
