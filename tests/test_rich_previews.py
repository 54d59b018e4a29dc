"""Link previews (OpenGraph, Twitter cards) and schema.org JSON-LD for review snippets."""

import html as html_lib
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reviews.models import Company, Documentary
from reviews.posters import save_documentary
from tests.factories import make_documentary, make_post, make_review
from tests.task_helpers import run_tasks

pytestmark = pytest.mark.django_db

SEED_URL = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"
SEED_FILM = "/documentaries/ai-weiwei-never-sorry-2012/"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def meta(html, key):
    """The content of <meta property|name=key>, unescaped as a browser or crawler reads it."""
    found = re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert len(found) == 1, (key, found)
    return html_lib.unescape(found[0])


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    return tmp_path


def give_poster(documentary, size=(800, 1200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 20, 20)).save(buffer, "JPEG")
    documentary.poster = SimpleUploadedFile("poster.jpg", buffer.getvalue())
    save_documentary(documentary)
    run_tasks()  # its smaller copies


def test_a_review_page_has_opengraph_and_twitter_tags(client, demo):
    html = page(client, SEED_URL)
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == demo.title
    assert meta(html, "og:url") == f"http://testserver{SEED_URL}"
    assert meta(html, "og:description").startswith("Alison Klayman follows Ai Weiwei")
    assert meta(html, "og:site_name") == "A to Z Documentaries"
    assert meta(html, "article:published_time") == "2018-04-02T08:00:00+00:00"
    # No poster yet: a small card and no image tags.
    assert meta(html, "twitter:card") == "summary"
    assert "og:image" not in html


def test_the_poster_becomes_the_preview_image(client, demo, media):
    give_poster(Documentary.objects.get(slug="ai-weiwei-never-sorry-2012"))
    html = page(client, SEED_URL)
    image = meta(html, "og:image")
    assert re.fullmatch(r"http://testserver/media/posters/\d{4}/poster\.w800\.jpg", image)
    assert meta(html, "og:image:type") == "image/jpeg"
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("800", "1200")
    assert meta(html, "og:image:alt") == "Poster of Ai Weiwei: Never Sorry"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == image


def test_review_json_ld_follows_the_review_snippet_rules(client, demo, media):
    give_poster(Documentary.objects.get(slug="ai-weiwei-never-sorry-2012"))
    [data] = json_ld(page(client, SEED_URL))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Review"
    assert data["name"] == demo.title
    assert data["url"] == f"http://testserver{SEED_URL}"
    assert data["datePublished"] == "2018-04-02T08:00:00+00:00"
    assert data["author"] == {"@type": "Person", "name": "Liam"}
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 0.5,
    }
    movie = data["itemReviewed"]
    assert movie["@type"] == "Movie"
    assert movie["name"] == "Ai Weiwei: Never Sorry"
    assert movie["url"] == f"http://testserver{SEED_FILM}"
    assert movie["dateCreated"] == "2012-04-16"
    assert movie["director"] == [
        {
            "@type": "Person",
            "name": "Alison Klayman",
            "url": "http://testserver/documentaries/directors/alison-klayman/",
        }
    ]
    assert movie["productionCompany"] == [
        {
            "@type": "Organization",
            "name": "United Expression Media",
            "url": "http://testserver/documentaries/companies/united-expression-media/",
        }
    ]
    assert movie["image"].endswith(".w800.jpg")
    assert movie["duration"] == "PT91M"


def test_half_star_ratings_and_release_years_are_kept(client, db):
    film = make_documentary("Only a Year", year=1994, directors=["First One", "Second One"])
    review = make_review(documentary=film, rating="3.5")
    [data] = json_ld(page(client, review.post.get_absolute_url()))
    assert data["reviewRating"]["ratingValue"] == 3.5
    assert data["itemReviewed"]["dateCreated"] == "1994"
    assert [d["name"] for d in data["itemReviewed"]["director"]] == ["First One", "Second One"]
    assert "image" not in data["itemReviewed"]


def test_a_post_without_a_review_has_previews_but_no_review_data(client, db):
    post = make_post("Thoughts on April", body="Plain words about the challenge.")
    html = page(client, post.get_absolute_url())
    assert meta(html, "og:title") == "Thoughts on April"
    assert meta(html, "og:description") == "Plain words about the challenge."
    assert json_ld(html) == []


HOSTILE = '</script><script>alert("x")</script><!-- & "quotes" \u2028'


def test_typed_text_cannot_break_out_of_the_json_ld_or_the_meta_tags(client, db):
    film = make_documentary(HOSTILE, directors=[f"Director {HOSTILE}"])
    film.production_companies.add(Company.objects.create(name=f"</SCRIPT >{HOSTILE}"))
    review = make_review(
        post=make_post(f"Review {HOSTILE}", body="Body <b>bold</b>"), documentary=film
    )
    html = page(client, review.post.get_absolute_url())
    head = html[: html.index("</head>")]
    assert '<script>alert("x")' not in html
    assert "<!--" not in head
    assert head.lower().count("</script") == 1  # only the JSON-LD's own end tag
    [data] = json_ld(html)
    assert data["name"] == f"Review {HOSTILE}"
    assert data["itemReviewed"]["name"] == HOSTILE
    assert data["itemReviewed"]["director"][0]["name"] == f"Director {HOSTILE}"
    assert data["itemReviewed"]["productionCompany"][0]["name"] == f"</SCRIPT >{HOSTILE}"
    assert meta(html, "og:title") == f"Review {HOSTILE}"


def test_a_documentary_page_has_previews_and_movie_data(client, demo, media):
    give_poster(Documentary.objects.get(slug="ai-weiwei-never-sorry-2012"))
    html = page(client, SEED_FILM)
    assert meta(html, "og:type") == "video.movie"
    assert meta(html, "og:title") == "Ai Weiwei: Never Sorry (2012)"
    assert meta(html, "og:url") == f"http://testserver{SEED_FILM}"
    assert meta(html, "og:description").startswith("Three years with the Chinese artist")
    assert meta(html, "video:director") == "Alison Klayman"
    assert meta(html, "video:release_date") == "2012-04-16"
    assert meta(html, "og:image").endswith(".w800.jpg")
    [data] = json_ld(html)
    assert data["@type"] == "Movie"
    assert data["name"] == "Ai Weiwei: Never Sorry"
    assert data["director"][0]["name"] == "Alison Klayman"


def test_a_draft_preview_carries_previews_but_stays_out_of_search(staff_client, db):
    from blog.models import Post

    post = make_post("Unfinished", status=Post.Status.DRAFT)
    make_review(post=post)
    html = page(staff_client, f"/preview/{post.pk}/")
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert json_ld(html)[0]["@type"] == "Review"
    assert "datePublished" not in json_ld(html)[0]
