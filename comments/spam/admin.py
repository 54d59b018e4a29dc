"""The moderation queue: pending, spam and approved comments with their reasons."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from . import services, tasks
from .models import (
    ClassifierModel,
    DisallowedTerm,
    Moderation,
    SpamLink,
    SparedSignal,
    TrainingExample,
    TrustedBlog,
    TrustedCommenter,
)


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        counts = Moderation.objects.counts()
        return [(value, f"{label} ({counts[value]})") for value, label in Moderation.Status.choices]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Moderation)
class ModerationAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "on_post",
        "commenter",
        "status",
        "check_name",
        "reason",
        "score_percent",
        "created_at",
        "row_actions",
    ]
    list_filter = [StatusFilter, "check_name"]
    # The surest first, so a moderator can clear the top of the queue at a glance.
    ordering = [F("score").desc(nulls_last=True), "-created_at"]
    list_select_related = ["comment"]
    search_fields = [
        "comment__comment",
        "comment__user_name",
        "comment__user_email",
        "comment__ip_address",
        "reason",
    ]
    date_hierarchy = "created_at"
    actions = [
        "approve",
        "mark_spam",
        "mark_not_spam",
        "trust_blogs",
        "trust_commenters",
        "delete_comments",
        "retrain_classifier",
    ]
    readonly_fields = [
        "comment_link",
        "full_text",
        "ip_address",
        "status",
        "check_name",
        "reason",
        "score",
        "user_agent",
        "referrer",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    exclude = ["comment"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of a decision stays while its comment does (purge_spam removes both).
        return False

    @admin.display(description="comment")
    def excerpt(self, obj):
        return Truncator(obj.comment.comment).chars(120)

    @admin.display(description="on")
    def on_post(self, obj):
        c = obj.comment
        url = reverse("comments-url-redirect", args=[c.content_type_id, c.object_pk])
        return format_html('<a href="{}">view post</a>', url)

    @admin.display(description="commenter", ordering="comment__user_email")
    def commenter(self, obj):
        c = obj.comment
        return format_html("{}<br>{}<br>{}", c.user_name, c.user_email, c.ip_address or "")

    @admin.display(description="score", ordering="score")
    def score_percent(self, obj):
        return "" if obj.score is None else f"{obj.score:.0%}"

    @admin.display(description="text")
    def full_text(self, obj):
        return obj.comment.comment

    @admin.display(description="IP address")
    def ip_address(self, obj):
        return obj.comment.ip_address

    @admin.display(description="comment")
    def comment_link(self, obj):
        url = reverse("admin:django_comments_xtd_xtdcomment_change", args=[obj.comment_id])
        return format_html('<a href="{}">Comment {}</a>', url, obj.comment_id)

    @admin.display(description="decide")
    def row_actions(self, obj):
        # Buttons of the change-list form posted to the decide view (no nested forms).
        choices = [
            (action, label)
            for action, label in services.ACTIONS.items()
            if not (action == services.SPAM and obj.status == Moderation.Status.SPAM)
            and not (action != services.SPAM and obj.status == Moderation.Status.APPROVED)
            and not (action == services.TRUST and not services.commenter_blog(obj.comment))
            and not (action == services.TRUST_COMMENTER and not obj.comment.user_email)
        ]
        return format_html_join(
            " ",
            '<button type="submit" class="button" formmethod="post" formaction="{}">{}</button>',
            (
                (reverse("admin:spam_moderation_decide", args=[obj.pk, action]), label)
                for action, label in choices
            ),
        )

    def _bulk(self, request, queryset, action):
        count = services.apply_many(queryset, action, request.user)
        self.message_user(
            request, f"{services.ACTIONS[action]}: {count} comment(s).", messages.SUCCESS
        )

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._bulk(request, queryset, services.APPROVE)

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._bulk(request, queryset, services.SPAM)

    @admin.action(description="Mark selected comments as not spam", permissions=["change"])
    def mark_not_spam(self, request, queryset):
        self._bulk(request, queryset, services.NOT_SPAM)

    @admin.action(
        description="Trust the blogs of the selected comments (and approve them)",
        permissions=["change"],
    )
    def trust_blogs(self, request, queryset):
        self._bulk(request, queryset, services.TRUST)

    @admin.action(
        description="Approve and trust the writers of the selected comments",
        permissions=["change"],
    )
    def trust_commenters(self, request, queryset):
        self._bulk(request, queryset, services.TRUST_COMMENTER)

    @admin.action(description="Delete the selected comments for good", permissions=["change"])
    def delete_comments(self, request, queryset):
        if not request.user.has_perm("django_comments.delete_comment"):
            self.message_user(
                request, "You may moderate comments but not delete them.", messages.ERROR
            )
            return
        count = services.delete_many(queryset)
        self.message_user(request, f"Deleted: {count} comment(s).", messages.SUCCESS)

    @admin.action(
        description="Retrain the classifier with every moderator decision", permissions=["change"]
    )
    def retrain_classifier(self, request, queryset):
        self._retrain(request)

    def _retrain(self, request):
        tasks.retrain_classifier.enqueue()
        self.message_user(
            request,
            "Retraining the classifier with every moderator decision: the new one takes over "
            "in a minute or so (see Tasks › Task results).",
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/<str:action>/",
                self.admin_site.admin_view(require_POST(self.decide_view)),
                name="spam_moderation_decide",
            ),
            path(
                "retrain/",
                self.admin_site.admin_view(require_POST(self.retrain_view)),
                name="spam_moderation_retrain",
            ),
            *super().get_urls(),
        ]

    def _back(self, request):
        changelist = reverse("admin:spam_moderation_changelist")
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"{changelist}?{query}" if query else changelist)

    def decide_view(self, request, pk, action):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if action not in services.ACTIONS:
            return self._back(request)
        moderation = get_object_or_404(Moderation.objects.select_related("comment"), pk=pk)
        services.apply(moderation, action, request.user)
        message = f"{services.ACTIONS[action]}: comment {moderation.comment_id}."
        if action == services.TRUST:
            blog = services.commenter_blog(moderation.comment)
            message = f"Comment {moderation.comment_id} approved; {blog} is now trusted."
        self.message_user(request, message)
        return self._back(request)

    def retrain_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        self._retrain(request)
        return self._back(request)


@admin.register(DisallowedTerm)
class DisallowedTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["term", "note"]


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "is_spam", "created_at"]
    list_filter = ["is_spam"]
    search_fields = ["text"]
    raw_id_fields = ["comment"]

    @admin.display(description="text")
    def excerpt(self, obj):
        return Truncator(obj.text).chars(100)


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    list_display = ["created_at", "examples", "spam_examples", "features"]
    exclude = ["data"]
    readonly_fields = ["created_at", "examples", "spam_examples", "features"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="features")
    def features(self, obj):
        return len(obj.data.get("weights", {}))


class PasteBlogsForm(forms.Form):
    blogs = forms.CharField(
        label="Blog addresses",
        widget=forms.Textarea(attrs={"rows": 15, "cols": 80}),
        help_text="One per line, or the challenge's list of participants pasted as it is: "
        "every address in it is added.",
    )
    note = forms.CharField(
        max_length=200, required=False, help_text="For example “A to Z Challenge 2026 list”."
    )

    def clean_blogs(self):
        from .features import find_links

        text = self.cleaned_data["blogs"]
        if not find_links(text) and not any("." in word for word in text.split()):
            raise forms.ValidationError("No blog address found; give one per line.")
        return text


@admin.register(TrustedBlog)
class TrustedBlogAdmin(admin.ModelAdmin):
    list_display = ["address", "note", "created_at"]
    search_fields = ["address", "note"]
    readonly_fields = ["created_at"]

    def get_urls(self):
        return [
            path(
                "paste/",
                self.admin_site.admin_view(self.paste_view),
                name="spam_trustedblog_paste",
            ),
            *super().get_urls(),
        ]

    def paste_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PasteBlogsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            added, known = TrustedBlog.objects.add_many(
                form.cleaned_data["blogs"], note=form.cleaned_data["note"]
            )
            self.message_user(
                request, f"{added} blog(s) added to the trusted list, {known} already on it."
            )
            return HttpResponseRedirect(reverse("admin:spam_trustedblog_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Paste a list of trusted blogs",
            "form": form,
        }
        return TemplateResponse(request, "admin/spam/trustedblog/paste.html", context)


@admin.register(SpamLink)
class SpamLinkAdmin(admin.ModelAdmin):
    list_display = ["host", "comments", "created_at"]
    search_fields = ["host"]
    readonly_fields = ["comments", "created_at"]


@admin.register(SparedSignal)
class SparedSignalAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value"]


@admin.register(TrustedCommenter)
class TrustedCommenterAdmin(admin.ModelAdmin):
    list_display = ["email", "note", "created_at"]
    search_fields = ["email", "note"]
