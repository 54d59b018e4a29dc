from django.urls import path

from blog import converters as blog_converters  # noqa: F401  (registers <uslug:>)

from . import (
    converters,  # noqa: F401  (registers <rating:>)
    views,
)

app_name = "reviews"

urlpatterns = [
    path("", views.DocumentaryListView.as_view(), name="documentary_list"),
    path("directors/", views.DirectorListView.as_view(), name="director_list"),
    path("directors/<uslug:slug>/", views.DirectorDetailView.as_view(), name="director_detail"),
    path("companies/", views.CompanyListView.as_view(), name="company_list"),
    path("companies/<uslug:slug>/", views.CompanyDetailView.as_view(), name="company_detail"),
    path("where-to-watch/", views.ServiceListView.as_view(), name="service_list"),
    path("where-to-watch/<uslug:slug>/", views.ServiceDetailView.as_view(), name="service_detail"),
    path("rated/", views.RatingListView.as_view(), name="rating_list"),
    path("rated/<rating:rating>/", views.RatingDetailView.as_view(), name="rating_detail"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    # Keep last: the words above are not documentary slugs.
    path("<uslug:slug>/", views.DocumentaryDetailView.as_view(), name="documentary_detail"),
]
