from django.contrib import admin

from blog.admin import PostAdmin

from .models import Company, Documentary, Person, Review, StreamingService


@admin.register(Person, Company, StreamingService)
class NamedAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Documentary)
class DocumentaryAdmin(admin.ModelAdmin):
    list_display = ["title", "release_year", "release_date"]
    search_fields = ["title", "directors__name"]
    autocomplete_fields = ["directors", "production_companies"]
    prepopulated_fields = {"slug": ["title"]}


class ReviewInline(admin.StackedInline):
    model = Review
    can_delete = True
    extra = 1
    max_num = 1
    autocomplete_fields = [
        "documentary",
        "watched_service",
        "also_available_on",
        "also_like_documentaries",
    ]
    fields = [
        "documentary",
        "rating",
        ("watched_on", "watched_via", "watched_service"),
        "also_available_on",
        "lessons",
        "also_like",
        "also_like_documentaries",
    ]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["documentary", "rating", "post"]
    list_filter = ["rating"]
    search_fields = ["documentary__title", "post__title"]
    autocomplete_fields = [
        "post",
        "documentary",
        "watched_service",
        "also_available_on",
        "also_like_documentaries",
    ]
    list_select_related = ["documentary", "post"]


# The post screen carries the review: reviews/ extends the blog's admin, not the other way.
PostAdmin.inlines = [*PostAdmin.inlines, ReviewInline]
PostAdmin.list_filter = [*PostAdmin.list_filter, "review__rating"]
