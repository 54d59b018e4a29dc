from django.urls import path

from . import views

app_name = "viewcounts"
urlpatterns = [path("views/hit", views.beacon, name="beacon")]
