from django.urls import path

from . import (
    converters,  # noqa: F401  (registers <uslug:>, <dd:> and <yyyy:>)
    views,
)

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="home"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<uslug:slug>/",
        views.PostDetailView.as_view(),
        name="post_detail",
    ),
    path("preview/<int:pk>/", views.DraftPreviewView.as_view(), name="draft"),
    path("preview/share/<str:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
    # Keep last: a page's slug would otherwise shadow every other address.
    path("<uslug:slug>/", views.PageDetailView.as_view(), name="page_detail"),
]
