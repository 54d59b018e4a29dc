"""Documentary pages and the ways into them: director, company, where to watch, rating.

Every page sees reviews through Review.objects.published() (which goes through
Post.objects.published()), so drafts and scheduled posts never show, nor the films they name.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from . import charts
from .models import RATING_STEPS, Company, Documentary, Person, Review, StreamingService

LIST_PAGE_SIZE = 30


class DocumentaryListView(ListView):
    template_name = "reviews/documentary_list.html"
    context_object_name = "documentaries"
    paginate_by = 50

    def get_queryset(self):
        return (
            Documentary.objects.filter(reviews__in=Review.objects.published())
            .distinct()
            .with_people()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rating_chart"] = charts.rating_spread(
            Review.objects.published(), "all", "the documentaries reviewed here"
        )
        return context


class DocumentaryDetailView(DetailView):
    template_name = "reviews/documentary_detail.html"
    context_object_name = "documentary"

    def get_queryset(self):
        # Only films a published review names: a draft must not reveal what comes next.
        return Documentary.objects.public().with_people()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = list(
            self.object.reviews.published()
            .select_related("post", "post__author", "watched_service")
            .prefetch_related("also_available_on")
            .order_by("-post__published_at")
        )
        services = {}
        for review in reviews:
            for service in [review.watched_service, *review.also_available_on.all()]:
                if service is not None:
                    services.setdefault(service.pk, service)
        context["reviews"] = reviews
        context["latest_review"] = reviews[0] if reviews else None
        context["services"] = sorted(services.values(), key=lambda service: service.name)
        return context


class SubjectReviewsView(ListView):
    """A paged list about one subject (a director, a service, a rating): subject first."""

    paginate_by = LIST_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.subject = self.get_subject()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.subject
        return context


class MakerDetailView(SubjectReviewsView):
    """A director's or a company's documentaries, each with its published reviews."""

    template_name = "reviews/maker_detail.html"
    context_object_name = "documentaries"
    model = None
    relation = ""  # the Documentary field that points to the maker
    role = ""

    def get_subject(self):
        public = Documentary.objects.public()
        return get_object_or_404(
            self.model.objects.filter(**{f"{self.related_name}__in": public}).distinct(),
            slug=self.kwargs["slug"],
        )

    def get_queryset(self):
        return (
            Documentary.objects.public()
            .filter(**{self.relation: self.subject})
            .with_people()
            .with_published_reviews()
            .order_by("release_year", "title")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["role"] = self.role
        if self.role == "director":
            context["rating_chart"] = charts.rating_spread(
                Review.objects.published().filter(documentary__directors=self.subject),
                f"director-{self.subject.pk}",
                f"documentaries by {self.subject.name}",
            )
        return context


class DirectorDetailView(MakerDetailView):
    model = Person
    relation = "directors"
    related_name = "directed"
    role = "director"


class CompanyDetailView(MakerDetailView):
    model = Company
    relation = "production_companies"
    related_name = "produced"
    role = "company"


class ServiceDetailView(SubjectReviewsView):
    """Where to watch: documentaries reviewed that were watched on or are available on it."""

    template_name = "reviews/service_detail.html"
    context_object_name = "reviews"

    def get_subject(self):
        published = Review.objects.published()
        services = StreamingService.objects.filter(
            Q(watched_reviews__in=published) | Q(available_reviews__in=published)
        ).distinct()
        return get_object_or_404(services, slug=self.kwargs["slug"])

    def get_queryset(self):
        reviews = Review.objects.published().filter(
            Q(watched_service=self.subject) | Q(also_available_on=self.subject)
        )
        # The page of ids first: the OR over a many-to-many join would repeat rows.
        return (
            Review.objects.filter(pk__in=reviews.values("pk"))
            .for_listing()
            .select_related("watched_service")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = Review.objects.published().filter(
            Q(watched_service=self.subject) | Q(also_available_on=self.subject)
        )
        context["rating_chart"] = charts.rating_spread(
            Review.objects.filter(pk__in=reviews.values("pk")),
            f"service-{self.subject.pk}",
            f"documentaries on {self.subject.name}",
        )
        return context


class RatingDetailView(SubjectReviewsView):
    template_name = "reviews/rating_detail.html"
    context_object_name = "reviews"

    def get_subject(self):
        rating = self.kwargs["rating"]
        if rating not in RATING_STEPS:
            raise Http404("Ratings go from 0.5 to 5 in half steps.")
        return Review(rating=rating)  # unsaved: carries the stars and the wording

    def get_queryset(self):
        return Review.objects.published().filter(rating=self.subject.rating).for_listing()


class SubqueryCount(Subquery):
    """COUNT over a correlated subquery: one query for the whole index, no GROUP BY joins."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


class NamedIndexView(ListView):
    """Everyone (or every company, or service) with a published review, and how many."""

    template_name = "reviews/named_index.html"
    context_object_name = "entries"
    paginate_by = 100
    model = None
    heading = ""
    intro = ""

    def reviews_of(self, outer):
        raise NotImplementedError

    def get_queryset(self):
        reviews = Review.objects.published().filter(self.reviews_of(OuterRef("pk")))
        return (
            self.model.objects.annotate(
                review_count=SubqueryCount(reviews.order_by().values("pk").distinct())
            )
            .filter(review_count__gt=0)
            .order_by("name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        context["intro"] = self.intro
        return context


class DirectorListView(NamedIndexView):
    model = Person

    def reviews_of(self, outer):
        return Q(documentary__directors=outer)

    heading = "Directors"
    intro = "Directors of the documentaries reviewed here."


class CompanyListView(NamedIndexView):
    model = Company

    def reviews_of(self, outer):
        return Q(documentary__production_companies=outer)

    heading = "Production companies"
    intro = "Companies behind the documentaries reviewed here."


class ServiceListView(NamedIndexView):
    model = StreamingService

    def reviews_of(self, outer):
        return Q(watched_service=outer) | Q(also_available_on=outer)

    heading = "Where to watch"
    intro = "Where the documentaries reviewed here were watched or can be streamed."


class RatingListView(ListView):
    template_name = "reviews/rating_list.html"
    context_object_name = "ratings"

    def get_queryset(self):
        counts = dict(
            Review.objects.published()
            .values_list("rating")
            .annotate(count=Count("pk"))
            .order_by()
            .values_list("rating", "count")
        )
        return [
            {"review": Review(rating=step), "count": counts.get(step, 0)}
            for step in reversed(RATING_STEPS)
        ]


class StatisticsView(TemplateView):
    """Reviews per year, the average rating over the years and how ratings spread."""

    template_name = "reviews/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Review.objects.published()
        rows = charts.reviews_by_year(published)
        context["charts"] = [
            chart
            for chart in (
                charts.reviews_per_year_chart(rows),
                charts.average_rating_chart(rows),
                charts.rating_spread(published, "all", "the documentaries reviewed here"),
            )
            if chart is not None
        ]
        return context
