"""sitemap.xml sections for posts and archive pages, and robots.txt pointing at it."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from .challenge import LETTERS
from .models import Category, Challenge, Post, Tag


class HostSitemap(Sitemap):
    """A section whose addresses use the host of the request (already checked against
    ALLOWED_HOSTS), not the Sites framework's record, which stays "example.com" unless edited."""

    def __init__(self, domain=None):
        self.domain = domain

    def get_domain(self, site=None):
        return self.domain or super().get_domain(site)


def sitemap_view(request, sitemaps, **kwargs):
    """Django's sitemap view, with each section told the request's host."""
    host = request.get_host()
    sections = {name: section(domain=host) for name, section in sitemaps.items()}
    return sitemap(request, sections, **kwargs)


class PostSitemap(HostSitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 5000

    def items(self):
        return (
            Post.objects.published()
            .only("slug", "published_at", "published_on", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, post):
        return post.updated_at


class ArchiveSitemap(HostSitemap):
    """Lists of posts: home, challenge grids, letters, dates, tags and categories."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        published = Post.objects.published()
        pages = [("blog:home", {}), ("blog:archive", {}), ("blog:challenges", {})]
        years = published.filter(challenge__isnull=False).values_list("challenge__year", flat=True)
        pages += [
            ("blog:challenge_year", {"year": year})
            for year in Challenge.objects.filter(year__in=years)
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        ]
        used_letters = set(published.values_list("challenge_letter", flat=True).distinct())
        pages += [("blog:letter", {"letter": x}) for x in LETTERS if x in used_letters]
        for day in published.dates("published_on", "month", order="DESC"):
            if ("blog:year", {"year": day.year}) not in pages:
                pages.append(("blog:year", {"year": day.year}))
            pages.append(("blog:month", {"year": day.year, "month": day.month}))
        pages += [
            ("blog:tag", {"slug": slug})
            for slug in Tag.objects.filter(posts__in=published)
            .values_list("slug", flat=True)
            .distinct()
            .order_by("slug")
        ]
        pages += [
            ("blog:category", {"slug": slug})
            for slug in Category.objects.filter(posts__in=published)
            .values_list("slug", flat=True)
            .distinct()
            .order_by("slug")
        ]
        return pages

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)

    def lastmod(self, item):
        # The newest change to any public post, read once for the whole section.
        if not hasattr(self, "_latest"):
            self._latest = Post.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        return self._latest


@require_GET
@cache_page(60 * 60)
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: " + reverse("admin:index"),
        "Disallow: " + reverse("blog:search"),
        "",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
