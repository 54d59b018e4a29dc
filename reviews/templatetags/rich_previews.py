"""Link previews and search-engine data: OpenGraph, Twitter cards and schema.org JSON-LD.

`{% post_previews post %}` goes in a post page's <head>; a review gets a schema.org Review of a
Movie as Google's review snippets ask. `{% documentary_previews documentary review %}` does the
same for a documentary page. Everything visitors or authors typed is escaped: meta tags by the
template engine, JSON-LD by `json_ld()`.
"""

import json

from django import template
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Inside <script> the HTML parser only looks for "</script" and "<!--"; escaping <, > and & as
# JSON \u escapes (as Django's json_script does) means no string can end the element early.
# U+2028/2029 are escaped too: valid in JSON, line breaks to older JavaScript parsers.
_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> element that no value inside can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


def _absolute(request, url):
    return request.build_absolute_uri(url) if url else ""


def _review_of(post):
    try:
        return post.review
    except ObjectDoesNotExist:
        return None


def _author_name(user):
    return user.get_full_name() or user.get_username()


def _share_image(request, documentary):
    image = documentary.poster_share_image if documentary else None
    if not image:
        return None
    return {
        "url": _absolute(request, image["url"]),
        "width": image["width"],
        "height": image["height"],
        "type": image["format"],
        "alt": f"Poster of {documentary.title}",
    }


def _rating_value(review):
    return float(review.rating) if review.rating % 1 else int(review.rating)


def movie_data(request, documentary):
    """schema.org Movie for a documentary (itemReviewed of a Review, or a page of its own)."""
    movie = {
        "@type": "Movie",
        "name": documentary.title,
        "url": _absolute(request, documentary.get_absolute_url()),
    }
    if documentary.release_date:
        movie["dateCreated"] = documentary.release_date.isoformat()
    elif documentary.release_year:
        movie["dateCreated"] = str(documentary.release_year)
    directors = [
        {
            "@type": "Person",
            "name": person.name,
            "url": _absolute(request, person.get_absolute_url()),
        }
        for person in documentary.directors.all()
    ]
    if directors:
        movie["director"] = directors
    companies = [
        {
            "@type": "Organization",
            "name": company.name,
            "url": _absolute(request, company.get_absolute_url()),
        }
        for company in documentary.production_companies.all()
    ]
    if companies:
        movie["productionCompany"] = companies
    image = _share_image(request, documentary)
    if image:
        movie["image"] = image["url"]
    if documentary.runtime_minutes:
        movie["duration"] = f"PT{documentary.runtime_minutes}M"
    return movie


def review_data(request, post, review):
    """schema.org Review with the fields Google's review snippet reads (and a few it likes)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Review",
        "name": post.title,
        "url": _absolute(request, post.get_absolute_url()),
        "itemReviewed": movie_data(request, review.documentary),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": _rating_value(review),
            "bestRating": 5,
            "worstRating": 0.5,
        },
        "author": {"@type": "Person", "name": _author_name(post.author)},
        "publisher": {"@type": "Organization", "name": settings.BLOG_TITLE},
        "description": post.summary(40),
    }
    if post.published_at:
        data["datePublished"] = post.published_at.isoformat()
    if post.updated_at:
        data["dateModified"] = post.updated_at.isoformat()
    return data


@register.inclusion_tag("reviews/_rich_previews.html", takes_context=True)
def post_previews(context, post):
    request = context["request"]
    review = _review_of(post)
    documentary = review.documentary if review else None
    image = _share_image(request, documentary)
    return {
        "og": {
            "type": "article",
            "title": post.title,
            "description": post.summary(40),
            "url": _absolute(request, post.get_absolute_url()),
            "site_name": settings.BLOG_TITLE,
            "image": image,
            "published_time": post.published_at.isoformat() if post.published_at else "",
            "author": _author_name(post.author),
        },
        "ld": review_data(request, post, review) if review else None,
    }


@register.inclusion_tag("reviews/_rich_previews.html", takes_context=True)
def documentary_previews(context, documentary, review=None):
    request = context["request"]
    description = documentary.synopsis or (
        f"{documentary}, rated {review.rating_text}." if review else str(documentary)
    )
    movie = {"@context": "https://schema.org", **movie_data(request, documentary)}
    if documentary.synopsis:
        movie["description"] = documentary.synopsis
    return {
        "og": {
            "type": "video.movie",
            "title": str(documentary),
            "description": " ".join(description.split()[:40]),
            "url": _absolute(request, documentary.get_absolute_url()),
            "site_name": settings.BLOG_TITLE,
            "image": _share_image(request, documentary),
            "directors": [person.name for person in documentary.directors.all()],
            "release_date": documentary.release_date.isoformat()
            if documentary.release_date
            else "",
        },
        "ld": movie,
    }
