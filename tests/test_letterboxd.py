"""Letterboxd in and out: `import_letterboxd export.zip`, the admin upload, `export_letterboxd`.

The export in tests/letterboxd/ is written by hand with Letterboxd's column names; tests
change a file of it where they need a broken or a newer one.
"""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Post, Tag
from importer.models import LetterboxdEntry
from reviews.models import Documentary, Person, Review
from tests.factories import make_challenge, make_documentary, make_post, make_review, make_staff

pytestmark = pytest.mark.django_db

EXPORT = Path(__file__).parent / "letterboxd"
REVIEWS, DIARY, RATINGS, WATCHED = (
    (EXPORT / f"{name}.csv").read_text(encoding="utf-8")
    for name in ("reviews", "diary", "ratings", "watched")
)
NEWER_REVIEW = (
    "2023-01-15,Three Identical Strangers,2018,https://boxd.it/lb08,4,,"
    '"Stranger than fiction, and sadder.",twins,2023-01-14\n'
)


def export_zip(path, **files):
    """A ZIP like Letterboxd's; each keyword is a file name without .csv, the value its bytes."""
    files = {"reviews": REVIEWS, "diary": DIARY, "ratings": RATINGS, "watched": WATCHED, **files}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("profile.csv", "Date Joined,Username\n2020-01-01,liam\n")
        for name, content in files.items():
            if content is not None:
                data = content if isinstance(content, bytes) else content.encode()
                archive.writestr(f"{name}.csv", data)
    return path


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def admin_user():
    return make_staff("owner")


@pytest.fixture
def export(tmp_path):
    return export_zip(tmp_path / "letterboxd-liam-2023.zip")


def post_titled(title):
    return Post.objects.get(title=title)


# Reviews become draft posts ----------------------------------------------------------------


def test_each_review_becomes_a_draft_with_documentary_rating_date_and_tags(export, admin_user):
    out, err = run("import_letterboxd", export)
    post = post_titled("Man on Wire (2008)")
    assert post.status == Post.Status.DRAFT and post.author == admin_user
    assert post.review.documentary.title == "Man on Wire"
    assert post.review.documentary.release_year == 2008
    assert post.review.rating == Decimal("4.5")
    assert post.review.watched_on == datetime.date(2021, 3, 1)
    assert sorted(post.tags.values_list("name", flat=True)) == ["heights", "new york"]
    assert Post.objects.count() == 6
    assert not Post.objects.published().exists()
    assert "Reviews: 6 imported as drafts, 0 already imported" in out
    assert "[##############################] 8/8 entries" in err


def test_quotes_commas_and_newlines_inside_a_review_survive(export, admin_user):
    run("import_letterboxd", export)
    html = post_titled("Man on Wire (2008)").body_html
    assert "<p>He walks between the towers, and the city looks up.</p>" in html
    assert 'A second paragraph with "quotes", commas, and a line<br>' in html
    assert "break inside.</p>" in html


def test_html_in_a_review_is_converted_and_sanitized(export, admin_user, client):
    run("import_letterboxd", export)
    post = post_titled("Honeyland (2019)")
    assert "<b>Beekeeping</b> with <i>care</i>.<br>" in post.body_html
    assert '<a href="https://example.org/bees" rel="noopener">more</a>' in post.body_html
    assert "*stars* stay" in post.body_html  # Letterboxd's text is not Markdown
    for bad in ("<script", "alert(1)", "javascript:"):
        assert bad not in post.body_html
    client.force_login(admin_user)
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert "Half for her, half for the bees." in page.content.decode()


def test_non_latin_titles_and_tags(export, admin_user):
    run("import_letterboxd", export)
    post = post_titled("東京オリンピック (1965)")
    assert post.review.documentary.slug.startswith("東京オリンピック")
    assert list(post.tags.values_list("name", flat=True)) == ["日本"]


