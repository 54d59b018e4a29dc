"""The automatic excerpt: plain text of the rendered body, one sentence per block, without
footnote markers or bare addresses; the same text on cards, in link previews and in feeds."""

import html as html_lib
import re

import pytest

from infra.markup import excerpt_text, render_markdown
from tests.factories import make_post

BODY = """## Why this film

It follows the artist for two years.[^1] More at https://example.com/film/page.

* Patient
* Angry

Its site (www.example.org/about) is gone.

[^1]: From 2009 to 2011.
"""
EXPECTED = (
    "Why this film. It follows the artist for two years. More at. Patient. Angry. Its site is gone."
)


def test_a_heading_does_not_run_into_the_paragraph_under_it():
    assert excerpt_text("<h2>The film</h2><p>A portrait</p>") == "The film. A portrait."


def test_footnote_markers_and_the_footnote_list_are_left_out():
    text = excerpt_text(render_markdown("Made in 2012.[^1]\n\n[^1]: A note at the end."))
    assert text == "Made in 2012."


def test_bare_addresses_are_left_out_and_link_text_stays():
    text = excerpt_text(
        render_markdown("See [the trailer](https://example.com/t) or https://example.com/x.")
    )
    assert text == "See the trailer or."
    assert "http" not in excerpt_text(render_markdown("<https://example.com/only>\n\nWords."))


def test_closing_punctuation_is_kept_and_bracketed_markers_dropped():
    text = excerpt_text("<p>It is “good.”</p><p>Shot in 16mm[2]!</p>")
    assert text == "It is “good.” Shot in 16mm!"


def test_entities_are_text_and_an_empty_body_is_empty():
    assert excerpt_text("<p>Ben &amp; Jerry&#8217;s</p>") == "Ben & Jerry’s."
    assert excerpt_text("") == ""
    assert excerpt_text(None) == ""


@pytest.mark.django_db
def test_summary_uses_the_clean_excerpt_unless_the_author_wrote_one():
    post = make_post(body=BODY)
    assert post.summary() == EXPECTED
    assert make_post(body=BODY, excerpt="Written by hand.").summary() == "Written by hand."


@pytest.mark.django_db
def test_cards_link_previews_and_feeds_show_the_clean_excerpt(client):
    post = make_post(title="Clean excerpt", body=BODY)
    home = client.get("/").content.decode()
    assert EXPECTED in html_lib.unescape(home)

    page = client.get(post.get_absolute_url()).content.decode()
    described = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    assert html_lib.unescape(described) == EXPECTED

    feed = html_lib.unescape(html_lib.unescape(client.get("/feed/").content.decode()))
    assert EXPECTED in feed and "https://example.com/film" not in feed


@pytest.mark.django_db
def test_search_results_show_the_clean_text_around_the_match(client):
    make_post(
        title="Reefs", body="Coral reefs fade.[^1] See https://example.com/reef now.\n\n[^1]: N."
    )
    html = client.get("/search/?q=fade").content.decode()
    excerpt = re.search(r'<p class="search-excerpt">(.*?)</p>', html, re.S).group(1)
    assert "<mark>fade</mark>" in excerpt
    assert "example.com" not in excerpt and "N." not in excerpt
