from django.contrib import admin

from .models import Follower


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    list_display = ["actor_id", "inbox", "shared_inbox", "created_at"]
    search_fields = ["actor_id"]
