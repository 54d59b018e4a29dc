"""Ways into the archive: the A to Z challenges, letters, tags, categories and dates.

Every list here starts from `Post.objects.published()`; scheduled posts show up only as
"coming soon" on a challenge grid, without their title.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import (
    DayArchiveView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)

from .challenge import LETTERS
from .charts import challenge_chart
from .models import Category, Challenge, Post, Tag
from .views import with_reviews


def published_count(relation):
    return Count(relation, filter=Q(**{f"{relation}__in": Post.objects.published()}))


class ArchiveIndexView(TemplateView):
    """One page that points at every part of the archive."""

    template_name = "blog/archive_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        months = (
            Post.objects.published()
            .values("published_on__year", "published_on__month")
            .annotate(count=Count("pk"))
            .order_by("-published_on__year", "-published_on__month")
        )
        years = {}
        for row in months:
            year, month = row["published_on__year"], row["published_on__month"]
            years.setdefault(year, []).append(
                {"month": datetime.date(year, month, 1), "count": row["count"]}
            )
        context["years"] = [
            {"year": year, "months": rows, "count": sum(row["count"] for row in rows)}
            for year, rows in years.items()
        ]
        context["challenges"] = challenges_with_counts()
        context["letters"] = LETTERS
        context["posted_letters"] = posted_letters()
        context["categories"] = (
            Category.objects.annotate(count=published_count("posts"))
            .filter(count__gt=0)
            .order_by("name")
        )
        context["tags"] = (
            Tag.objects.annotate(count=published_count("posts"))
            .filter(count__gt=0)
            .order_by("name")
        )
        return context


def posted_letters():
    """The letters that have at least one published post, for the letter bar (one query)."""
    return set(
        Post.objects.published()
        .exclude(challenge_letter="")
        .values_list("challenge_letter", flat=True)
        .distinct()
    )


def challenges_with_counts():
    return Challenge.objects.annotate(count=published_count("posts")).order_by("-year", "name")


class ChallengeIndexView(ListView):
    """Every challenge, newest year first, with its theme."""

    template_name = "blog/archive_challenges.html"
    context_object_name = "challenges"

    def get_queryset(self):
        return challenges_with_counts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["letters"] = LETTERS
        context["posted_letters"] = posted_letters()
        return context


class ChallengeYearView(TemplateView):
    """A year's A to Z grid: 26 letters, each with its post, "coming soon" or nothing yet."""

    template_name = "blog/archive_challenge_year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        challenges = list(Challenge.objects.filter(year=year).order_by("name"))
        if not challenges:
            raise Http404("No challenge that year.")
        public_ids = set(
            Post.objects.published().filter(challenge__year=year).values_list("pk", flat=True)
        )
        # Drafts stay invisible; scheduled posts are read for their letter only, and only
        # public ones reach the template as posts, so a scheduled title cannot be shown.
        posts = (
            Post.objects.filter(challenge__year=year, status=Post.Status.PUBLISHED)
            .select_related("review__documentary")
            .order_by()
        )
        by_letter = {(post.challenge_id, post.challenge_letter): post for post in posts}
        grids = []
        today = timezone.localdate()
        for challenge in challenges:
            cells = []
            days = challenge.letter_days()
            for letter in LETTERS:
                post = by_letter.get((challenge.pk, letter))
                is_public = post is not None and post.pk in public_ids
                cells.append(
                    {
                        "letter": letter,
                        "day": days[LETTERS.index(letter)],
                        "post": post if is_public else None,
                        "coming_soon": post is not None and not is_public,
                        "is_past": days[LETTERS.index(letter)] < today,
                    }
                )
            posted = sum(1 for cell in cells if cell["post"])
            grid = {"challenge": challenge, "cells": cells, "posted": posted}
            grid["chart"] = challenge_chart(year, grid)
            grids.append(grid)
        context.update(year=year, grids=grids)
        years = Challenge.objects.values_list("year", flat=True).distinct().order_by("year")
        years = list(years)
        position = years.index(year)
        context["previous_year"] = years[position - 1] if position > 0 else None
        context["next_year"] = years[position + 1] if position + 1 < len(years) else None
        return context


class LetterView(ListView):
    """Every post written for one letter, across the years, oldest first."""

    template_name = "blog/archive_letter.html"
    context_object_name = "posts"

    def get_queryset(self):
        self.letter = self.kwargs["letter"].upper()
        return (
            with_reviews(Post.objects.published())
            .filter(challenge_letter=self.letter)
            .order_by("challenge__year", "published_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["letter"] = self.letter
        context["letters"] = LETTERS
        context["posted_letters"] = posted_letters()
        if not context["posts"]:
            context["letter_due"] = next_due(self.letter)
        return context


def next_due(letter):
    """(challenge, day) of the next time `letter` is due, today or later; None if none is."""
    today = timezone.localdate()
    for challenge in Challenge.objects.filter(year__gte=today.year).order_by("year", "name"):
        day = challenge.letter_days()[LETTERS.index(letter)]
        if day >= today:
            return {"challenge": challenge, "day": day}
    return None


class TermPostsView(ListView):
    """Published posts carrying one tag or category; a term with none of them is a 404."""

    model = None
    relation = ""
    template_name = "blog/archive_term.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE
    allow_empty = False

    def get_queryset(self):
        self.term = get_object_or_404(self.model, slug=self.kwargs["slug"])
        return with_reviews(Post.objects.published()).filter(**{self.relation: self.term})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["term"] = self.term
        context["term_kind"] = self.model._meta.verbose_name
        return context


class TagView(TermPostsView):
    model = Tag
    relation = "tags"


class CategoryView(TermPostsView):
    model = Category
    relation = "categories"


def subcategory_redirect(request, parent, slug):
    """WordPress nests a child category under its parent; here it has one address."""
    category = get_object_or_404(Category, slug=slug, parent__slug=parent)
    return redirect("blog:category", slug=category.slug, permanent=True)


class DatedArchiveMixin:
    """Date archives over the day in the post's address, in the site's time zone."""

    date_field = "published_on"
    month_format = "%m"
    day_format = "%d"
    allow_empty = False
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        # Plain here: the neighbouring periods are looked up through this queryset too.
        return Post.objects.published()

    def get_dated_queryset(self, **lookup):
        return with_reviews(super().get_dated_queryset(**lookup))

    def get_dated_items(self):
        try:
            return super().get_dated_items()
        except (ValueError, OverflowError) as exc:
            raise Http404("No such date.") from exc


class YearView(DatedArchiveMixin, YearArchiveView):
    template_name = "blog/archive_year.html"
    make_object_list = True


class MonthView(DatedArchiveMixin, MonthArchiveView):
    template_name = "blog/archive_month.html"


class DayView(DatedArchiveMixin, DayArchiveView):
    template_name = "blog/archive_day.html"
