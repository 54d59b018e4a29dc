"""The blog's reviews as the CSV Letterboxd's importer reads (Import → your film data).

Columns as Letterboxd documents them: Title, Year, Directors, Rating (0.5 to 5), WatchedDate
(YYYY-MM-DD), Review (plain text; here it ends with a link back to the post) and Tags.
"""

import csv

from django.conf import settings
from django.contrib.sites.models import Site
from django.utils import timezone

from reviews.models import Review

from .text import plain_text

COLUMNS = ["Title", "Year", "Directors", "Rating", "WatchedDate", "Review", "Tags"]


def reviews_to_export(*, since=None, until=None, challenge_year=None):
    """Published reviews, oldest first; dates are the posts' publication days."""
    reviews = (
        Review.objects.published()
        .select_related("post", "documentary")
        .prefetch_related("documentary__directors", "post__tags")
        .order_by("post__published_at", "pk")
    )
    if since:
        reviews = reviews.filter(post__published_on__gte=since)
    if until:
        reviews = reviews.filter(post__published_on__lte=until)
    if challenge_year:
        reviews = reviews.filter(post__challenge__year=challenge_year)
    return reviews


def site_address():
    """The site's address for links back: SITE_URL, else the Site's domain."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    return f"https://{Site.objects.get_current().domain}"


def rows(reviews, absolute):
    """One row per review; `absolute(path)` makes the link back a full address."""
    for review in reviews:
        post, documentary = review.post, review.documentary
        link = absolute(post.get_absolute_url())
        text = plain_text(post.body_html)
        back = f"Read the full review on {settings.BLOG_TITLE}: {link}"
        yield {
            "Title": documentary.title,
            "Year": documentary.year or "",
            "Directors": ", ".join(person.name for person in documentary.directors.all()),
            "Rating": f"{review.rating.normalize():f}",
            "WatchedDate": (
                review.watched_on or timezone.localtime(post.published_at).date()
            ).isoformat(),
            "Review": f"{text}\n\n{back}" if text else back,
            "Tags": ", ".join(tag.name for tag in post.tags.all()),
        }


def write_csv(out, reviews, absolute):
    """Write the CSV to `out` (a text stream); returns how many reviews it holds."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows(reviews, absolute):
        writer.writerow(row)
        count += 1
    return count
