"""Charts drawn on the server: each SVG parses, has its title and description, carries a table
of the same numbers, and follows the data."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from blog.models import Post
from reviews.models import Review, StreamingService
from tests.factories import make_documentary, make_post, make_review

SVG = "{http://www.w3.org/2000/svg}"


class Tables(HTMLParser):
    """Each <table class="… chart-table">: its caption and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "chart-table" in attrs.get("class", ""):
            self._table = {"caption": "", "rows": []}
        elif self._table is not None and tag == "tr":
            self._table["rows"].append([])
        elif self._table is not None and tag in ("th", "td", "caption"):
            self._cell = tag
            if tag != "caption":
                self._table["rows"][-1].append("")

    def handle_data(self, data):
        if self._table is None or self._cell is None:
            return
        if self._cell == "caption":
            self._table["caption"] += data
        else:
            self._table["rows"][-1][-1] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td", "caption"):
            self._cell = None
        if tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None


def charts_of(response):
    """[(svg element, table)] in page order; every SVG must parse as XML."""
    assert response.status_code == 200
    html = response.content.decode()
    # Charts only: the header's logo mark is an SVG too.
    found = re.findall(r'<svg\b[^>]*class="chart-svg".*?</svg>', html, re.S)
    svgs = [ET.fromstring(text) for text in found]  # noqa: S314 (our own pages)
    parser = Tables()
    parser.feed(html)
    assert len(svgs) == len(parser.tables)
    return list(zip(svgs, parser.tables, strict=True))


def title_of(svg):
    return svg.find(f"{SVG}title").text


def bars_of(svg):
    """{label: (value, height)} of the drawn bars ("" for a letter without a bar)."""
    return {
        rect.get("data-label"): (rect.get("data-value"), float(rect.get("height")))
        for rect in svg.iter(f"{SVG}rect")
    }


def check_accessible(svg, table):
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text and desc.text
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert table["caption"].startswith(title.text)


def test_statistics_page_is_linked_from_the_archive_and_draws_three_charts(client, demo):
    assert "/documentaries/statistics/" in client.get("/archive/").content.decode()
    charts = charts_of(client.get("/documentaries/statistics/"))
    assert [title_of(svg) for svg, _ in charts] == [
        "Reviews per year",
        "Average rating over the years",
        "How the documentaries reviewed here are rated",
    ]
    for svg, table in charts:
        check_accessible(svg, table)
    (per_year, per_year_table), (average, average_table), _ = charts
    expected = {}
    for review in Review.objects.published().select_related("post"):
        expected.setdefault(str(review.post.published_on.year), []).append(review.rating)
    assert {label: value for label, (value, _) in bars_of(per_year).items()} == {
        year: str(len(ratings)) for year, ratings in expected.items()
    }
    assert per_year_table["rows"][1:] == [
        [year, str(len(ratings))] for year, ratings in sorted(expected.items())
    ]
    points = {
        circle.get("data-label"): float(circle.get("data-value"))
        for circle in average.iter(f"{SVG}circle")
    }
    assert points == {
        year: round(float(sum(ratings) / len(ratings)), 2) for year, ratings in expected.items()
    }
    # Higher averages sit higher (smaller y).
    ys = {c.get("data-label"): float(c.get("cy")) for c in average.iter(f"{SVG}circle")}
    assert (points["2016"] > points["2015"]) == (ys["2016"] < ys["2015"])


def test_rating_spread_on_the_index_follows_a_new_rating(client, demo):
    def spread():
        charts = charts_of(client.get("/documentaries/"))
        assert len(charts) == 1
        svg, table = charts[0]
        check_accessible(svg, table)
        return bars_of(svg), table

    bars, table = spread()
    assert list(bars) == ["½", "1", "1½", "2", "2½", "3", "3½", "4", "4½", "5"]
    fours = Review.objects.published().filter(rating=4).count()
    assert bars["4"][0] == str(fours)
    assert ["4 stars", str(fours)] in table["rows"]
    assert ["1 star", "0"] in table["rows"]
    make_review(post=make_post("Another four"), rating="4")
    after, table = spread()
    assert after["4"][0] == str(fours + 1)
    assert ["4 stars", str(fours + 1)] in table["rows"]
    make_review(post=make_post("Four and a half"), rating="4.5")
    grown, _ = spread()
    assert grown["4½"][0] == str(int(bars["4½"][0]) + 1)
    assert grown["4½"][1] > after["4½"][1]  # the bar grew
    # Drafts do not count.
    make_review(post=make_post("Draft", status=Post.Status.DRAFT), rating="1")
    assert spread()[0]["1"][0] == "0"


