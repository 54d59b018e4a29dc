"""Media on object storage: an S3 bucket (moto, in this process), moving local media to it,
backups of media through the storage, and the health check."""

import io
import re
import tarfile

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from moto import mock_aws
from PIL import Image as PILImage

from blog.models import Image
from blog.uploads import save_image
from infra import backups
from reviews.posters import save_documentary
from tests.factories import make_documentary, make_post, make_review
from tests.task_helpers import run_tasks

BUCKET = "atoz-media"
BUCKET_URL = f"https://s3.amazonaws.com/{BUCKET}/"
S3_STORAGE = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": BUCKET,
        "access_key": "testing",
        "secret_key": "testing",
        "region_name": "us-east-1",
        "querystring_auth": False,
        "file_overwrite": False,
        "addressing_style": "path",
    },
}


def jpeg(size=(700, 1000), color=(30, 90, 160)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def local_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return settings.MEDIA_ROOT


@pytest.fixture
def bucket():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def keys(client):
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return sorted(item["Key"] for item in listed)


def use_bucket(settings):
    settings.STORAGES = {**settings.STORAGES, "default": S3_STORAGE}


@pytest.mark.django_db
def test_uploads_and_their_renditions_go_to_the_bucket(client, settings, bucket, local_media):
    use_bucket(settings)
    film = make_documentary("Bucketed")
    make_review(documentary=film)
    film.poster = SimpleUploadedFile("bucketed.jpg", jpeg())
    save_documentary(film)
    image = Image(alt="A still", file=SimpleUploadedFile("still.jpg", jpeg((500, 300))))
    save_image(image)
    assert keys(bucket) == sorted([film.poster.name, image.file.name])
    # Until the worker has run, the page shows the original, from the bucket.
    html = client.get(film.get_absolute_url()).content.decode()
    assert f'<img src="{BUCKET_URL}{film.poster.name}"' in html

    assert run_tasks() == 2
    film.refresh_from_db()
    image.refresh_from_db()
    names = [f["name"] for f in film.poster_renditions["files"]]
    names += [r["name"] for r in image.renditions]
    assert len(names) == 6 + 4  # 320, 640, 700 and 320, 500 wide; WebP and JPEG
    assert set(names) <= set(keys(bucket))
    html = client.get(film.get_absolute_url()).content.decode()
    picture = re.search(r'<picture class="poster">.*?</picture>', html, re.S).group(0)
    assert f'src="{BUCKET_URL}{film.poster.name.removesuffix(".jpg")}.w700.jpg"' in picture
    assert image.display_url.startswith(f"{BUCKET_URL}images/")
    assert not local_media.exists()  # nothing on this server's disk


@pytest.mark.django_db
def test_copy_media_to_storage_moves_files_relinks_pages_and_copies_nothing_twice(
    client, settings, bucket, local_media
):
    # A site that ran on its own disk: a poster with renditions and an image in a post body.
    film = make_documentary("Moved")
    make_review(documentary=film)
    film.poster = SimpleUploadedFile("moved.jpg", jpeg())
    save_documentary(film)
    image = Image(alt="A still", file=SimpleUploadedFile("still.jpg", jpeg((500, 300))))
    save_image(image)
    run_tasks()
    image.refresh_from_db()
    post = make_post("With a picture", body=f"Look: ![A still]({image.display_url})")
    local_names = sorted(
        str(path.relative_to(local_media)) for path in local_media.rglob("*") if path.is_file()
    )
    assert len(local_names) == 2 + 6 + 4

    use_bucket(settings)
    out = io.StringIO()
    call_command("copy_media_to_storage", stdout=out)
    assert "12 files were copied, 0 already there; 1 posts and pages" in out.getvalue()
    assert keys(bucket) == local_names

    post.refresh_from_db()
    assert f"![A still]({image.display_url})" in post.body
    assert image.display_url.startswith(f"{BUCKET_URL}images/")
    assert "/media/" not in post.body
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'src="{BUCKET_URL}images/' in html
    html = client.get(film.get_absolute_url()).content.decode()
    assert f'<img src="{BUCKET_URL}posters/' in html
    assert "/media/" not in html

    out = io.StringIO()
    call_command("copy_media_to_storage", stdout=out)
    assert "0 files were copied, 12 already there; 0 posts and pages" in out.getvalue()


def test_copy_media_to_storage_refuses_without_a_bucket(local_media):
    with pytest.raises(CommandError, match="name a bucket"):
        call_command("copy_media_to_storage")


def test_media_backups_go_through_the_storage(settings, bucket, tmp_path):
    use_bucket(settings)
    bucket.put_object(Bucket=BUCKET, Key="posters/2026/a.jpg", Body=b"poster bytes")
    bucket.put_object(Bucket=BUCKET, Key="images/2026/11/b.w320.webp", Body=b"webp bytes")
    archive_path = tmp_path / "media.tar.gz"
    from django.core.files.storage import storages

    with tarfile.open(archive_path, "w:gz") as archive:
        backups.pack_media(archive, storages["default"])
    with tarfile.open(archive_path, "r:gz") as archive:
        assert sorted(archive.getnames()) == [
            "media/images/2026/11/b.w320.webp",
            "media/posters/2026/a.jpg",
        ]
    bucket.delete_object(Bucket=BUCKET, Key="posters/2026/a.jpg")
    bucket.put_object(Bucket=BUCKET, Key="images/2026/11/b.w320.webp", Body=b"changed")
    with tarfile.open(archive_path, "r:gz") as archive:
        backups.unpack_media(archive, storages["default"])
    assert keys(bucket) == ["images/2026/11/b.w320.webp", "posters/2026/a.jpg"]
    body = bucket.get_object(Bucket=BUCKET, Key="images/2026/11/b.w320.webp")["Body"].read()
    assert body == b"webp bytes"


@pytest.mark.django_db
def test_healthz_answers_fast_without_a_session_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": True,
        "cache": True,
        "storage": True,
        "down": [],
    }
    assert not response.cookies
    assert "X-Page-Cache" not in response
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_503_when_the_cache_does_not_answer(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers there
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "database": True,
        "cache": False,
        "storage": True,
        "down": ["cache"],
    }


@pytest.mark.django_db
def test_the_wordpress_importer_copies_media_into_the_bucket(settings, bucket, tmp_path):
    from reviews.models import Documentary
    from tests.test_import import BLOG, run_import

    settings.MEDIA_ROOT = tmp_path / "media"
    use_bucket(settings)
    uploads = tmp_path / "export" / "wp-content" / "uploads" / "2018" / "04"
    uploads.mkdir(parents=True)
    (uploads / "ai-weiwei-poster.jpg").write_bytes(jpeg((640, 400)))
    (uploads / "coral.jpg").write_bytes(jpeg((640, 400)))
    out, _ = run_import(BLOG, "--media-dir", str(tmp_path / "export"))
    assert "Images: 2 copied" in out
    run_tasks()

    stored = keys(bucket)
    coral = Image.objects.get(file__contains="coral")
    assert coral.file.name in stored
    assert {r["name"] for r in coral.renditions} <= set(stored)
    poster = Documentary.objects.exclude(poster="").get()
    assert poster.poster.name in stored
    assert {f["name"] for f in poster.poster_renditions["files"]} <= set(stored)
    assert BUCKET_URL + coral.file.name in body_mentioning("coral")
    assert not settings.MEDIA_ROOT.exists()  # nothing went to this server's disk


def body_mentioning(word):
    from blog.models import Post

    return Post.objects.get(body__contains=word).body
