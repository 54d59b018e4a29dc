"""Posters for the demo documentaries, drawn here with Pillow (no picture is fetched).

Each is a plain graphic: a colour field, a few shapes and the title, so that the demo's pages
show posters, their smaller copies and `srcset` as a real blog would.
"""

import hashlib
import io
import textwrap

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from .posters import save_documentary

SIZE = (600, 900)
PALETTES = [
    ("#1f3b4d", "#f2c14e", "#f7f3e9"),
    ("#5b1a18", "#e07a5f", "#fdf0d5"),
    ("#22333b", "#8fb996", "#f1faee"),
    ("#3d2c48", "#c9a227", "#f5ebe0"),
    ("#0b3954", "#bfd7ea", "#ffffff"),
    ("#463730", "#d4a373", "#fefae0"),
]


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def draw_poster(title, year, seed):
    """PNG bytes of a poster for `title`; the same title and seed always draw the same one."""
    digest = hashlib.sha256(seed.encode()).digest()
    background, accent, ink = PALETTES[digest[0] % len(PALETTES)]
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    for index in range(4):
        radius = 60 + digest[index + 1] % 140
        x = 80 + digest[index + 5] * (width - 160) // 255
        y = 120 + digest[index + 9] * (height // 2) // 255
        outline = accent if index % 2 else ink
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=outline, width=10)
    draw.rectangle((40, height - 330, width - 40, height - 40), fill=accent)
    title_font, small = _font(52), _font(30)
    lines = textwrap.wrap(title, width=18)[:4]
    y = height - 310
    for line in lines:
        draw.text((64, y), line, font=title_font, fill=background)
        y += 60
    draw.text((64, height - 90), str(year or ""), font=small, fill=background)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def ensure_poster(documentary):
    """Give a demo documentary a drawn poster (and its renditions) unless it has one."""
    if documentary.poster:
        return False
    data = draw_poster(documentary.title, documentary.year, documentary.slug)
    documentary.poster.save(f"{documentary.slug}.png", ContentFile(data), save=False)
    save_documentary(documentary)
    return True
