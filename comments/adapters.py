"""Commenters' accounts (django-allauth): their mail goes out through the task queue."""

from allauth.account.adapter import DefaultAccountAdapter

from infra.markup import html_to_text
from infra.tasks import email_message, queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Confirmation and password-reset mail, rendered now and sent by the worker."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, kind in getattr(message, "alternatives", ()) if kind == "text/html"),
            None,
        )
        text = message.body
        if message.content_subtype == "html":
            html, text = message.body, html_to_text(message.body)
        queue_email(
            email_message(
                message.subject,
                text,
                message.to,
                html=html,
                from_email=message.from_email,
                headers=message.extra_headers,
            )
        )
