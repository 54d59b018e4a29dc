"""Checking uploaded images and making the resized copies pages serve.

`validate_image` refuses what is not a real image in an allowed format, or is too heavy in bytes
or pixels. The pixel count is read from the header before anything is decoded, so a
decompression bomb (a few hundred bytes declaring 100 megapixels) is refused, not just warned
about as Django's ImageField does. `make_renditions` writes WebP and fallback copies at several
widths next to the original and returns what a `<picture>` element needs.
"""

import html
import io
import posixpath
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_WIDTHS = (320, 640, 960, 1280)

# The fallback served to browsers without WebP: the original's format, except that a resized
# GIF (one frame, 256 colours) looks better and weighs less as PNG.
FALLBACK_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": None}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "progressive": True},  # progressive already optimises tables
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
}


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def max_bytes():
    return getattr(settings, "IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels():
    return getattr(settings, "IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def _megapixels(pixels):
    return f"{pixels / 1_000_000:.0f}" if pixels >= 10_000_000 else f"{pixels / 1_000_000:.1f}"


def _human_bytes(size):
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _file_size(file):
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def _readable(value):
    """The file object behind an upload, a model FieldFile or a plain file."""
    inner = getattr(value, "file", None)  # FieldFile -> its File, UploadedFile -> its stream
    return inner if inner is not None and hasattr(inner, "read") else value


def validate_image(uploaded_file):
    """Raise ValidationError unless the file is a safe image to store; return its ImageInfo.

    Usable as a model or form field validator: an already stored file (a FieldFile that is not
    a new upload) was checked when it arrived and is not read again.
    """
    if getattr(uploaded_file, "_committed", False):
        return None
    file = _readable(uploaded_file)
    limit = max_bytes()
    size = _file_size(file)
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s; images may be at most %(limit)s."),
            code="image_too_large",
            params={"size": _human_bytes(size), "limit": _human_bytes(limit)},
        )
    if hasattr(file, "seek"):
        file.seek(0)
    pixel_limit = max_pixels()
    try:
        # Opening reads only the header. Pillow warns about a huge image (or raises past twice
        # its own limit); the warning is silenced because our lower limit refuses it just below.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file)
        width, height = image.size
        if width * height > pixel_limit:
            raise _too_many_pixels(width, height, pixel_limit)
        image_format = image.format
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(
                _("%(format)s images are not accepted; upload a JPEG, PNG, WebP or GIF."),
                code="image_format",
                params={"format": image_format or _("This kind of")},
            )
        image.verify()
        # verify() leaves the image unusable; decode it for real now that its size is known
        # to be safe, so a truncated or corrupt file is caught here and not on the page.
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as decoded:
                decoded.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(0, 0, pixel_limit) from exc
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            _("This file is not an image, or it is damaged. Upload a JPEG, PNG, WebP or GIF."),
            code="not_an_image",
        ) from exc
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    return ImageInfo(format=image_format, width=width, height=height)


def _too_many_pixels(width, height, limit):
    if width and height:
        return ValidationError(
            _(
                "This image is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
                "images may have at most %(limit)s megapixels. Resize it and upload it again."
            ),
            code="image_too_many_pixels",
            params={
                "width": width,
                "height": height,
                "megapixels": _megapixels(width * height),
                "limit": _megapixels(limit),
            },
        )
    return ValidationError(
        _("This image has too many pixels (more than %(limit)s megapixels)."),
        code="image_too_many_pixels",
        params={"limit": _megapixels(limit)},
    )


@deconstructible
class ImageValidator:
    """`validators=[ImageValidator()]` on an ImageField; limits come from settings at run time."""

    def __call__(self, value):
        validate_image(value)

    def __eq__(self, other):
        return isinstance(other, ImageValidator)

    def __hash__(self):
        return hash(type(self))


def rendition_name(original_name, width, image_format):
    stem, _ext = posixpath.splitext(original_name)
    return f"{stem}.w{width}.{EXTENSIONS[image_format]}"


