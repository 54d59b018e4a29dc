"""The planner's pages in the admin, mixed into the challenge admin.

GET shows the calendar (blog.planner.plan); one POST button per gap creates the letter's draft.
Plain forms and links: it works by keyboard and without JavaScript.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .challenge import LETTERS, format_days_off, parse_days_off
from .planner import create_letter_draft, plan


class PlannerAdminMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/planner/", wrap(self.planner_view), name="blog_challenge_planner"
            ),
            path(
                "<path:object_id>/planner/draft/",
                wrap(self.create_draft_view),
                name="blog_challenge_planner_draft",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def planner_url(challenge):
        return reverse("admin:blog_challenge_planner", args=[challenge.pk])

    def planner_link(self, challenge):
        return format_html(
            '<a href="{}">Plan<span class="visually-hidden"> {}</span></a>',
            self.planner_url(challenge),
            challenge,
        )

    planner_link.short_description = "Planner"

    def _challenge(self, request, object_id):
        challenge = self.get_object(request, unquote(object_id))
        if challenge is None:
            raise Http404("No such challenge.")
        if not self.has_view_permission(request, challenge):
            raise PermissionDenied
        return challenge

    def planner_view(self, request, object_id):
        challenge = self._challenge(request, object_id)
        try:
            days_off = format_days_off(parse_days_off(challenge.days_off)) or "none"
        except ValueError:
            days_off = challenge.days_off
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": challenge,
            "title": f"A to Z planner: {challenge}",
            "plan": plan(challenge),
            "days_off": days_off,
            "explicit_dates": bool(challenge.letter_dates.strip()),
            "can_add_posts": request.user.has_perm("blog.add_post"),
            "can_change_challenge": self.has_change_permission(request, challenge),
        }
        return TemplateResponse(request, "admin/blog/challenge/planner.html", context)

    def create_draft_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        challenge = self._challenge(request, object_id)
        if not request.user.has_perm("blog.add_post"):
            raise PermissionDenied
        letter = request.POST.get("letter", "").strip().upper()
        if len(letter) != 1 or letter not in LETTERS:
            messages.error(request, "Choose a letter from A to Z.")
            return redirect(self.planner_url(challenge))
        try:
            post, created = create_letter_draft(challenge, letter, request.user)
        except ValidationError as error:
            messages.error(request, f"No draft was made for “{letter}”: {' '.join(error.messages)}")
            return redirect(self.planner_url(challenge))
        if created:
            messages.success(
                request,
                f"A draft for “{letter}” was created, dated {post.published_on:%A, %B} "
                f"{post.published_on.day}. Write it here.",
            )
        else:
            messages.info(request, f"“{letter}” already has a post: here it is.")
        return redirect(reverse("admin:blog_post_change", args=[post.pk]))
