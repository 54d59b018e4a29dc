"""Documentary pages and the ways into them: director, company, where to watch, rating, posters."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from blog.models import Post
from reviews.models import Company, Documentary, Person, StreamingService
from reviews.posters import save_documentary
from tests.factories import make_documentary, make_post, make_review
from tests.queries import count_queries
from tests.task_helpers import run_tasks

pytestmark = pytest.mark.django_db

SEED_FILM = "/documentaries/ai-weiwei-never-sorry-2012/"


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def links_in(html):
    return re.findall(r'href="([^"]+)"', html)


def image_upload(name="poster.jpg", size=(1000, 1500), image_format="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 60, 90)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    return tmp_path


# --- The seed documentary and the links from its review --------------------------------------


def test_documentary_page_shows_metadata_rating_services_and_reviews(client, demo):
    html = html_of(client, SEED_FILM)
    assert "<h1>Ai Weiwei: Never Sorry (2012)</h1>" in html
    assert '<a href="/documentaries/directors/alison-klayman/">Alison Klayman</a>' in html
    assert '<a href="/documentaries/companies/united-expression-media/">' in html
    assert "91 minutes" in html
    assert 'aria-label="4 out of 5 stars"' in html
    assert 'href="/documentaries/rated/4/"' in html
    assert '<a href="/documentaries/where-to-watch/hulu/">Hulu</a>' in html
    assert '<a href="/documentaries/where-to-watch/netflix/">Netflix</a>' in html
    assert f'href="{demo.get_absolute_url()}"' in html


def test_every_review_of_a_documentary_is_listed_newest_first(client, demo):
    film = Documentary.objects.get(slug="ai-weiwei-never-sorry-2012")
    again = make_post("Never Sorry, watched again", published_at=timezone.now())
    make_review(post=again, documentary=film, rating="4.5")
    html = html_of(client, SEED_FILM)
    assert html.index("Never Sorry, watched again") < html.index(demo.title)
    assert "(latest of 2 reviews)" in html
    assert 'aria-label="4.5 out of 5 stars"' in html


def test_review_metadata_and_source_sentence_link_to_pages_that_answer(client, demo):
    html = html_of(client, demo.get_absolute_url())
    facts = html[html.index('class="film-meta"') : html.index("</dl>")]
    assert '<a href="/documentaries/directors/alison-klayman/">Alison Klayman</a>' in facts
    assert (
        '<a href="/documentaries/companies/united-expression-media/">United Expression Media</a>'
        in facts
    )
    source = html[html.index('class="review-source"') :]
    source = source[: source.index("</p>")]
    assert (
        'I watched this documentary on <a href="/documentaries/where-to-watch/netflix/">'
        "Netflix streaming</a>" in source
    )
    assert 'also available on <a href="/documentaries/where-to-watch/hulu/">Hulu</a>' in source
    assert 'href="/documentaries/rated/4/"' in html
    for url in links_in(facts + source) + ["/documentaries/rated/4/"]:
        html_of(client, url)


def test_director_and_company_pages_list_their_documentaries(client, demo):
    html = html_of(client, "/documentaries/directors/alison-klayman/")
    assert "<h1>Alison Klayman</h1>" in html
    assert "Documentaries directed by Alison Klayman" in html
    assert f'href="{SEED_FILM}"' in html
    assert f'href="{demo.get_absolute_url()}"' in html
    assert "Bill Nye" not in html

    html = html_of(client, "/documentaries/companies/wgbh-educational-foundation/")
    assert "American Experience: Blackout" in html
    assert "American Experience: Into the Amazon" in html
    assert "Directed by <a" in html


def test_a_service_page_lists_documentaries_watched_or_available_there(client, demo):
    html = html_of(client, "/documentaries/where-to-watch/netflix/")
    assert "<h1>Where to watch: Netflix</h1>" in html
    assert "Ai Weiwei: Never Sorry" in html
    assert "watched on Netflix" in html
    assert 'href="https://www.netflix.com/" rel="noopener external"' in html

    html = html_of(client, "/documentaries/where-to-watch/hulu/")
    assert "Ai Weiwei: Never Sorry" in html
    assert "available on Hulu" in html


def test_a_documentary_both_watched_and_available_on_a_service_is_listed_once(client, db):
    service = StreamingService.objects.create(name="Kanopy")
    review = make_review(documentary=make_documentary("Twice There"), watched_service=service)
    review.also_available_on.add(service)
    html = html_of(client, "/documentaries/where-to-watch/kanopy/")
    assert html.count("Twice There") == 1


def test_rating_pages_list_reviews_with_that_rating(client, db):
    make_review(documentary=make_documentary("Four Stars Film"), rating="4")
    make_review(documentary=make_documentary("Half Star Film"), rating="3.5")
    html = html_of(client, "/documentaries/rated/4/")
    assert "Four Stars Film" in html
    assert "Half Star Film" not in html
    assert "1 review with 4 out of 5 stars" in html
    html = html_of(client, "/documentaries/rated/3.5/")
    assert "Half Star Film" in html
    assert "Four Stars Film" not in html

    index = html_of(client, "/documentaries/rated/")
    assert '<a href="/documentaries/rated/3.5/">' in index
    assert '<a href="/documentaries/rated/4/">' in index
    assert 'href="/documentaries/rated/2/"' not in index  # none yet: not a link


@pytest.mark.parametrize(
    "url",
    [
        "/documentaries/rated/0/",
        "/documentaries/rated/5.5/",
        "/documentaries/rated/4.0/",
        "/documentaries/rated/6/",
        "/documentaries/rated/abc/",
        "/documentaries/rated/-1/",
        "/documentaries/directors/nobody/",
        "/documentaries/companies/nobody/",
        "/documentaries/where-to-watch/nowhere/",
        "/documentaries/directors/%F0%9F%92%A5/",
        "/documentaries/rated/4/?page=99",
        "/documentaries/rated/4/?page=abc",
        "/documentaries/directors/?page=0",
    ],
)
def test_bad_addresses_are_404(client, demo, url):
    assert client.get(url).status_code == 404


def test_indexes_count_published_reviews(client, demo):
    html = html_of(client, "/documentaries/directors/")
    assert (
        '<a href="/documentaries/directors/alison-klayman/">Alison Klayman</a> · 1 review' in html
    )
    html = html_of(client, "/documentaries/companies/")
    assert "WGBH Educational Foundation</a> · 2 reviews" in html
    html = html_of(client, "/documentaries/where-to-watch/")
    assert "Netflix</a> · 3 reviews" in html


# --- Drafts and scheduled posts never show ------------------------------------------------


@pytest.fixture
def unpublished(db):
    """A draft and a scheduled review, each of a film, director, company and service of its own."""
    made = []
    for kind, status, when in [
        ("Draft", Post.Status.DRAFT, None),
        ("Scheduled", Post.Status.PUBLISHED, timezone.now() + datetime.timedelta(days=3)),
    ]:
        film = make_documentary(f"{kind} Secret Film", directors=[f"{kind} Hidden Director"])
        film.production_companies.add(Company.objects.create(name=f"{kind} Hidden Company"))
        service = StreamingService.objects.create(name=f"{kind} Hidden Service")
        post = make_post(f"{kind} secret review", status=status, published_at=when)
        make_review(post=post, documentary=film, rating="1", watched_service=service)
        made.append((film, service))
    return made


def test_drafts_and_scheduled_reviews_never_leak(client, demo, unpublished):
    public_pages = [
        "/documentaries/",
        "/documentaries/directors/",
        "/documentaries/companies/",
        "/documentaries/where-to-watch/",
        "/documentaries/rated/",
        "/documentaries/rated/1/",
        SEED_FILM,
        "/documentaries/directors/alison-klayman/",
        "/documentaries/where-to-watch/netflix/",
    ]
    for url in public_pages:
        html = html_of(client, url)
        for word in ("Secret Film", "Hidden Director", "Hidden Company", "Hidden Service"):
            assert word not in html, (url, word)
        assert "secret review" not in html, url
    # Only the hidden reviews have one star: the rating index does not offer that page.
    assert 'href="/documentaries/rated/1/"' not in html_of(client, "/documentaries/rated/")
    for film, service in unpublished:
        person = film.directors.get()
        company = film.production_companies.get()
        for url in [
            film.get_absolute_url(),
            person.get_absolute_url(),
            company.get_absolute_url(),
            service.get_absolute_url(),
        ]:
            assert client.get(url).status_code == 404, url


def test_a_film_only_recommended_has_a_page_and_its_director_too(client, demo):
    # "If you like this…" names Exit Through the Gift Shop in the seed review.
    html = html_of(client, "/documentaries/exit-through-the-gift-shop-2010/")
    assert "Banksy" in html
    html_of(client, "/documentaries/directors/banksy/")


# --- Query counts: the same for one item and for many ----------------------------------------


def _reviews(count, offset=0, *, director, company, service, rating="4"):
    for index in range(offset, offset + count):
        film = make_documentary(f"Film {index}")
        film.directors.add(director, Person.objects.create(name=f"Co-director {index}"))
        film.production_companies.add(company, Company.objects.create(name=f"Co-producer {index}"))
        review = make_review(documentary=film, rating=rating, watched_service=service)
        review.also_available_on.add(StreamingService.objects.create(name=f"Service {index}"))
        make_review(documentary=film, rating="2")  # a second review of the same film


# Each list page, and what shows that it lists all 25 items.
LIST_PAGES = {
    "/documentaries/": "Film 24",
    "/documentaries/directors/": "Co-director 24",
    "/documentaries/companies/": "Co-producer 24",
    "/documentaries/where-to-watch/": "Service 24",
    "/documentaries/rated/": "25 reviews",
    "/documentaries/rated/4/": "Film 24",
    "/documentaries/directors/the-director/": "Film 24",
    "/documentaries/companies/the-company/": "Film 24",
    "/documentaries/where-to-watch/the-service/": "Film 24",
}


@pytest.mark.parametrize(("url", "last_item"), LIST_PAGES.items())
def test_list_pages_run_the_same_queries_for_one_item_and_for_many(client, db, url, last_item):
    people = {
        "director": Person.objects.create(name="The Director"),
        "company": Company.objects.create(name="The Company"),
        "service": StreamingService.objects.create(name="The Service"),
    }
    _reviews(1, **people)
    client.get(url)  # warm caches (site, content types) that are not part of the page
    one = count_queries(client, url)
    _reviews(24, offset=1, **people)
    many = count_queries(client, url)
    assert one == many
    assert last_item in html_of(client, url)


def test_documentary_page_queries_do_not_grow_with_its_reviews(client, db):
    film = make_documentary("Much Reviewed", directors=["A Director"])
    services = StreamingService.objects.bulk_create(
        [StreamingService(name=f"S{i}", slug=f"s{i}") for i in range(5)]
    )
    make_review(documentary=film, watched_service=services[0]).also_available_on.add(services[1])
    client.get(film.get_absolute_url())
    one = count_queries(client, film.get_absolute_url())
    for index in range(10):
        review = make_review(documentary=film, watched_service=services[index % 5])
        review.also_available_on.add(*services[:3])
    assert count_queries(client, film.get_absolute_url()) == one


# --- Posters ---------------------------------------------------------------------------------


def test_a_poster_gets_renditions_and_a_responsive_picture(client, demo, media):
    film = Documentary.objects.get(slug="ai-weiwei-never-sorry-2012")
    film.poster = image_upload("never-sorry.jpg")
    save_documentary(film)
    # Until the task has run, the page shows the original.
    picture = re.search(r'<picture class="poster">.*?</picture>', html_of(client, SEED_FILM), re.S)
    assert re.search(r'<img src="/media/posters/\d{4}/never-sorry\.jpg" alt=', picture.group(0))
    assert run_tasks() == 1
    film.refresh_from_db()
    files = film.poster_renditions["files"]
    assert film.poster_renditions["source"] == film.poster.name
    assert {(f["format"], f["width"]) for f in files} == {
        (image_format, width)
        for image_format in ("image/webp", "image/jpeg")
        for width in (320, 640, 960, 1000)
    }
    for rendition in files:
        assert (media / rendition["name"]).exists()

    html = html_of(client, SEED_FILM)
    picture = re.search(r'<picture class="poster">.*?</picture>', html, re.S).group(0)
    webp_srcset = re.search(r'<source type="image/webp" srcset="([^"]+)"', picture).group(1)
    assert webp_srcset.count(".webp ") == 4
    assert "w320.webp 320w" in webp_srcset
    assert 'width="1000" height="1500"' in picture
    assert 'loading="eager"' in picture  # the page's main image
    assert 'alt="Poster of Ai Weiwei: Never Sorry"' in picture
    assert re.search(r'<img src="/media/posters/\d{4}/never-sorry\.w1000\.jpg"', picture)

    post_html = html_of(client, demo.get_absolute_url())
    assert '<picture class="poster">' in post_html

    # On a list the posters load lazily.
    html = html_of(client, "/documentaries/directors/alison-klayman/")
    assert '<picture class="poster-thumb">' in html
    assert 'loading="lazy"' in html


def test_replacing_a_poster_replaces_its_renditions(db, media):
    film = make_documentary("Posterised")
    film.poster = image_upload("first.jpg", size=(700, 1000))
    save_documentary(film)
    run_tasks()
    film.refresh_from_db()
    old = [f["name"] for f in film.poster_renditions["files"]]
    assert old
    film.poster = image_upload("second.png", size=(400, 600), image_format="PNG")
    save_documentary(film)
    run_tasks()
    film.refresh_from_db()
    assert not any((media / name).exists() for name in old)
    assert {f["format"] for f in film.poster_renditions["files"]} == {"image/webp", "image/png"}
    film.poster = None
    save_documentary(film)
    assert film.poster_renditions == {}
    assert film.poster_picture is None


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-1234-test")
    )
    return client


def _documentary_form(poster):
    return {
        "title": "Uploaded Film",
        "slug": "uploaded-film",
        "release_year": "2012",
        "synopsis": "Kept as typed.",
        "poster": poster,
    }


# Django's own ImageField only warns about this image; the poster's validator refuses it.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_admin_refuses_a_decompression_bomb_poster_with_a_clear_message(admin_client, media):
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")
    upload = SimpleUploadedFile("bomb.png", bomb.getvalue(), content_type="image/png")
    response = admin_client.post("/admin/reviews/documentary/add/", _documentary_form(upload))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This image is 10000 × 10000 pixels (100 megapixels)" in html
    assert "Kept as typed." in html
    assert not Documentary.objects.exists()
    assert not list(media.rglob("*.png"))


def test_admin_refuses_a_file_that_is_not_an_image(admin_client, media):
    upload = SimpleUploadedFile("poster.jpg", b"%PDF-1.4 not a poster", content_type="image/jpeg")
    response = admin_client.post("/admin/reviews/documentary/add/", _documentary_form(upload))
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Documentary.objects.exists()


def test_admin_stores_a_poster_with_its_renditions(admin_client, media):
    response = admin_client.post(
        "/admin/reviews/documentary/add/", _documentary_form(image_upload("film.jpg"))
    )
    assert response.status_code == 302
    assert run_tasks() == 1
    film = Documentary.objects.get(slug="uploaded-film")
    assert len(film.poster_renditions["files"]) == 8
    assert film.poster_picture["width"] == 1000

    change = admin_client.get(f"/admin/reviews/documentary/{film.pk}/change/").content.decode()
    assert "Poster as readers see it" in change
    assert re.search(r'<img src="/media/posters/\d{4}/film\.w1000\.jpg" srcset="[^"]+320w', change)
    listing = admin_client.get("/admin/reviews/documentary/").content.decode()
    assert 'width="48" height="72" alt="Poster of Uploaded Film"' in listing
