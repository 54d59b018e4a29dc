from django.contrib import admin

from .models import Category, Challenge, Page, Post, Tag


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
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "theme"]
    list_filter = ["name"]
    search_fields = ["name", "theme"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "challenge", "challenge_letter"]
    list_filter = ["status", "challenge", "challenge_letter", "categories"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "categories", "author"]
    list_select_related = ["challenge"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "body", "excerpt"]}),
        ("Publishing", {"fields": ["status", "published_at", "allow_comments"]}),
        ("Challenge", {"fields": ["challenge", "challenge_letter"]}),
        ("Terms", {"fields": ["tags", "categories"]}),
    ]
    inlines = []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "show_in_menu", "updated_at"]
    list_filter = ["status", "show_in_menu"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "body", "status", "published_at", "show_in_menu"]
