"""Search as a reader uses it, on SQLite (plain matching) and PostgreSQL (full text)."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from blog.models import Post
from blog.search import MAX_QUERY_LENGTH, clean_query, query_terms, search_posts
from tests.factories import make_documentary, make_post, make_review
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

SEED_URL = "/2018/04/02/movie-review-ai-weiwei-never-sorry-2012/"


def _search(client, query, **extra):
    response = client.get("/search/", {"q": query, **extra})
    assert response.status_code == 200, query
    return response.content.decode()


def _result_links(html):
    results = html.split('class="search-results"', 1)[-1]
    return re.findall(r'<h2><a href="([^"]+)">', results)


def test_finds_the_seed_review_by_its_directors_name(client, demo):
    html = _search(client, "Klayman")
    assert _result_links(html) == [SEED_URL]
    assert "1 result for “Klayman”" in html


def test_finds_by_title_documentary_and_body(client, demo):
    assert SEED_URL in _result_links(_search(client, "Never Sorry"))
    assert SEED_URL in _result_links(_search(client, "Sichuan earthquake"))
    links = _result_links(_search(client, "Serengeti"))
    assert len(links) == 1 and "serengeti" in links[0]


def test_every_word_must_match(client, demo):
    assert _result_links(_search(client, "Klayman earthquake")) == [SEED_URL]
    assert _result_links(_search(client, "Klayman coral")) == []


def test_title_matches_rank_first(client, demo):
    body_only = make_post("Something else", body="A long aside about coral and nothing more.")
    links = _result_links(_search(client, "coral"))
    assert links[0] == Post.objects.get(title__contains="Chasing Coral").get_absolute_url()
    assert body_only.get_absolute_url() in links


def test_excerpts_highlight_matches_and_stay_escaped(client, db):
    post = make_post(
        "Markup",
        body="Before <b>bold</b> and a <script>alert(1)</script> word earthquake here.",
    )
    html = _search(client, "earthquake")
    excerpt = html.split('class="search-excerpt">', 1)[1].split("</p>", 1)[0]
    assert "<mark>earthquake</mark>" in excerpt
    assert "<script" not in excerpt and "<b>" not in excerpt
    assert post.get_absolute_url() in html


def test_query_text_is_escaped_on_the_page(client, demo):
    html = _search(client, '<script>alert("x")</script> Klayman')
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '"unclosed quote Klayman',
        "'; DROP TABLE blog_post; --",
        "%",
        "%%_%",
        "_",
        "\\",
        "a & b | !c",
        "(((",
        ":*",
        "-",
        "Klay\x00man",
        "\x00",
        "\u202e\u200b",
        "Cândido Rondon",
        "北京",
        "🎬",
        "the",
        "x" * 5000,
        "Klayman " * 500,
    ],
)
def test_odd_queries_never_fail(client, demo, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")


def test_sql_wildcards_are_literal(client, demo):
    assert _result_links(_search(client, "%")) == []
    assert _result_links(_search(client, "_")) == []


def test_nul_bytes_are_dropped_not_fatal(client, demo):
    assert clean_query("Klay\x00man") == "Klay man"
    assert SEED_URL in _result_links(_search(client, "Klayman\x00"))


def test_very_long_queries_are_cut_and_said_so(client, demo):
    html = _search(client, "Klayman " + "x" * 1000)
    assert "only its first 200 characters were used" in html
    assert len(clean_query("y" * 1000)) == MAX_QUERY_LENGTH


def test_unicode_words_are_found(client, demo):
    links = _result_links(_search(client, "Cândido"))
    assert links == [Post.objects.get(title__contains="Into the Amazon").get_absolute_url()]


def test_query_terms_keep_words_and_drop_punctuation():
    assert query_terms('"Never  Sorry" -(x) %') == ["Never", "Sorry", "x"]
    assert query_terms("Ai Weiwei ai") == ["Ai", "Weiwei"]


def test_empty_query_shows_the_form_only(client, demo):
    html = _search(client, "")
    assert 'name="q"' in html and "result" not in html.split("</form>", 2)[-1]


def test_drafts_and_scheduled_posts_are_never_found(client, demo):
    make_post("Klayman secret draft", status=Post.Status.DRAFT, body="Klayman hidden")
    future = make_post(
        "Klayman secret scheduled",
        published_at=timezone.now() + datetime.timedelta(days=1),
        body="Klayman hidden",
    )
    make_review(post=future, documentary=make_documentary("Klayman Hidden Film"))
    html = _search(client, "Klayman")
    assert "secret" not in html and "Hidden" not in html
    assert _result_links(html) == [SEED_URL]
    assert not search_posts("hidden").exists()


def test_results_are_paged_and_keep_the_query(client, db, settings):
    for index in range(13):
        make_post(f"Paged film {index}", body="Shared searchable words.")
    html = _search(client, "searchable")
    assert "13 results" in html
    assert len(_result_links(html)) == 10
    assert "q=searchable&amp;page=2" in html
    second = _search(client, "searchable", page=2)
    assert len(_result_links(second)) == 3
    assert client.get("/search/", {"q": "searchable", "page": 9}).status_code == 404


def test_search_runs_the_same_queries_for_1_and_many_results(client, db):
    def add(index):
        post = make_post(f"Counted film {index}", body="Countable text.")
        make_review(post=post, documentary=make_documentary(directors=[f"D {index}", "Same"]))
        post.tags.create(name=f"t{index}", slug=f"t{index}")

    add(0)
    one = count_queries(client, "/search/?q=countable")
    for index in range(1, 15):
        add(index)
    assert one == count_queries(client, "/search/?q=countable")


def test_backend_in_use_is_the_one_the_database_allows(client, demo):
    response = client.get("/search/", {"q": "Klayman"})
    assert response.context["full_text"] is (connection.vendor == "postgresql")


def test_renaming_a_director_changes_what_finds_the_review(client, db):
    post = make_post("A film about rivers", body="Water and stones.")
    documentary = make_documentary("Flowing", directors=["Ada Quillfeather"])
    make_review(post=post, documentary=documentary)
    assert _result_links(_search(client, "Quillfeather")) == [post.get_absolute_url()]

    person = documentary.directors.get()
    person.name = "Ada Brightwater"
    person.save()
    assert _result_links(_search(client, "Quillfeather")) == []
    assert _result_links(_search(client, "Brightwater")) == [post.get_absolute_url()]

    documentary.directors.remove(person)
    assert _result_links(_search(client, "Brightwater")) == []
    person.directed.add(documentary)
    assert _result_links(_search(client, "Brightwater")) == [post.get_absolute_url()]
    person.delete()
    assert _result_links(_search(client, "Brightwater")) == []


def test_changing_a_reviews_documentary_changes_what_finds_it(client, db):
    post = make_post("Notes from a festival", body="Two films, one afternoon.")
    review = make_review(post=post, documentary=make_documentary("Glacierwatch"))
    assert _result_links(_search(client, "Glacierwatch")) == [post.get_absolute_url()]

    review.documentary = make_documentary("Saltmarsh Chronicle", directors=["Ines Tideway"])
    review.save()
    assert _result_links(_search(client, "Glacierwatch")) == []
    assert _result_links(_search(client, "Saltmarsh Tideway")) == [post.get_absolute_url()]

    review.documentary.title = "Saltmarsh Diaries"
    review.documentary.save()
    assert _result_links(_search(client, "Diaries")) == [post.get_absolute_url()]

    # A copy of the post loaded before the change does not bring the old text back.
    stale = Post.objects.get(pk=post.pk)
    review.delete()
    assert _result_links(_search(client, "Tideway")) == []
    stale.save()
    assert _result_links(_search(client, "Tideway")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text index is PostgreSQL's")
def test_postgresql_search_uses_its_gin_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'blog_post' AND indexname = %s",
            ["post_search_gin"],
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition
    from blog.search import _document_vector, _search_query

    post = make_post("Indexed river film", body="A river.")
    assert list(search_posts("river")) == [post]
    # The match search makes, on a table too small for the planner to prefer the index.
    matches = (
        Post.objects.order_by()
        .annotate(document=_document_vector())
        .filter(document=_search_query("river"))
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    assert "post_search_gin" in matches.explain()
