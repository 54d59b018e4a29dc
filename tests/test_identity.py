"""The site's identity: a favicon at the address browsers ask for, icons named in every page's
head, and the logo mark in the header."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].split("?")[0].endswith(".ico")
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # the ICO signature


def test_every_page_names_its_icons_and_shows_the_logo_mark(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and 'type="image/svg+xml"' in html
    assert 'rel="apple-touch-icon"' in html
    assert 'class="logo-mark"' in html and 'aria-hidden="true"' in html
    for name in ("img/icon.svg", "img/apple-touch-icon.png"):
        assert finders.find(name), name


def test_the_search_button_is_styled(client):
    assert 'class="search-button"' in client.get("/").content.decode()


def _declared(block):
    return set(re.findall(r"(--[a-z-]+):", block))


def test_the_dark_theme_redefines_every_colour_of_the_light_one():
    with open(finders.find("css/site.css"), encoding="utf-8") as sheet:
        css = sheet.read()
    light = re.search(r":root \{(.*?)\}", css, re.S).group(1)
    dark = re.search(r"prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", css, re.S).group(1)
    colours = _declared(light)
    # Each theme gives literal colours: a variable naming another one (or itself) is a slip.
    for block in (light, dark):
        values = dict(re.findall(r"(--[a-z-]+):\s*([^;]+);", block))
        assert all(v.startswith(("#", "rgb(")) for v in values.values()), values
    assert colours and colours <= _declared(dark)
    # Charts take the page's colours, so they switch with it.
    assert "--chart-bar: var(--accent)" in css
