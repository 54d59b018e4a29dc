from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from infra.markup import render_markdown

from . import hooks, revisions, uploads
from .admin_widgets import SafeAutocompleteMixin
from .challenge import expected_letter, letter_warning
from .models import Category, Challenge, Image, Page, Post, Revision, Tag
from .planner_admin import PlannerAdminMixin
from .previews import max_age, preview_url


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Challenge)
class ChallengeAdmin(PlannerAdminMixin, admin.ModelAdmin):
    list_display = ["name", "year", "theme", "planner_link"]
    fieldsets = [
        (None, {"fields": ["name", "year", "theme", "hashtag", "description"]}),
        ("Schedule", {"fields": ["starts_on", "days_off", "letter_dates"]}),
    ]
    list_filter = ["name"]
    search_fields = ["name", "theme"]


def with_comment_counts(queryset):
    """Annotate comment_count and pending_comment_count (comments not public yet)."""
    comments = hooks.post_comments()
    if comments is None:
        return queryset.annotate(comment_count=Value(0), pending_comment_count=Value(0))
    comments = (
        comments.filter(object_pk=Cast(OuterRef("pk"), CharField())).order_by().values("object_pk")
    )

    def count(rows):
        counted = rows.annotate(n=Count("pk")).values("n")[:1]
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return queryset.annotate(
        comment_count=count(comments),
        pending_comment_count=count(comments.filter(is_public=False)),
    )


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Post.Status.PUBLISHED)
        if self.value() == "draft":
            return queryset.filter(status=Post.Status.DRAFT)
        if self.value() == "scheduled":
            return published.filter(published_at__gt=now)
        if self.value() == "published":
            return published.filter(published_at__lte=now)
        return queryset


def image_snippet(image):
    """The image's Markdown, and a button the admin script reveals to insert it at the cursor."""
    if not image or not image.pk or not image.file:
        return "Shown once the image is saved."
    snippet = image.markdown()
    return format_html(
        '<code class="image-snippet">{}</code> '
        '<button type="button" class="button insert-image" data-snippet="{}" hidden>'
        "Insert at cursor</button>",
        snippet,
        snippet,
    )


class ImageInline(admin.TabularInline):
    model = Image
    extra = 1
    fields = ["file", "alt", "caption", "markdown_snippet"]
    readonly_fields = ["markdown_snippet"]
    verbose_name = "image for this post"
    verbose_name_plural = "Images for this post (new ones are added at the end of the body)"

    @admin.display(description="Markdown for the body")
    def markdown_snippet(self, image):
        return image_snippet(image)


