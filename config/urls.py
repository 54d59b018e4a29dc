from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path

from blog.sitemaps import ArchiveSitemap, PostSitemap, robots_txt, sitemap_view
from comments.views import not_found
from infra.health import healthz
from reviews.sitemaps import DocumentarySitemap


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return redirect(static_url("img/favicon.ico"))


sitemaps = {"posts": PostSitemap, "documentaries": DocumentarySitemap, "archives": ArchiveSitemap}

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Ours first: it replaces django-comments' posting view at the same address.
    path("", include("comments.urls")),
    # xtd adds REST format suffixes (liked.json) to its plain views, which then crash: not
    # found. Keys (mute/KEY/) and object ids (cr/1/ID/) may hold dots: only without the slash.
    re_path(
        r"^comments/(?:sent|liked|disliked|(?:reply|flag|like|dislike)/\d+)\.[a-z0-9]+/?$",
        not_found,
    ),
    re_path(r"^comments/(?:mute|confirm|cr/\d+)/.+\.[a-z0-9]+$", not_found),
    # xtd's like/dislike/flag confirmation pages: nothing links to them (likes have their own
    # views), and they show the commenter's email, a Gravatar and inline styles.
    re_path(r"^comments/(?:like|dislike|flag)/\d+/$", not_found),
    path("comments/", include("django_comments_xtd.urls")),
    path("documentaries/", include("reviews.urls")),
    path("sitemap.xml", sitemap_view, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("security/", include("security.urls")),
    path("follow/", include("followers.urls")),
    path("", include("fediverse.urls")),
    path("", include("viewcounts.urls")),
    path("", include("blog.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
