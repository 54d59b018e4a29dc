"""Search over published posts: title, body, the documentary reviewed and its directors.

On PostgreSQL: full-text search (weighted vector, websearch query syntax, ranking and
ts_headline excerpts). Elsewhere (SQLite): every word must appear in one of those fields,
matched case-insensitively, with title matches first and excerpts cut in Python. Both return
posts annotated with `search_rank` and give excerpts through `excerpt_for()`.

The reviewed documentary's title and its directors' names are read from the post's own
`search_extra` copy (the reviews app keeps it current), so no query joins the reviews tables
and this module needs no import of the reviews app. On PostgreSQL each post's weighted vector
is stored in a column of its own, kept by a trigger and indexed with GIN (blog migration 0005).
"""

import html
import re

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe
from django.views.generic import ListView

from infra.markup import excerpt_text

from .models import Post
from .views import with_reviews

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"  # the stored vector's too (trigger in blog migration 0005)
MAX_TERMS = 10
EXCERPT_CHARS = 240
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)


def clean_query(raw):
    """What is left of a visitor's query: no control characters, bounded length."""
    text = _CONTROL.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def query_terms(query):
    """The words of a query, for plain matching and highlighting."""
    seen, terms = set(), []
    for word in _WORD.findall(query):
        key = word.casefold()
        if key not in seen:
            seen.add(key)
            terms.append(word)
    return terms[:MAX_TERMS]


def uses_full_text():
    return connection.vendor == "postgresql"


def search_posts(query):
    """Published posts matching `query`, best first; none for an empty query."""
    query = clean_query(query)
    posts = Post.objects.published()
    if not query_terms(query):
        return posts.none()
    if uses_full_text():
        return _full_text(posts, query)
    return _plain(posts, query_terms(query))


def _document_vector():
    """The post's stored, indexed vector (a PostgreSQL-only column: see blog migration 0005)."""
    from django.contrib.postgres.search import SearchVectorField

    # Weights: title A, documentary and directors (search_extra) B, body C.
    column = f'"{Post._meta.db_table}"."search_vector"'  # names only, nothing from visitors
    return RawSQL(column, [], output_field=SearchVectorField())  # noqa: S611


def _search_query(query):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def _full_text(posts, query):
    from django.contrib.postgres.search import SearchRank

    search_query = _search_query(query)
    return (
        posts.annotate(search_document=_document_vector())
        .filter(search_document=search_query)
        .annotate(search_rank=SearchRank(F("search_document"), search_query))
        .order_by("-search_rank", "-published_at", "-pk")
    )


def _ranked_ids_full_text(query):
    """Ids of matching posts, best first; the index finds the matches, only they are ranked."""
    return list(_full_text(Post.objects.published(), query).values_list("pk", flat=True))


def ranked_post_ids(query):
    """Ids of the published posts matching `query`, best first (both backends)."""
    query = clean_query(query)
    terms = query_terms(query)
    if not terms:
        return []
    if uses_full_text():
        return _ranked_ids_full_text(query)
    return list(_plain(Post.objects.published(), terms).values_list("pk", flat=True))


def posts_for_page(ids, query):
    """The posts of one page of results, in the order given, ready for the template."""
    # The excerpt comes from the rendered body on every backend (excerpt_for): PostgreSQL's
    # ts_headline reads the Markdown source, bare addresses and footnotes included.
    posts = with_reviews(Post.objects.published().filter(pk__in=ids))
    by_pk = {post.pk: post for post in posts} if ids else {}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _plain(posts, terms):
    fields = ["title", "body", "search_extra"]
    for term in terms:
        matches = Q()
        for field in fields:
            matches |= Q(**{f"{field}__icontains": term})
        posts = posts.filter(matches)
    title_hits = [When(title__icontains=term, then=Value(1)) for term in terms]
    return posts.annotate(
        search_rank=Case(*title_hits, default=Value(0), output_field=IntegerField())
    ).order_by("-search_rank", "-published_at", "-pk")


def excerpt_for(post, terms):
    """A short, escaped piece of the post around the first match, with matches in <mark>."""
    return _highlight(_window(excerpt_text(post.body_html), terms), terms)


def _window(text, terms):
    lowered = text.casefold()
    positions = [lowered.find(term.casefold()) for term in terms]
    positions = [found for found in positions if found >= 0]
    start = max(min(positions) - EXCERPT_CHARS // 3, 0) if positions else 0
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + EXCERPT_CHARS
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    piece = text[start:end]
    return f"{'… ' if start else ''}{piece}{' …' if end < len(text) else ''}"


def _highlight(text, terms):
    if not terms:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))


class SearchView(ListView):
    template_name = "blog/search.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        # Pages are cut from the ranked ids; only one page of posts is then loaded.
        self.raw_query = self.request.GET.get("q", "")
        self.query = clean_query(self.raw_query)
        self.terms = query_terms(self.query)
        return ranked_post_ids(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        posts = posts_for_page(list(context["object_list"]), self.query)
        for post in posts:
            post.excerpt_html = excerpt_for(post, self.terms)
        context.update(
            posts=posts,
            object_list=posts,
            query=self.query,
            truncated=len(" ".join(self.raw_query.split())) > MAX_QUERY_LENGTH,
            searched=bool(self.terms),
            full_text=uses_full_text(),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, follow"
        return response