def test_a_film_reviewed_twice_and_a_rewatch_are_kept_apart_and_said_so(export, admin_user):
    out, _ = run("import_letterboxd", export)
    honeyland = Documentary.objects.get(title="Honeyland")
    assert sorted(honeyland.reviews.values_list("post__title", flat=True)) == [
        "Honeyland (2019)",
        "Honeyland (2019), review 2",
    ]
    rewatch = post_titled("Man on Wire (2008), rewatched")
    assert rewatch.review.rating == 5
    assert rewatch.review.documentary == post_titled("Man on Wire (2008)").review.documentary
    assert Documentary.objects.filter(title="Man on Wire").count() == 1
    assert "Films reviewed more than once (each review is its own post):" in out
    assert "  - Honeyland (2019): 2 reviews" in out
    assert "  - Man on Wire (2008), watched 2021-04-09" in out


def test_ratings_and_diary_entries_without_a_review_are_listed_not_imported(export, admin_user):
    out, _ = run("import_letterboxd", export)
    assert "Rated or logged without a review (2; not imported" in out
    assert "  - Jiro Dreams of Sushi (2011): 3.5 stars" in out
    assert "  - Grizzly Man (2005): 4 stars, watched 2022-07-06" in out
    assert "Films only marked as watched (not imported): 1" in out
    assert not Documentary.objects.filter(title="Jiro Dreams of Sushi").exists()
    assert not LetterboxdEntry.objects.filter(kind="rating").exists()


def test_keep_ratings_creates_documentaries_with_the_rating_kept(export, admin_user):
    out, _ = run("import_letterboxd", export, "--keep-ratings")
    kept = LetterboxdEntry.objects.get(kind="rating", title="Grizzly Man")
    assert kept.rating == Decimal("4") and kept.watched_on == datetime.date(2022, 7, 6)
    assert kept.documentary == Documentary.objects.get(title="Grizzly Man", release_year=2005)
    assert LetterboxdEntry.objects.get(title="Jiro Dreams of Sushi").rating == Decimal("3.5")
    assert not Review.objects.filter(documentary=kept.documentary).exists()
    assert "2 kept with their documentary" in out
    # Kept once: the next run lists nothing new.
    out, _ = run("import_letterboxd", export, "--keep-ratings")
    assert LetterboxdEntry.objects.filter(kind="rating").count() == 2
    assert "Ratings without a review already kept: 2" in out


def test_a_film_already_on_the_blog_is_matched_by_title_and_year(export, admin_user):
    existing = make_documentary("Free Solo", year=2018)
    earlier = make_review(make_post("My Free Solo review"), existing)
    make_documentary("Free Solo", year=1999)  # same title, another film
    out, _ = run("import_letterboxd", export)
    imported = post_titled("Free Solo (2018)")
    assert imported.review.documentary == existing
    assert Documentary.objects.filter(title="Free Solo").count() == 2
    assert earlier.post.review == earlier  # the blog's own review is untouched
    assert "Free Solo (2018): already reviewed here in “My Free Solo review”" in out
    assert "Documentaries: 3 created, 1 already here" in out


def test_publish_uses_letterboxds_dates(export, admin_user, client):
    run("import_letterboxd", export, "--publish")
    post = post_titled("Honeyland (2019)")
    assert post.is_public
    assert post.published_on == datetime.date(2022, 1, 5)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert Post.objects.published().count() == 6


def test_a_review_without_a_rating_is_a_post_without_a_review_box(tmp_path, admin_user):
    reviews = REVIEWS.splitlines()[0] + "\n2022-09-09,Dark Days,2000,,,,Under the tracks.,,\n"
    run("import_letterboxd", export_zip(tmp_path / "e.zip", reviews=reviews))
    post = post_titled("Dark Days (2000)")
    assert not Review.objects.filter(post=post).exists()
    assert LetterboxdEntry.objects.get(post=post).documentary.title == "Dark Days"


# Running again ------------------------------------------------------------------------------