def test_director_page_draws_the_spread_only_with_enough_reviews(client, db):
    documentary = make_documentary("First", directors=["Ada Director"])
    make_review(documentary=documentary, rating="2.5")
    person = documentary.directors.get()
    assert charts_of(client.get(person.get_absolute_url())) == []
    for rating in ("2.5", "5"):
        make_review(documentary=make_documentary(directors=["Ada Director"]), rating=rating)
    charts = charts_of(client.get(person.get_absolute_url()))
    (svg, table) = charts[0]
    check_accessible(svg, table)
    assert title_of(svg) == "How documentaries by Ada Director are rated"
    assert bars_of(svg)["2½"][0] == "2" and bars_of(svg)["5"][0] == "1"


def test_service_page_draws_the_spread_of_what_it_carries(client, demo):
    pbs = StreamingService.objects.get(slug="pbs")
    reviews = Review.objects.published().filter(watched_service=pbs) | (
        Review.objects.published().filter(also_available_on=pbs)
    )
    charts = charts_of(client.get(f"/documentaries/where-to-watch/{pbs.slug}/"))
    svg, table = charts[0]
    check_accessible(svg, table)
    counted = sum(int(value) for value, _ in bars_of(svg).values())
    assert counted == reviews.distinct().count() >= 3


def test_challenge_year_chart_shows_each_letters_rating(client, demo):
    charts = charts_of(client.get("/challenge/2018/"))
    svg, table = charts[0]
    check_accessible(svg, table)
    bars = bars_of(svg)
    assert list(bars) == [chr(65 + n) for n in range(26)]
    posts = Post.objects.published().filter(challenge__year=2018).select_related("review")
    for post in posts:
        assert bars[post.challenge_letter][0] == str(post.review.rating)
    assert bars["D"] == ("", 2.0)  # not posted: a stub, no bar
    assert ["D", "not posted"] in table["rows"]
    desc = svg.find(f"{SVG}desc").text
    assert desc.startswith(f"{posts.count()} of 26 letters posted")
    # A rating added for D draws its bar.
    d_post = make_post("D is for", challenge=demo.challenge, challenge_letter="D")
    make_review(post=d_post, rating="2")
    assert bars_of(charts_of(client.get("/challenge/2018/"))[0][0])["D"][0] == "2.0"


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_chart_pages_run_the_same_queries_for_few_and_many_reviews(client, db):
    import datetime

    from django.utils import timezone

    def add(count, start):
        for index in range(count):
            published = timezone.now() - datetime.timedelta(days=400 * (index % 4) + start + index)
            post = make_post(f"Review {start} {index}", published_at=published)
            make_review(post=post, rating=str(0.5 + (index % 10) / 2))

    add(3, 0)
    urls = ["/documentaries/statistics/", "/documentaries/"]
    few = [_queries(client, url) for url in urls]
    add(30, 100)
    assert [_queries(client, url) for url in urls] == few


def test_scheduled_and_draft_reviews_never_reach_a_chart(client, demo):
    import datetime

    from django.utils import timezone

    def drawn(url):
        return [
            (title_of(svg), bars_of(svg), table["rows"])
            for svg, table in charts_of(client.get(url))
        ]

    pages = ["/documentaries/statistics/", "/documentaries/", "/challenge/2018/"]
    before = [drawn(url) for url in pages]
    later = timezone.now() + datetime.timedelta(days=3)
    scheduled = make_post(
        "D later", challenge=demo.challenge, challenge_letter="D", published_at=later
    )
    make_review(post=scheduled, rating="0.5")
    make_review(post=make_post("Draft", status=Post.Status.DRAFT), rating="0.5")
    after = [drawn(url) for url in pages]
    assert after[:2] == before[:2]
    (title, bars, rows), (old_title, old_bars, old_rows) = after[2][0], before[2][0]
    assert (title, bars) == (old_title, old_bars)  # D still has no bar
    # Its row says only that D is coming, never the rating.
    assert ["D", "coming soon"] in rows and ["D", "not posted"] in old_rows
    assert [row for row in rows if row[0] != "D"] == [row for row in old_rows if row[0] != "D"]
