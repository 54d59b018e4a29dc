"""A review's facts as a WordPress post carries them: lines at the top of the text, and meta."""

import json
import re
from xml.sax.saxutils import escape


def _stars(rating):
    return f"{rating.normalize():f}/5"


def review_facts(review):
    """[(label, text)] of a review, in the order reviewers wrote them."""
    documentary = review.documentary
    facts = [("Title", documentary.title)]
    if documentary.release_date:
        facts.append(("Release date", documentary.release_date.isoformat()))
    elif documentary.release_year:
        facts.append(("Released", str(documentary.release_year)))
    directors = [p.name for p in documentary.directors.all()]
    if directors:
        facts.append(("Director", ", ".join(directors)))
    companies = [c.name for c in documentary.production_companies.all()]
    if companies:
        facts.append(("Production company", "; ".join(companies)))
    services = [s.name for s in review.also_available_on.all()]
    via = review.watched_via or (review.watched_service.name if review.watched_service else "")
    if via or services:
        source = f"I watched it on {via}" if via else "Available"
        if services:
            source += ", also on " + ", ".join(services)
        facts.append(("Source", source))
    if review.rating is not None:
        facts.append(("Rating", _stars(review.rating)))
    return facts


def review_lines(review):
    """The facts as the lines at the top of a WordPress review post, then its two sections."""
    lines = [
        f"<strong>{escape(label)}:</strong> {escape(text)}" for label, text in review_facts(review)
    ]
    if review.lessons_html.strip():
        lines.append("<strong>What can one learn from watching this documentary:</strong>")
        lines.append(_one_block(review.lessons_html))
    if review.also_like_html.strip():
        lines.append("<strong>If you like this, you might also like…:</strong>")
        lines.append(_one_block(review.also_like_html))
    return "\n".join(lines)


_PARAGRAPH = re.compile(r"^<p>(.*)</p>$")


def _one_block(html):
    # A section ends at the first blank line: its paragraphs become lines, as WordPress's
    # editor writes them, and stay together.
    lines = (line.strip() for line in html.strip().splitlines())
    return "\n".join(_PARAGRAPH.sub(r"\1", line) for line in lines if line)


def review_meta(review):
    documentary = review.documentary
    meta = [
        ("_review_title", documentary.title),
        ("_review_rating", "" if review.rating is None else f"{review.rating.normalize():f}"),
    ]
    if documentary.release_year:
        meta.append(("_review_release_year", documentary.release_year))
    if documentary.release_date:
        meta.append(("_review_release_date", documentary.release_date.isoformat()))
    # Lists as JSON: a name may hold a comma ("Participant Media, LLC").
    directors = [p.name for p in documentary.directors.all()]
    if directors:
        meta.append(("_review_directors", json.dumps(directors, ensure_ascii=False)))
    companies = [c.name for c in documentary.production_companies.all()]
    if companies:
        meta.append(("_review_companies", json.dumps(companies, ensure_ascii=False)))
    if review.watched_on:
        meta.append(("_review_watched_on", review.watched_on.isoformat()))
    if review.watched_via:
        meta.append(("_review_watched_via", review.watched_via))
    if review.watched_service:
        meta.append(("_review_watched_service", review.watched_service.name))
    services = [s.name for s in review.also_available_on.all()]
    if services:
        meta.append(("_review_also_available_on", json.dumps(services, ensure_ascii=False)))
    if review.lessons:
        meta.append(("_review_lessons", review.lessons))
    if review.also_like:
        meta.append(("_review_also_like", review.also_like))
    return meta
