from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from blog.models import Post
from infra.tasks import queue_email

from . import csv_io, mail
from .models import Announcement, Delivery, Follower


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="WordPress.com's subscriber export, or any CSV whose first line names an "
        "“email” column and, if you have one, a “date” column.",
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run: check the file and show what would happen"
    )


class TestMailForm(forms.Form):
    post = forms.ModelChoiceField(
        queryset=Post.objects.order_by("-created_at"),
        help_text="Drafts too: see the mail before the post goes out.",
    )


def _csv_response(queryset):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="followers-{timezone.now():%Y%m%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    csv_io.write_csv(queryset.order_by("pk"), response)
    return response


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    list_display = ("email", "state", "frequency", "source", "followed_at", "confirmed_at")
    list_filter = ("state", "frequency", "source")
    search_fields = ("email",)
    date_hierarchy = "followed_at"
    readonly_fields = ("followed_at", "confirmed_at", "unsubscribed_at", "last_bounce")
    fields = ("email", "state", "frequency", "source", *readonly_fields, "hard_bounces")
    actions = ["export_csv"]
    change_list_template = "admin/followers/follower/change_list.html"

    @admin.action(description="Export the selected followers as CSV")
    def export_csv(self, request, queryset):
        return _csv_response(queryset)

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="followers_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="followers_export"),
            path(
                "test-mail/",
                self.admin_site.admin_view(self.test_mail_view),
                name="followers_test_mail",
            ),
        ]
        return own + super().get_urls()

    def export_view(self, request):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        return _csv_response(Follower.objects.all())

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        plan = None
        status = 200
        if request.method == "POST" and form.is_valid():
            plan = csv_io.read_csv(form.cleaned_data["file"].read())
            if plan.errors:
                status = 400
            elif not form.cleaned_data["dry_run"]:
                count = csv_io.apply(plan)
                messages.success(
                    request,
                    f"Imported {count} follower(s) as confirmed; {plan.already} followed already"
                    + (
                        f"; {len(plan.kept_out)} left out (unsubscribed or bouncing)."
                        if plan.kept_out
                        else "."
                    ),
                )
                return redirect("admin:followers_follower_changelist")
        elif request.method == "POST":
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": "Import followers from CSV",
            "form": form,
            "plan": plan,
            "opts": self.model._meta,
        }
        return render(request, "admin/followers/follower/import.html", context, status=status)

    def test_mail_view(self, request):
        form = TestMailForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not request.user.email:
                messages.error(request, "Your account has no email address: add one first.")
            else:
                example = Follower(email=request.user.email, token=mail.TEST_TOKEN)
                rendered = mail.post_mail(form.cleaned_data["post"])
                message = rendered.for_follower(example, message_id=None)
                message["subject"] = f"[Test] {message['subject']}"
                message["headers"].pop("Message-ID")
                queue_email(message)
                messages.success(request, f"A test mail is on its way to {request.user.email}.")
                return redirect("admin:followers_follower_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Send a test mail to me",
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/followers/follower/test_mail.html", context)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("post", "created_at", "queued", "sent", "failed")
    list_select_related = ("post",)
    readonly_fields = ("post", "created_at")

    def get_queryset(self, request):
        status = Delivery.Status
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_queued=Count(
                    "deliveries", filter=Q(deliveries__status__in=[status.QUEUED, status.SENDING])
                ),
                n_sent=Count("deliveries", filter=Q(deliveries__status=status.SENT)),
                n_failed=Count("deliveries", filter=Q(deliveries__status=status.FAILED)),
            )
        )

    def has_add_permission(self, request):
        return False

    @admin.display(ordering="n_queued")
    def queued(self, obj):
        return obj.n_queued

    @admin.display(ordering="n_sent")
    def sent(self, obj):
        return obj.n_sent

    @admin.display(ordering="n_failed")
    def failed(self, obj):
        return obj.n_failed

    def view_on_site(self, obj):
        return reverse("admin:blog_post_change", args=[obj.post_id])
