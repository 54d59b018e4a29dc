"""Rating charts: how ratings spread, reviews per year, the average rating over the years.

Each returns the data for templates/includes/_chart.html (blog.charts does the geometry), or
None when there are too few reviews for a picture to say anything.
"""

from decimal import Decimal

from django.db.models import Avg, Count

from blog.charts import bar_chart, line_chart

from .models import RATING_STEPS

# Fewer reviews than this draw no spread: a picture of one or two ratings says nothing.
MIN_REVIEWS_FOR_SPREAD = 3


def _stars_label(step):
    whole = int(step)
    half = step - whole >= Decimal("0.5")
    return f"{whole or ''}½" if half else str(whole)


def _stars_name(step):
    number = format(Decimal(step).normalize(), "f")
    return f"{number} star" if step == 1 else f"{number} stars"


def rating_spread(reviews, slug, subject, minimum=MIN_REVIEWS_FOR_SPREAD):
    """Reviews per half-star step among `reviews` (a Review queryset): one query."""
    counts = {
        Decimal(rating): n
        for rating, n in reviews.order_by().values_list("rating").annotate(n=Count("pk"))
    }
    total = sum(counts.values())
    if total < minimum:
        return None
    common = max(RATING_STEPS, key=lambda step: (counts.get(step, 0), step))
    bars = [
        {
            "label": _stars_label(step),
            "name": _stars_name(step),
            "value": counts.get(step, 0),
        }
        for step in RATING_STEPS
    ]
    return bar_chart(
        f"ratings-{slug}",
        f"How {subject} are rated",
        f"{total} reviews from half a star to five stars; the most common rating is "
        f"{_stars_name(common)} ({counts[common]} reviews).",
        bars,
        columns=("Rating", "Reviews"),
    )


def reviews_by_year(reviews):
    """[(year, count, average rating)] by the year the review was published: one query."""
    rows = (
        reviews.order_by()
        .values_list("post__published_on__year")
        .annotate(n=Count("pk"), average=Avg("rating"))
        .order_by("post__published_on__year")
    )
    return [(year, n, average) for year, n, average in rows if year is not None]


def reviews_per_year_chart(rows):
    if not rows:
        return None
    by_year = {year: n for year, n, _ in rows}
    years = range(rows[0][0], rows[-1][0] + 1)  # years without a review show as 0
    bars = [{"label": str(year), "value": by_year.get(year, 0)} for year in years]
    total = sum(by_year.values())
    busiest = max(rows, key=lambda row: (row[1], row[0]))
    return bar_chart(
        "reviews-per-year",
        "Reviews per year",
        f"{total} reviews from {rows[0][0]} to {rows[-1][0]}; the most in {busiest[0]} "
        f"({busiest[1]}).",
        bars,
        columns=("Year", "Reviews"),
    )


def average_rating_chart(rows):
    if not rows:
        return None
    points = [
        {
            "label": str(year),
            "value": round(float(average), 2),
            "text": f"{float(average):.2f}".rstrip("0").rstrip("."),
        }
        for year, _, average in rows
    ]
    low = min(points, key=lambda point: point["value"])
    high = max(points, key=lambda point: point["value"])
    return line_chart(
        "average-rating",
        "Average rating over the years",
        f"The average rating of each year's reviews, on a scale of 0 to 5 stars: lowest "
        f"{low['text']} in {low['label']}, highest {high['text']} in {high['label']}.",
        points,
        columns=("Year", "Average rating (stars)"),
    )