def test_running_again_changes_nothing(export, admin_user):
    run("import_letterboxd", export)
    post = post_titled("Honeyland (2019)")
    post.body = "Edited here after the import."
    post.save()
    before = set(Post.objects.values_list("pk", "title", "updated_at"))
    out, _ = run("import_letterboxd", export)
    assert set(Post.objects.values_list("pk", "title", "updated_at")) == before
    assert post_titled("Honeyland (2019)").body == "Edited here after the import."
    assert "Reviews: 0 imported as drafts, 6 already imported" in out
    assert Documentary.objects.count() == 4 and Tag.objects.count() == 5


def test_a_newer_export_adds_only_what_is_new(tmp_path, admin_user):
    run("import_letterboxd", export_zip(tmp_path / "old.zip"))
    first = set(Post.objects.values_list("pk", flat=True))
    newer = export_zip(tmp_path / "new.zip", reviews=REVIEWS + NEWER_REVIEW)
    out, _ = run("import_letterboxd", newer)
    added = Post.objects.exclude(pk__in=first)
    assert [p.title for p in added] == ["Three Identical Strangers (2018)"]
    assert "Reviews: 1 imported as drafts, 6 already imported" in out


def test_an_unpacked_folder_imports_too(tmp_path, admin_user):
    folder = tmp_path / "letterboxd-export"
    folder.mkdir()
    (folder / "reviews.csv").write_text(REVIEWS, encoding="utf-8")
    run("import_letterboxd", folder)
    assert Post.objects.count() == 6


def test_dry_run_saves_nothing(export, admin_user):
    out, _ = run("import_letterboxd", export, "--dry-run", "--keep-ratings")
    assert "DRY RUN, nothing was saved" in out
    assert "Reviews: 6 imported as drafts" in out
    assert Post.objects.count() == 0 and Documentary.objects.count() == 0
    assert LetterboxdEntry.objects.count() == 0 and Tag.objects.count() == 0


# Broken files: one message, nothing imported --------------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"reviews": REVIEWS.replace("Name,Year", "Film,Year", 1)},
            "reviews.csv: missing column “Name”",
        ),
        (
            {"watched": WATCHED.replace("2022-08-08", "2022-13-45")},
            "watched.csv line 3: “Date” is not a date in the form 2024-03-31 (2022-13-45)",
        ),
        (
            {"ratings": RATINGS.replace(",3.5", ",7")},
            "ratings.csv line 3: “Rating” must be from 0.5 to 5 in half stars (7)",
        ),
        (
            {"diary": DIARY.replace("Grizzly Man", "Café Grizzly").encode("cp1252")},
            "diary.csv is not UTF-8 text",
        ),
        (
            {"reviews": REVIEWS + '2023-01-01,Unclosed,2020,,4,,"never closed\n'},
            "reviews.csv line",
        ),
    ],
)
def test_a_broken_file_gives_one_message_and_imports_nothing(tmp_path, admin_user, files, message):
    with pytest.raises(CommandError, match=re.escape(message)) as caught:
        run("import_letterboxd", export_zip(tmp_path / "broken.zip", **files), "--keep-ratings")
    assert str(caught.value).endswith("Nothing was imported.")
    assert Post.objects.count() == 0 and Documentary.objects.count() == 0
    assert LetterboxdEntry.objects.count() == 0 and Tag.objects.count() == 0


def test_a_broken_zip_and_a_zip_of_something_else_are_refused(tmp_path, admin_user):
    broken = tmp_path / "export.zip"
    broken.write_bytes(export_zip(tmp_path / "whole.zip").read_bytes()[:200])
    with pytest.raises(CommandError, match="export.zip is not a readable ZIP file"):
        run("import_letterboxd", broken)
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("photo.txt", "not a film")
    with pytest.raises(CommandError, match="photos.zip holds no reviews.csv"):
        run("import_letterboxd", other)
    with pytest.raises(CommandError, match="no such file"):
        run("import_letterboxd", tmp_path / "missing.zip")
    assert Post.objects.count() == 0


