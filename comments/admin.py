from django.contrib import admin

from .models import Like


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    """Likes of posts, and anonymous likes of comments (logged-in ones are xtd's flags)."""

    list_display = ["created_at", "post", "comment", "user", "by_visitor"]
    list_filter = ["created_at"]
    list_select_related = ["post", "comment", "user"]
    raw_id_fields = ["post", "comment", "user"]
    date_hierarchy = "created_at"

    @admin.display(boolean=True, description="anonymous")
    def by_visitor(self, like):
        return bool(like.visitor)
