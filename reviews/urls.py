from django.urls import path

from blog import converters  # noqa: F401  (registers <uslug:>)

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.DocumentaryListView.as_view(), name="documentary_list"),
    path("<uslug:slug>/", views.DocumentaryDetailView.as_view(), name="documentary_detail"),
]
