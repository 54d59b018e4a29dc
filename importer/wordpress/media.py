"""Attachments and images of a WordPress export: copied in, or kept at their address."""

import html
import re
import urllib.parse

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

from blog.models import Image
from blog.uploads import save_image
from infra.images import validate_image

from . import convert
from .records import old_path_of, plain_title


class MediaMixin:
    # Attachments and images --------------------------------------------------------------

    def _import_attachments(self):
        for attachment in self.export.attachments.values():
            record = self._record("attachment", attachment.id)
            url = self._image_url(attachment.attachment_url, alt=plain_title(attachment.title))
            data = {"url": url or "", "original": attachment.attachment_url}
            # Its attachment page (…/post-slug/image-name/) leads to the copied image.
            old_path = old_path_of(attachment.link) if url else None
            if record is None or record.data != data or record.old_path != (old_path or ""):
                self._save_record(
                    record, "attachment", attachment.id, None, old_path=old_path, data=data
                )

    def _media_file(self, upload):
        for candidate in (upload, convert.original_upload_path(upload)):
            for base in ("", "wp-content/uploads", "uploads"):
                path = (self.media_dir / base / candidate).resolve()
                if path.is_file() and path.is_relative_to(self.media_dir):
                    return candidate, path
        return None, None

    def _image_url(self, url, *, alt="", post=None):
        """Our address for a WordPress image; None (and listed) when it stays where it was."""
        upload = convert.upload_path(url) if url else None
        if upload is None:
            return None
        if upload in self._images:
            return self._images[upload]
        result = None
        if self.media_dir is None:
            self._keep(url)
        else:
            found, path = self._media_file(upload)
            if path is None:
                self.summary.warn(f"image not found in the media folder: {upload}")
                self._keep(url)
            else:
                result = self._copy_image(found, path, alt=alt, post=post, url=url)
        self._images[upload] = result
        return result

    def _keep(self, url):
        if url not in self.summary.kept_urls:
            self.summary.kept_urls.append(url)

    def _copy_image(self, upload, path, *, alt, post, url):
        record = self._record("file", upload)
        old_path = urllib.parse.urlsplit(url).path
        if record and record.data.get("url") and default_storage.exists(record.data["name"]):
            self.summary.counts["image reused"] += 1
            return record.data["url"]
        if self.dry_run:
            self.summary.counts["image copied"] += 1
            return None
        image_model = Image
        with path.open("rb") as handle:
            file = File(handle, name=path.name)
            try:
                validate_image(file)
            except ValidationError as exc:
                self.summary.warn(f"image {upload} refused: {' '.join(exc.messages)}")
                self._keep(url)
                return None
            if image_model is not None:
                file.name = f"wordpress-{path.name}"
                image = image_model(post=post, alt=alt[:300] or path.stem, file=file)
                save_image(image)  # stores the file; a task makes its renditions
                self.written_files.append(image.file.name)
                self.written_files.extend(r.get("name") for r in image.renditions or ())
                our_url = getattr(image, "display_url", image.file.url)
                name, obj = image.file.name, image
            else:
                name = default_storage.save(f"wordpress/{upload}", file)
                self.written_files.append(name)
                our_url, obj = default_storage.url(name), None
        self.summary.counts["image copied"] += 1
        self._save_record(
            record,
            "file",
            upload,
            obj,
            old_path=old_path,
            data={"url": our_url, "name": name, "original": url},
        )
        return our_url

    def _featured_image(self, item):
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if not thumbnail.isdigit():
            return None, None
        attachment = self.export.attachments.get(int(thumbnail))
        if attachment is None:
            self.summary.warn(f"post {item.id}: featured image {thumbnail} is not in the export")
            return None, None
        return attachment, self._image_url(
            attachment.attachment_url, alt=plain_title(attachment.title)
        )

    def _gallery_images(self, item):
        def images(ids):
            if ids:
                chosen = [self.export.attachments.get(int(i)) for i in ids if i.isdigit()]
            else:
                chosen = [a for a in self.export.attachments.values() if a.parent == item.id]
            urls = []
            for attachment in chosen:
                if attachment is not None and attachment.attachment_url:
                    urls.append(attachment.attachment_url)
            return urls

        return images

    def _convert(self, item, content):
        conversion = convert.convert_content(content, gallery_images=self._gallery_images(item))
        mapping = {}
        for url in conversion.images:
            ours = self._image_url(url)
            if ours:
                mapping[url] = ours
        # Links around images point at the full-size file; follow them to our copy too.
        for url in re.findall(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)""", conversion.body):
            url = html.unescape(url)
            upload = convert.upload_path(url)
            if upload and upload in self._images and self._images[upload]:
                mapping[url] = self._images[upload]
        if mapping:
            conversion.body = convert.replace_image_urls(conversion.body, mapping)
        for name in conversion.unknown_shortcodes:
            self.summary.warn(
                f'{item.type} {item.id} "{plain_title(item.title)}": unknown '
                f"shortcode [{name}] kept as text"
            )
        return conversion
