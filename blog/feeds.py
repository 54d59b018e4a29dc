"""RSS 2.0 and Atom feeds: every post, and per tag, category and challenge year.

Items carry the review's facts and rating in their description, rendered by a template that
escapes everything; the post body itself is not sent, only its summary.
"""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .models import Category, Challenge, Post, Tag
from .views import with_reviews

FEED_ITEMS = 20


class PostsFeed(Feed):
    feed_type = Rss201rev2Feed
    description_template = "blog/feed_item_description.html"

    def __call__(self, request, *args, **kwargs):
        # One feed object serves every request: answer from a copy that knows this request,
        # so that links use its host rather than the Sites framework's record.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def absolute(self, path):
        return self.request.build_absolute_uri(path)

    def feed_url(self, obj=None):
        return self.absolute(self.request.path)

    def item_link(self, post):
        return self.absolute(post.get_absolute_url())

    def title(self, obj=None):
        return settings.BLOG_TITLE

    def description(self, obj=None):
        return settings.BLOG_TAGLINE

    def subtitle(self, obj=None):  # Atom's name for the description
        return self.description(obj)

    def link(self, obj=None):
        return self.absolute(reverse("blog:home"))

    def posts(self, obj):
        return Post.objects.published()

    def items(self, obj=None):
        return with_reviews(self.posts(obj)).order_by("-published_at", "-pk")[:FEED_ITEMS]

    def item_title(self, post):
        return post.title

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return post.author.get_full_name() or post.author.get_username()

    def item_categories(self, post):
        return [category.name for category in post.categories.all()] + [
            tag.name for tag in post.tags.all()
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["post"] = kwargs["item"]
        return context


class AtomPostsFeed(PostsFeed):
    feed_type = Atom1Feed


class TermFeed(PostsFeed):
    """Posts of one tag or category; a term without published posts has no feed."""

    model = None
    relation = ""
    route = ""

    def get_object(self, request, slug):
        term = get_object_or_404(self.model, slug=slug)
        if not Post.objects.published().filter(**{self.relation: term}).exists():
            raise Http404("Nothing published here.")
        return term

    def title(self, obj=None):
        return f"{settings.BLOG_TITLE}: {obj.name}"

    def link(self, obj=None):
        return self.absolute(reverse(self.route, kwargs={"slug": obj.slug}))

    def posts(self, obj):
        return Post.objects.published().filter(**{self.relation: obj})


class TagFeed(TermFeed):
    model = Tag
    relation = "tags"
    route = "blog:tag"


class AtomTagFeed(TagFeed):
    feed_type = Atom1Feed


class CategoryFeed(TermFeed):
    model = Category
    relation = "categories"
    route = "blog:category"


class AtomCategoryFeed(CategoryFeed):
    feed_type = Atom1Feed


class ChallengeFeed(PostsFeed):
    """The posts of a year's challenge, newest first."""

    def get_object(self, request, year):
        challenges = list(Challenge.objects.filter(year=year))
        if not challenges:
            raise Http404("No challenge that year.")
        return {"year": year, "challenges": challenges}

    def title(self, obj=None):
        names = ", ".join(
            f"{challenge.name}{f' ({challenge.theme})' if challenge.theme else ''}"
            for challenge in obj["challenges"]
        )
        return f"{settings.BLOG_TITLE}: {names} {obj['year']}"

    def link(self, obj=None):
        return self.absolute(reverse("blog:challenge_year", kwargs={"year": obj["year"]}))

    def posts(self, obj):
        return Post.objects.published().filter(challenge__year=obj["year"])


class AtomChallengeFeed(ChallengeFeed):
    feed_type = Atom1Feed