def test_no_author_is_a_clear_message(export):
    with pytest.raises(CommandError, match="No author for the posts"):
        run("import_letterboxd", export)
    with pytest.raises(CommandError, match="--author nobody: no such user"):
        run("import_letterboxd", export, "--author", "nobody")


# The admin ------------------------------------------------------------------------------------


def upload(client, path, **fields):
    with path.open("rb") as handle:
        return client.post(
            reverse("admin:importer_letterboxdentry_import"), {"export": handle, **fields}
        )


def test_admin_upload_shows_the_dry_run_then_imports_on_confirmation(client, export, admin_user):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:importer_letterboxdentry_changelist"))
    assert reverse("admin:importer_letterboxdentry_import") in listing.content.decode()
    assert client.get(reverse("admin:importer_letterboxdentry_import")).status_code == 200

    checked = upload(client, export, publish="on")
    page = checked.content.decode()
    assert checked.status_code == 200
    assert "DRY RUN, nothing was saved" in page
    assert "Reviews: 6 imported as published with their Letterboxd dates" in page
    assert Post.objects.count() == 0

    done = client.post(
        reverse("admin:importer_letterboxdentry_import"), {"token": checked.context["token"]}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:importer_letterboxdentry_changelist")
    assert Post.objects.published().count() == 6
    assert all(p.author == admin_user for p in Post.objects.all())
    # The same confirmation a second time does nothing more.
    again = client.post(
        reverse("admin:importer_letterboxdentry_import"), {"token": checked.context["token"]}
    )
    assert again.status_code == 302 and Post.objects.count() == 6


def test_admin_upload_of_a_broken_file_shows_the_message(client, tmp_path, admin_user):
    client.force_login(admin_user)
    bad = export_zip(tmp_path / "bad.zip", reviews=REVIEWS.replace("Name,", "Film,", 1))
    response = upload(client, bad)
    assert response.status_code == 200
    assert "reviews.csv: missing column “Name”" in response.content.decode()
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    response = upload(client, text)
    assert "Choose the .zip Letterboxd gave you" in response.content.decode()
    forged = client.post(reverse("admin:importer_letterboxdentry_import"), {"token": "forged"})
    assert forged.status_code == 302
    assert Post.objects.count() == 0


def test_only_superusers_import(client, export):
    from tests.factories import make_user

    client.force_login(make_user("helper", is_staff=True))
    assert upload(client, export).status_code == 403
    assert client.get(reverse("admin:importer_letterboxdentry_export")).status_code == 403
    assert Post.objects.count() == 0


# Export for Letterboxd ------------------------------------------------------------------------


def published_review(title, *, year, rating, day, tags=(), directors=(), watched=None):
    when = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)
    post = make_post(f"Review of {title}", published_at=when, body="First paragraph.\n\nSecond.")
    post.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
    documentary = make_documentary(title, year=year)
    people = [Person.objects.get_or_create(name=d, slug=d.lower())[0] for d in directors]
    documentary.directors.set(people)
    return make_review(post, documentary, rating=rating, watched_on=watched)


