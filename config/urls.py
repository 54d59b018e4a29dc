from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ours first: it replaces django-comments' posting view at the same address.
    path("", include("comments.urls")),
    path("comments/", include("django_comments_xtd.urls")),
    path("documentaries/", include("reviews.urls")),
    path("", include("blog.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
