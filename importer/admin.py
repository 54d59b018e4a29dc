from django.contrib import admin

from .models import WordPressItem


@admin.register(WordPressItem)
class WordPressItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "wp_id", "source", "old_path", "content_type", "object_id"]
    list_filter = ["kind", "source"]
    search_fields = ["wp_id", "old_path"]
    readonly_fields = [f.name for f in WordPressItem._meta.fields] + ["target"]

    def has_add_permission(self, request):
        return False