def make_renditions(field_file, widths=None):
    """Write resized copies of a stored image beside it; return one dict per copy.

    Each dict has width, height, url, format (a MIME type such as "image/webp") and name (the
    storage path). Images are never enlarged: widths above the original's are replaced by the
    original width. Copies carry no EXIF (no camera GPS leaks) and are turned upright first.
    """
    if widths is None:
        widths = getattr(settings, "IMAGE_RENDITION_WIDTHS", DEFAULT_WIDTHS)
    storage = field_file.storage
    widths = sorted({width for width in widths if width > 0})
    # validate_image() has held this file to our own pixel limit already.
    with storage.open(field_file.name, "rb") as source, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(source) as opened:
            original_format = opened.format
            opened.seek(0)
            if widths:
                # JPEG can decode at 1/2, 1/4 or 1/8 scale: far faster for big photos, and
                # still at least as large as the widest copy in both directions.
                opened.draft(None, (widths[-1], widths[-1]))
            image = ImageOps.exif_transpose(opened)
            image.load()
    original_width, original_height = image.size
    targets = sorted({min(width, original_width) for width in widths}, reverse=True)
    formats = ["WEBP"]
    fallback = FALLBACK_FORMAT.get(original_format)
    if fallback:
        formats.append(fallback)

    renditions = []
    previous = image
    for width in targets:
        height = max(1, round(original_height * width / original_width))
        # Each copy is made from the next larger one: same look, a fraction of the work.
        resized = (
            previous if previous.width == width else previous.resize((width, height), Image.LANCZOS)
        )
        previous = resized
        for image_format in formats:
            name = rendition_name(field_file.name, width, image_format)
            content = _encode(resized, image_format)
            if storage.exists(name):
                storage.delete(name)
            saved_name = storage.save(name, ContentFile(content))
            renditions.append(
                {
                    "width": width,
                    "height": height,
                    "url": storage.url(saved_name),
                    "format": Image.MIME[image_format],
                    "name": saved_name,
                }
            )
    renditions.sort(key=lambda r: (r["width"], r["format"] != "image/webp"))
    return renditions


def _encode(image, image_format):
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image_format == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, image_format, **SAVE_OPTIONS[image_format])
    return buffer.getvalue()


def delete_renditions(storage, renditions):
    """Remove the files a former make_renditions() call wrote (missing files are fine)."""
    for rendition in renditions or ():
        name = rendition.get("name")
        if name and storage.exists(name):
            storage.delete(name)


def picture_data(renditions):
    """What `includes/_picture.html` needs from make_renditions() output, or None if empty.

    WebP goes in a <source>; the <img> carries the fallback format (or WebP when the original
    was WebP) with its largest copy as src and its width and height, so the page keeps its
    layout while the image loads.
    """
    renditions = [r for r in renditions or () if r.get("url") and r.get("width")]
    if not renditions:
        return None
    webp = sorted((r for r in renditions if r["format"] == "image/webp"), key=_width)
    fallback = sorted((r for r in renditions if r["format"] != "image/webp"), key=_width) or webp
    largest = fallback[-1]
    sources = []
    if fallback is not webp and webp:
        sources.append({"type": "image/webp", "srcset": _srcset(webp)})
    return {
        "sources": sources,
        "src": largest["url"],
        "srcset": _srcset(fallback),
        "type": largest["format"],
        "width": largest["width"],
        "height": largest["height"],
    }


def _width(rendition):
    return rendition["width"]


def _srcset(renditions):
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions)


BODY_IMAGE_SIZES = "(max-width: 42rem) 100vw, 42rem"
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')


def responsive_body_images(body_html, images):
    """Give each <img> of a rendered body that shows one of `images` (blog.Image rows) the
    srcset, sizes, width and height that posters get, so phones load a small copy."""
    by_url = {}
    for image in images:
        picture = picture_data(image.renditions)
        if picture is None:
            continue
        urls = [image.file.url, *(r.get("url") for r in image.renditions)]
        for url in urls:
            by_url[url] = picture

    def upgrade(match):
        tag = match.group(0)
        src = _SRC.search(tag)
        picture = by_url.get(html.unescape(src.group(1))) if src else None
        if picture is None or " srcset=" in tag:
            return tag
        extra = (
            f' srcset="{html.escape(picture["srcset"])}" sizes="{BODY_IMAGE_SIZES}"'
            f' width="{picture["width"]}" height="{picture["height"]}"'
            ' loading="lazy" decoding="async"'
        )
        end = "/>" if tag.endswith("/>") else ">"
        return tag[: -len(end)].rstrip() + extra + end

    return _IMG_TAG.sub(upgrade, body_html) if by_url else body_html


def queue_copies(instance, task):
    """After `instance.save()` stored a new file (its `copies_due`: the file's name and the old
    copies to delete), queue `task` to make the copies. The task is a row written in the
    save's transaction: the worker sees it on commit."""
    if getattr(instance, "copies_due", None) is None:
        return
    name, stale = instance.copies_due
    instance.copies_due = None
    task.enqueue(instance.pk, name, stale)
