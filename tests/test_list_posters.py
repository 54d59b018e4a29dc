"""Posters on list pages: each card shows its documentary's poster with its size set, the first
at once and the rest lazily; pages without a poster keep a plain card."""

import re

import pytest

from reviews.demo import load_demo
from tests.factories import make_post
from tests.task_helpers import run_tasks


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    return tmp_path


@pytest.fixture
def posters(db, media):
    """The demo with a poster drawn for every documentary, and their smaller copies made."""
    load_demo(posters=True)
    run_tasks()


def card_images(html):
    return re.findall(r'<a class="card-poster"[^>]*><picture[^>]*>.*?(<img [^>]*>)', html, re.S)


@pytest.mark.parametrize("url", ["/", "/2018/", "/2018/04/"])
def test_list_cards_show_posters_sized_and_lazy_after_the_first(client, posters, url):
    html = client.get(url).content.decode()
    images = card_images(html)
    assert len(images) >= 2, url
    for img in images:
        assert re.search(r'width="\d+" height="\d+"', img), img
        assert 'alt=""' in img
    assert 'loading="eager"' in images[0]
    assert all('loading="lazy"' in img for img in images[1:])


def test_letter_and_search_pages_show_thumbnails(client, posters):
    assert 'class="letter-poster"' in client.get("/challenge/letter/A/").content.decode()
    assert 'class="result-poster"' in client.get("/search/?q=Weiwei").content.decode()


@pytest.mark.django_db
def test_a_post_without_a_documentary_keeps_a_plain_card(client):
    make_post(title="Notes from the festival")
    html = client.get("/").content.decode()
    assert "Notes from the festival" in html and 'class="card-poster"' not in html
