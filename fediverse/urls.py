from django.urls import path

from . import views

app_name = "fediverse"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_index, name="nodeinfo_index"),
    path("nodeinfo/<str:version>", views.nodeinfo, name="nodeinfo"),
    path("fediverse/actor", views.actor, name="actor"),
    path("fediverse/inbox", views.inbox, name="inbox"),
    path("fediverse/outbox", views.outbox, name="outbox"),
    path("fediverse/followers", views.followers, name="followers"),
]