@pytest.fixture
def reviewed():
    return [
        published_review(
            "Man on Wire",
            year=2008,
            rating="4.5",
            day=datetime.date(2018, 4, 3),
            tags=["heights", "new york"],
            directors=["James Marsh"],
            watched=datetime.date(2018, 3, 30),
        ),
        published_review(
            "東京オリンピック",
            year=1965,
            rating="3",
            day=datetime.date(2019, 4, 5),
            tags=["日本"],
            directors=["Kon Ichikawa"],
        ),
    ]


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_export_writes_letterboxds_import_columns(reviewed, settings):
    settings.SITE_URL = "https://docs.example.org"
    make_review(make_post("A draft", status=Post.Status.DRAFT), rating="2")
    out, err = run("export_letterboxd")
    assert out.splitlines()[0] == "Title,Year,Directors,Rating,WatchedDate,Review,Tags"
    rows = read_csv(out)
    assert [r["Title"] for r in rows] == ["Man on Wire", "東京オリンピック"]  # no draft
    wire = rows[0]
    assert wire["Year"] == "2008" and wire["Directors"] == "James Marsh"
    assert wire["Rating"] == "4.5" and wire["WatchedDate"] == "2018-03-30"
    assert wire["Tags"] == "heights, new york"
    link = "https://docs.example.org" + reviewed[0].post.get_absolute_url()
    assert wire["Review"] == (
        f"First paragraph.\n\nSecond.\n\nRead the full review on A to Z Documentaries: {link}"
    )
    assert rows[1]["WatchedDate"] == "2019-04-05"  # the day it was published
    assert rows[1]["Rating"] == "3"
    assert "2 reviews written." in err


def test_export_filters_by_date_and_challenge_year(reviewed):
    challenge = make_challenge(2019)
    post = reviewed[1].post
    post.challenge, post.challenge_letter = challenge, "T"
    post.save()
    assert [r["Title"] for r in read_csv(run("export_letterboxd", "--since", "2019-01-01")[0])] == [
        "東京オリンピック"
    ]
    assert [r["Title"] for r in read_csv(run("export_letterboxd", "--until", "2018-12-31")[0])] == [
        "Man on Wire"
    ]
    by_year = read_csv(run("export_letterboxd", "--challenge-year", "2019")[0])
    assert [r["Title"] for r in by_year] == ["東京オリンピック"]
    with pytest.raises(CommandError, match="not a date"):
        run("export_letterboxd", "--since", "April")


def test_admin_export_button_downloads_the_csv(client, reviewed, admin_user):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:importer_letterboxdentry_changelist"))
    assert reverse("admin:importer_letterboxdentry_export") in listing.content.decode()
    form = client.get(reverse("admin:importer_letterboxdentry_export"))
    assert form.status_code == 200
    response = client.get(
        reverse("admin:importer_letterboxdentry_export"), {"download": "1", "since": "2019-01-01"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response.content.decode())
    assert [r["Title"] for r in rows] == ["東京オリンピック"]
    assert rows[0]["Review"].endswith("http://testserver" + reviewed[1].post.get_absolute_url())
    bad = client.get(
        reverse("admin:importer_letterboxdentry_export"), {"download": "1", "since": "someday"}
    )
    assert bad.status_code == 200 and 'value="someday"' in bad.content.decode()


def test_the_export_costs_the_same_queries_for_few_and_many_reviews(client, reviewed, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:importer_letterboxdentry_export") + "?download=1"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(6):
        published_review(
            f"Film {n}",
            year=2000 + n,
            rating="3",
            day=datetime.date(2020, 1, n + 1),
            tags=["a", f"t{n}"],
            directors=[f"Director {n}"],
        )
    assert queries() == few


def test_round_trip_export_then_import_into_an_empty_site(reviewed, tmp_path):
    def state():
        return sorted(
            (
                r.documentary.title,
                r.documentary.year,
                sorted(p.name for p in r.documentary.directors.all()),
                r.rating,
                r.watched_on or r.post.published_on,
                sorted(t.name for t in r.post.tags.all()),
            )
            for r in Review.objects.all()
        )

    before = state()
    exported = tmp_path / "reviews.csv"
    exported.write_text(run("export_letterboxd")[0], encoding="utf-8")
    Review.objects.all().delete()
    Post.objects.all().delete()
    Documentary.objects.all().delete()
    Person.objects.all().delete()
    Tag.objects.all().delete()
    make_staff("owner")
    run("import_letterboxd", exported, "--publish")
    assert state() == before
    run("import_letterboxd", exported, "--publish")
    assert Review.objects.count() == 2
