from django.contrib import admin
from django.urls import path

from .letterboxd import admin_views as letterboxd
from .models import LetterboxdEntry, WordPressItem
from .wordpress import admin_views as wordpress


@admin.register(WordPressItem)
class WordPressItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "wp_id", "source", "old_path", "content_type", "object_id"]
    list_filter = ["kind", "source"]
    search_fields = ["wp_id", "old_path"]
    readonly_fields = [f.name for f in WordPressItem._meta.fields] + ["target"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        # The button is on the posts list (templates/admin/blog/post/change_list.html).
        return [
            path(
                "export/",
                self.admin_site.admin_view(wordpress.export_view),
                name="importer_wordpress_export",
            ),
            *super().get_urls(),
        ]


@admin.register(LetterboxdEntry)
class LetterboxdEntryAdmin(admin.ModelAdmin):
    """What came from Letterboxd; the import and export start from this list."""

    list_display = ["title", "year", "kind", "rating", "watched_on", "logged_on", "post"]
    list_filter = ["kind", "rewatch"]
    search_fields = ["title"]
    list_select_related = ["post"]
    readonly_fields = [f.name for f in LetterboxdEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(lambda request: letterboxd.import_view(request, self.admin_site, opts)),
                name=f"{name}_import",
            ),
            path(
                "export/",
                wrap(lambda request: letterboxd.export_view(request, self.admin_site, opts)),
                name=f"{name}_export",
            ),
            *super().get_urls(),
        ]