@admin.register(Post)
class PostAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    change_form_template = "admin/blog/post/change_form.html"
    list_display = [
        "title",
        "state",
        "published_at",
        "letter",
        "review__rating",
        "comments",
    ]
    list_filter = [StateFilter, "challenge", "challenge_letter", "categories", "author"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "categories", "author"]
    list_select_related = ["challenge", "review"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "body", "excerpt"]}),
        ("Publishing", {"fields": ["status", "published_at", "allow_comments"]}),
        ("Challenge", {"fields": ["challenge", "challenge_letter"]}),
        ("Terms", {"fields": ["tags", "categories"]}),
    ]
    inlines = [ImageInline]
    actions = ["publish", "unpublish"]
    # Callables (POST data → [{"heading", "html" or "text"}]) adding sections to the preview;
    # the reviews app adds the review's, so blog/ needs no knowledge of its fields.
    preview_sections = []

    # Who may edit what: authors only their own posts, editors (edit_any_post) everything.

    def edits_any_post(self, request):
        return request.user.has_perm("blog.edit_any_post")

    def get_queryset(self, request):
        posts = with_comment_counts(super().get_queryset(request))
        if not self.edits_any_post(request):
            posts = posts.filter(author=request.user)
        return posts

    def _owns(self, request, post):
        return post is None or self.edits_any_post(request) or post.author_id == request.user.pk

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.edits_any_post(request):
            readonly.append("author")
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        # In challenge season the calendar knows today's letter: suggest it.
        today = timezone.localdate()
        challenge = Challenge.objects.filter(year=today.year).first()
        letter = expected_letter(today, challenge.letter_days()) if challenge else None
        if letter and "challenge" not in initial:
            initial["challenge"] = challenge.pk
            initial.setdefault("challenge_letter", letter)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        letter_field = form.base_fields.get("challenge_letter")
        if letter_field is not None:
            letter_field.error_messages["invalid_choice"] = (
                "Choose a letter from A to Z (%(value)s is not one)."
            )
            day = (
                timezone.localtime(obj.published_at).date()
                if obj and obj.published_at
                else timezone.localdate()
            )
            challenge = (
                obj.challenge
                if obj and obj.challenge_id
                else Challenge.objects.filter(year=day.year).first()
            )
            letter = expected_letter(day, challenge.letter_days() if challenge else None)
            letter_field.help_text = (
                f"The challenge calendar gives “{letter}” to {day:%B} {day.day}, {day.year}."
                if letter
                else f"{day:%B} {day.day}, {day.year} is not a challenge day (April, Sundays off)."
            )
        return form

    # Columns of the post list.

    @admin.display(description="State", ordering="status")
    def state(self, post):
        if post.status == Post.Status.DRAFT:
            return "Draft"
        return "Scheduled" if post.is_scheduled else "Published"

    @admin.display(description="Letter", ordering="challenge_letter")
    def letter(self, post):
        if not post.challenge_id:
            return "–"
        return f"{post.challenge_letter} · {post.challenge.year}"

    @admin.display(description="Comments", ordering="comment_count")
    def comments(self, post):
        total = getattr(post, "comment_count", 0)
        pending = getattr(post, "pending_comment_count", 0)
        if pending:
            return format_html("{} (<strong>{} pending</strong>)", total, pending)
        return total

    # Saving: revisions, author, images placed in the body.

    def save_model(self, request, obj, form, change):
        if change and not obj.revisions.exists():
            # A post written before revisions existed (or imported): keep how it was.
            revisions.record(Post.objects.get(pk=obj.pk))
        if not change and not self.edits_any_post(request):
            obj.author = request.user
        super().save_model(request, obj, form, change)
        if obj.challenge_id:
            warning = letter_warning(
                obj.challenge_letter,
                obj.challenge.year,
                obj.published_on,
                obj.challenge.letter_days(),
            )
            if warning:
                messages.warning(request, warning)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if formset.model is Image:
                for image in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
                    uploads.make_copies(image)
        post = form.instance
        new_images = [
            image
            for formset in formsets
            if formset.model is Image
            for image in formset.new_objects
            if image.display_url not in post.body
        ]
        if new_images:
            snippets = "\n\n".join(image.markdown() for image in new_images)
            post.body = f"{post.body.rstrip()}\n\n{snippets}\n" if post.body.strip() else snippets
            post.save(update_fields=["body"])
            messages.info(
                request, "New images were added at the end of the body; move them where you like."
            )
        revisions.record(post, request.user)

    # Bulk actions.

    @admin.action(description="Publish selected posts (scheduled ones at their time)")
    def publish(self, request, queryset):
        published, refused = 0, []
        for post in queryset.exclude(status=Post.Status.PUBLISHED):
            post.status = Post.Status.PUBLISHED
            try:
                post.full_clean()
            except ValidationError as error:
                refused.append(f"“{post}”: {' '.join(error.messages)}")
                continue
            post.save()
            published += 1
        self.message_user(request, f"Published {published} post(s).", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not published, {reason}", messages.ERROR)

    @admin.action(description="Unpublish selected posts (back to draft)")
    def unpublish(self, request, queryset):
        count = 0
        for post in queryset.filter(status=Post.Status.PUBLISHED):
            post.status = Post.Status.DRAFT
            post.save()
            count += 1
        self.message_user(request, f"Moved {count} post(s) back to draft.", messages.SUCCESS)

    # Extra screens: Markdown preview, revisions.

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "markdown-preview/",
                wrap(self.markdown_preview_view),
                name="{}_{}_markdown_preview".format(*info),
            ),
            path(
                "<path:object_id>/revisions/",
                wrap(self.revisions_view),
                name="{}_{}_revisions".format(*info),
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/",
                wrap(self.restore_revision_view),
                name="{}_{}_restore_revision".format(*info),
            ),
            *super().get_urls(),
        ]

    def markdown_preview_view(self, request):
        """The body as the public page will show it: the same render_markdown, sanitized."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        html = render_markdown(request.POST.get("body", ""))
        sections = self.get_preview_sections(request.POST)
        if sections:
            html += render_to_string(
                "admin/blog/post/_preview_sections.html", {"preview_sections": sections}
            )
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_preview_sections(self, data):
        return [section for build in self.preview_sections for section in build(data)]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_without_saving(request, object_id)
        extra_context = {**(extra_context or {}), **self.authoring_context(request, object_id)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def authoring_context(self, request, object_id, post=None):
        context = {
            "markdown_preview_url": reverse("admin:blog_post_markdown_preview"),
            # Each challenge's 26 days, for the letter the date suggests (admin-post.js).
            "challenge_calendars": {
                str(challenge.year): [day.isoformat() for day in challenge.letter_days()]
                for challenge in Challenge.objects.order_by("year", "-name")
            },
        }
        if post is None and object_id:
            post = self.get_object(request, unquote(object_id))
        if post is not None and post.pk and not post.is_public:
            context["share_url"] = request.build_absolute_uri(preview_url(post))
            context["share_expires"] = timezone.now() + max_age()
        return context

    def preview_without_saving(self, request, object_id):
        """The change form again, with everything typed and a rendered preview on top."""
        add = object_id is None
        obj = None
        if add:
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404("No such post.")
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        fieldsets = self.get_fieldsets(request, obj)
        fields = flatten_fieldsets(fieldsets)
        form_class = self.get_form(request, obj, change=not add, fields=fields)
        form = form_class(request.POST, request.FILES, instance=obj)
        formsets, inline_instances = self._create_formsets(request, form.instance, change=not add)
        # Checking now shows problems before the author presses Save; nothing is written.
        form.is_valid()
        for formset in formsets:
            formset.is_valid()
        admin_form = helpers.AdminForm(
            form,
            list(fieldsets),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        inline_formsets = self.get_inline_formsets(request, formsets, inline_instances, obj)
        media = self.media + admin_form.media
        for inline_formset in inline_formsets:
            media += inline_formset.media
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview of “{request.POST.get('title', '')}” (not saved)",
            "subtitle": None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": media,
            "inline_admin_formsets": inline_formsets,
            "errors": helpers.AdminErrorList(form, formsets),
            "preserved_filters": self.get_preserved_filters(request),
            "preview_title": request.POST.get("title", ""),
            "preview_html": render_markdown(request.POST.get("body", "")),
            "preview_sections": self.get_preview_sections(request.POST),
            **self.authoring_context(request, object_id, obj),
        }
        return self.render_change_form(request, context, add=add, change=not add, obj=obj)

    def _post_for_change(self, request, object_id):
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404("No such post.")
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        return post

    def revisions_view(self, request, object_id):
        post = self._post_for_change(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Revisions of “{post}”",
            "post": post,
            "revisions": post.revisions.select_related("user"),
        }
        return TemplateResponse(request, "admin/blog/post/revisions.html", context)

    def restore_revision_view(self, request, object_id, revision_id):
        post = self._post_for_change(request, object_id)
        revision = get_object_or_404(post.revisions, pk=revision_id)
        if request.method == "POST":
            revisions.restore(revision, request.user)
            when = timezone.localtime(revision.created_at)
            self.log_change(request, post, f"Restored the revision of {when:%Y-%m-%d %H:%M}.")
            self.message_user(
                request, f"Restored the revision of {when:%Y-%m-%d %H:%M}.", messages.SUCCESS
            )
            return redirect("admin:blog_post_change", post.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Restore this revision of “{post}”?",
            "post": post,
            "revision": revision,
            "revision_html": render_markdown(revision.body),
        }
        return TemplateResponse(request, "admin/blog/post/restore_revision.html", context)


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["alt", "post", "width", "height", "uploaded_at"]
    search_fields = ["alt", "caption", "post__title"]
    autocomplete_fields = ["post"]
    fields = ["file", "alt", "caption", "post", "markdown_snippet"]
    readonly_fields = ["markdown_snippet"]
    list_select_related = ["post"]

    def save_model(self, request, obj, form, change):
        uploads.save_image(obj)

    @admin.display(description="Markdown for a post body")
    def markdown_snippet(self, image):
        return image_snippet(image)


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """A read-only record; restoring happens from the post's Revisions page."""

    list_display = ["post", "title", "created_at", "user"]
    list_select_related = ["post", "user"]
    search_fields = ["post__title", "title"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        revisions_ = super().get_queryset(request)
        if not request.user.has_perm("blog.edit_any_post"):
            revisions_ = revisions_.filter(post__author=request.user)
        return revisions_

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "show_in_menu", "updated_at"]
    list_filter = ["status", "show_in_menu"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "body", "status", "published_at", "show_in_menu"]
