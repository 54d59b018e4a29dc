"""Uploaded images: real images only, size and pixel limits, renditions that are never enlarged."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from blog.uploads import save_image
from infra.images import ImageValidator, make_renditions, validate_image


def image_bytes(size=(800, 600), image_format="JPEG", mode="RGB", color=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new(mode, size, color if mode != "1" else 0).save(buffer, image_format)
    return buffer.getvalue()


def upload(content, name="photo.jpg"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    return tmp_path


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_allowed_formats_pass_and_report_their_size(image_format):
    info = validate_image(upload(image_bytes((640, 480), image_format)))
    assert (info.format, info.width, info.height) == (image_format, 640, 480)


def test_a_decompression_bomb_is_refused_with_a_clear_message():
    # A 100-megapixel PNG of one colour compresses to a few kilobytes.
    bomb = image_bytes((10_000, 10_000), "PNG", mode="1")
    assert len(bomb) < 20_000
    with pytest.raises(ValidationError) as refused:
        validate_image(upload(bomb, "bomb.png"))
    message = refused.value.messages[0]
    assert "10000 × 10000 pixels" in message
    assert "100 megapixels" in message
    assert "at most 40 megapixels" in message


def test_a_bomb_past_pillows_own_hard_limit_is_refused_too():
    bomb = image_bytes((20_000, 20_000), "PNG", mode="1")
    with pytest.raises(ValidationError, match="too many pixels|megapixels"):
        validate_image(upload(bomb, "bomb.png"))


def test_the_pixel_limit_comes_from_settings(settings):
    settings.IMAGE_MAX_PIXELS = 100_000
    with pytest.raises(ValidationError, match="at most 0.1 megapixels"):
        validate_image(upload(image_bytes((400, 400))))
    validate_image(upload(image_bytes((300, 300))))


def test_a_file_too_large_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        validate_image(upload(b"\xff\xd8" + b"\0" * 3070))
    assert refused.value.messages == ["This file is 3 KB; images may be at most 1 KB."]
    settings.IMAGE_MAX_BYTES = 10 * 1024 * 1024
    with pytest.raises(ValidationError, match="This file is 10.5 MB; images may be at most 10 MB"):
        validate_image(upload(b"\0" * (10 * 1024 * 1024 + 512 * 1024)))


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 this is not a picture", "poster.jpg"),
        (b"", "empty.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "drawing.svg"),
    ],
)
def test_a_non_image_is_refused(content, name):
    with pytest.raises(ValidationError) as refused:
        validate_image(upload(content, name))
    assert refused.value.messages == [
        "This file is not an image, or it is damaged. Upload a JPEG, PNG, WebP or GIF."
    ]


def test_a_truncated_image_is_refused():
    content = image_bytes((800, 600), "PNG", color=None)
    with pytest.raises(ValidationError, match="not an image, or it is damaged"):
        validate_image(upload(content[: len(content) // 2], "cut.png"))


def test_formats_outside_the_list_are_refused():
    with pytest.raises(ValidationError, match="BMP images are not accepted"):
        validate_image(upload(image_bytes((50, 50), "BMP"), "old.bmp"))
    with pytest.raises(ValidationError, match="TIFF images are not accepted"):
        validate_image(upload(image_bytes((50, 50), "TIFF"), "scan.tif"))


def test_the_validator_leaves_the_file_ready_to_be_saved():
    uploaded = upload(image_bytes())
    ImageValidator()(uploaded)
    assert uploaded.tell() == 0
    assert ImageValidator() == ImageValidator()


def test_renditions_are_made_in_webp_and_the_original_format(media):
    name = default_storage.save(
        "posters/2018/never-sorry.jpg", ContentFile(image_bytes((1000, 1500)))
    )
    field_file = _field_file(name)
    renditions = make_renditions(field_file, widths=(320, 640, 960, 1280))

    # 1280 is wider than the original: it becomes the original width, never an enlargement.
    assert [(r["format"], r["width"], r["height"]) for r in renditions] == [
        ("image/webp", 320, 480),
        ("image/jpeg", 320, 480),
        ("image/webp", 640, 960),
        ("image/jpeg", 640, 960),
        ("image/webp", 960, 1440),
        ("image/jpeg", 960, 1440),
        ("image/webp", 1000, 1500),
        ("image/jpeg", 1000, 1500),
    ]
    for rendition in renditions:
        assert rendition["url"] == f"/media/{rendition['name']}"
        assert rendition["name"].startswith("posters/2018/never-sorry.w")
        with Image.open(media / rendition["name"]) as written:
            assert written.size == (rendition["width"], rendition["height"])
            assert written.format == rendition["format"].split("/")[1].upper()


def test_renditions_of_a_small_image_keep_its_size(media):
    name = default_storage.save("posters/tiny.png", ContentFile(image_bytes((200, 100), "PNG")))
    renditions = make_renditions(_field_file(name), widths=(320, 640))
    assert {(r["format"], r["width"], r["height"]) for r in renditions} == {
        ("image/webp", 200, 100),
        ("image/png", 200, 100),
    }


def test_a_gif_falls_back_to_png_and_a_webp_needs_no_fallback(media):
    gif = default_storage.save("a.gif", ContentFile(image_bytes((700, 700), "GIF")))
    webp = default_storage.save("b.webp", ContentFile(image_bytes((700, 700), "WEBP")))
    assert {r["format"] for r in make_renditions(_field_file(gif), widths=(320,))} == {
        "image/webp",
        "image/png",
    }
    assert {r["format"] for r in make_renditions(_field_file(webp), widths=(320,))} == {
        "image/webp"
    }


def test_making_renditions_twice_overwrites_instead_of_piling_up(media):
    name = default_storage.save("p.jpg", ContentFile(image_bytes((700, 700))))
    first = make_renditions(_field_file(name), widths=(320,))
    second = make_renditions(_field_file(name), widths=(320,))
    assert [r["name"] for r in first] == [r["name"] for r in second]
    assert sorted(p.name for p in media.iterdir()) == ["p.jpg", "p.w320.jpg", "p.w320.webp"]


def _field_file(name):
    from django.db.models.fields.files import ImageFieldFile

    from reviews.models import Documentary

    return ImageFieldFile(Documentary(), Documentary._meta.get_field("poster"), name)


# --- Renditions as a task --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_uploaded_image_gets_its_copies_from_the_task_worker(media):
    from blog.models import Image as StoredImage
    from tests.task_helpers import run_tasks

    image = StoredImage(alt="A still", file=upload(image_bytes((700, 500)), "still.jpg"))
    save_image(image)
    # The request that saved it did not wait for the copies: the original serves meanwhile.
    assert image.renditions == []
    assert image.display_url == f"/media/{image.file.name}"
    assert run_tasks() == 1
    image.refresh_from_db()
    assert {(r["format"], r["width"]) for r in image.renditions} == {
        ("image/webp", 320),
        ("image/jpeg", 320),
        ("image/webp", 640),
        ("image/jpeg", 640),
        ("image/webp", 700),
        ("image/jpeg", 700),
    }
    assert image.display_url == f"/media/{image.file.name.removesuffix('.jpg')}.w700.jpg"
    assert all((media / r["name"]).is_file() for r in image.renditions)

    # A new file: the old copies go, the new ones come, from the storage alone.
    old = [r["name"] for r in image.renditions]
    image.file = upload(image_bytes((400, 300), "PNG"), "other.png")
    save_image(image)
    assert run_tasks() == 1
    image.refresh_from_db()
    assert not any((media / name).exists() for name in old)
    assert {r["format"] for r in image.renditions} == {"image/webp", "image/png"}


@pytest.mark.django_db
def test_a_task_for_a_replaced_file_writes_nothing(media):
    from blog.models import Image as StoredImage
    from blog.tasks import make_image_renditions

    image = StoredImage(alt="A still", file=upload(image_bytes((500, 500)), "first.jpg"))
    save_image(image)
    first = image.file.name
    image.file = upload(image_bytes((500, 500)), "second.jpg")
    save_image(image)
    # The first upload's task comes late: the image no longer holds that file.
    assert make_image_renditions.call(image.pk, first) == "replaced or deleted"
    image.refresh_from_db()
    assert image.renditions == []
