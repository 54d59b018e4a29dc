import datetime

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView

from infra import pages

from .models import Page, Post
from .navigation import (
    adjacent_posts,
    challenge_neighbours,
    challenge_progress,
    with_public_comment_counts,
)
from .previews import post_pk_from_token

# Related rows the post templates show; named, so blog/ needs no import of reviews/.
REVIEW_RELATIONS = ["review__documentary", "review__watched_service"]
REVIEW_PREFETCHES = [
    "review__documentary__directors",
    "review__documentary__production_companies",
    "review__also_available_on",
]


def with_reviews(queryset):
    return (
        queryset.for_listing()
        .select_related(*REVIEW_RELATIONS)
        .prefetch_related(*REVIEW_PREFETCHES)
    )


class PostParts:
    """What a post page's cached parts show, loaded in one go when one of them is built: the
    post with its review, documentary, people and terms, its other letter posts, its
    neighbours. A page whose parts are all cached reads none of it."""

    def __init__(self, post):
        self._post = post

    @cached_property
    def post(self):
        return with_reviews(Post.objects.filter(pk=self._post.pk)).get()

    @cached_property
    def other_letter_posts(self):
        others = self.post.other_letter_posts()
        return list(others.select_related("challenge", *REVIEW_RELATIONS))

    @cached_property
    def by_letter(self):
        return challenge_neighbours(self.post)

    @cached_property
    def by_date(self):
        return adjacent_posts(self.post)

    previous_letter = property(lambda self: self.by_letter[0])
    next_letter = property(lambda self: self.by_letter[1])
    older_post = property(lambda self: self.by_date[0])
    newer_post = property(lambda self: self.by_date[1])


class PublishedPostMixin:
    def get_queryset(self):
        return with_reviews(Post.objects.published())


class PostListView(PublishedPostMixin, ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        return with_public_comment_counts(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            context["challenge_progress"] = challenge_progress()
        return context


class PostDetailView(DetailView):
    """A post at its dated address. Staff also see drafts and scheduled posts there."""

    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get_queryset(self):
        # The review and its documentary are read by the page's kept parts, only when they
        # are built (`PostParts` and the {% cache %} tags of post_detail.html).
        posts = Post.objects.all() if self.request.user.is_staff else Post.objects.published()
        return posts.select_related("author", "challenge")

    def get_object(self, queryset=None):
        try:
            day = datetime.date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except (ValueError, OverflowError) as exc:
            raise Http404("No such date.") from exc
        return get_object_or_404(self.get_queryset(), published_on=day, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_public
        context["posts_version"] = pages.version(pages.POSTS)
        context["keep_seconds"] = pages.KEEP_SECONDS
        context["parts"] = PostParts(self.object)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class DraftPreviewView(PostDetailView):
    """Staff preview of a post that has no address yet (a draft without a date)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404("No such post.")
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class SharedPreviewView(PostDetailView):
    """A draft or scheduled post shown to whoever holds a signed link a staff member shared."""

    def get(self, request, *args, **kwargs):
        pk = post_pk_from_token(kwargs["token"])
        if pk is None:
            raise Http404("This preview link is not valid or has expired.")
        self.object = get_object_or_404(Post.objects.select_related("author", "challenge"), pk=pk)
        if self.object.is_public:
            return redirect(self.object)
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)


class PageDetailView(DetailView):
    """A standalone page; drafts answer 404 to everyone."""

    template_name = "blog/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()
