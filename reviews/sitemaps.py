"""sitemap.xml section for documentaries that a published review names."""

from django.db.models import Max, Q

from blog.models import Post
from blog.sitemaps import HostSitemap

from .models import Documentary


class DocumentarySitemap(HostSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        published = Post.objects.published()
        return (
            Documentary.objects.filter(reviews__post__in=published)
            .annotate(
                last_review=Max("reviews__post__updated_at", filter=Q(reviews__post__in=published))
            )
            .order_by("slug")
        )

    def lastmod(self, documentary):
        return documentary.last_review
