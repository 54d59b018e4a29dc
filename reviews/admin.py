from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import capfirst

from blog.admin import PostAdmin
from blog.admin_widgets import SafeAutocompleteMixin
from infra.markup import render_markdown

from . import posters
from .models import RATING_STEPS, Company, Documentary, Person, Review, StreamingService


@admin.register(Person, Company, StreamingService)
class NamedAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Documentary)
class DocumentaryAdmin(admin.ModelAdmin):
    list_display = ["title", "poster_thumbnail", "release_year", "release_date"]
    search_fields = ["title", "directors__name"]
    autocomplete_fields = ["directors", "production_companies"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["poster_preview"]

    def save_model(self, request, obj, form, change):
        posters.save_documentary(obj)

    @admin.display(description="Poster")
    def poster_thumbnail(self, documentary):
        return self._poster_img(documentary, 48)

    @admin.display(description="Poster as readers see it")
    def poster_preview(self, documentary):
        return self._poster_img(documentary, 240) or "No poster yet."

    @staticmethod
    def _poster_img(documentary, width):
        picture = documentary.poster_picture if documentary.pk else None
        if not picture:
            return ""
        if not picture.get("width"):  # the copies are still being made
            return format_html(
                '<img src="{}" width="{}" alt="{}" loading="lazy">',
                picture["src"],
                width,
                f"Poster of {documentary.title}",
            )
        height = round(picture["height"] * width / picture["width"])
        sizes = f"{width}px"
        return format_html(
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="lazy">',
            picture["src"],
            picture["srcset"],
            sizes,
            width,
            height,
            f"Poster of {documentary.title}",
        )


def star_label(rating):
    """A rating as stars for the eye and as words for a screen reader."""
    full = int(rating)
    half = rating - full >= Decimal("0.5")
    stars = "★" * full + ("½" if half else "") + "☆" * (5 - full - int(half))
    return format_html(
        '<span class="stars" aria-hidden="true">{}</span> {}', stars, stars_words(rating)
    )


def stars_words(rating):
    """1 → "1 star", 1.5 → "1.5 stars"."""
    return "1 star" if rating == 1 else f"{rating:g} stars"


def as_rating(value):
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def coerce_rating(value):
    # TypedChoiceField expects ValueError for bad input; Decimal raises InvalidOperation.
    rating = as_rating(value)
    if rating is None:
        raise ValueError(value)
    return rating


class StarRadioSelect(forms.RadioSelect):
    """Radio buttons whose values read "4.0", so that 4 and 4.0 check the same star."""

    def format_value(self, value):
        rating = as_rating(value)
        return [f"{rating:.1f}"] if rating is not None else super().format_value(value)


class RatingField(forms.TypedChoiceField):
    def valid_value(self, value):
        return as_rating(value) in RATING_STEPS


class ReviewInline(SafeAutocompleteMixin, admin.StackedInline):
    model = Review
    can_delete = True
    extra = 1
    max_num = 1
    autocomplete_fields = [
        "documentary",
        "watched_service",
        "also_available_on",
        "also_like_documentaries",
    ]
    fields = [
        "documentary",
        "rating",
        "watched_on",
        "watched_via",
        "watched_service",
        "also_available_on",
        "lessons",
        "also_like",
        "also_like_documentaries",
    ]
    # The three "watched" fields read alike on the model; here each says what it is for.
    WATCHED_LABELS = {
        "watched_on": ("Date you watched it", "Optional. Shown as “Watched on …”."),
        "watched_via": (
            "How you watched it, in your words",
            "Shown as written, e.g. “Netflix streaming” or “a library DVD”.",
        ),
        "watched_service": (
            "Service you watched it on",
            "Links the review to that service’s “where to watch” page.",
        ),
        "also_available_on": (
            "Also available on",
            "Other services where readers can watch it.",
        ),
    }
    LIVE_PREVIEW_FIELDS = {"rating", "lessons", "also_like"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = self._formfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.WATCHED_LABELS:
            field.label, field.help_text = self.WATCHED_LABELS[db_field.name]
        if field is not None and db_field.name in self.LIVE_PREVIEW_FIELDS:
            field.widget.attrs["data-live-preview"] = db_field.name
        return field

    def _formfield(self, db_field, request, **kwargs):
        if db_field.name == "rating":
            return RatingField(
                label="Rating",
                choices=[(f"{step:.1f}", star_label(step)) for step in RATING_STEPS],
                coerce=coerce_rating,
                widget=StarRadioSelect(attrs={"class": "star-rating"}),
                help_text=db_field.help_text,
                error_messages={
                    "required": "Choose a rating: from half a star to 5 stars.",
                    "invalid_choice": "Select a valid choice: “%(value)s” is not a rating. "
                    "Choose from 0.5 to 5 stars, in half steps.",
                },
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["documentary", "rating", "post"]
    list_filter = ["rating"]
    search_fields = ["documentary__title", "post__title"]
    autocomplete_fields = [
        "post",
        "documentary",
        "watched_service",
        "also_available_on",
        "also_like_documentaries",
    ]
    list_select_related = ["documentary", "post"]


def review_preview_sections(data, prefix="review-0-"):
    """The review's parts of the post preview, from the post screen's form data."""
    sections = []
    rating = as_rating(data.get(f"{prefix}rating"))
    if rating in RATING_STEPS:
        sections.append({"heading": "Rating", "text": stars_words(rating) + " out of 5"})
    for name in ("lessons", "also_like"):
        text = data.get(f"{prefix}{name}", "").strip()
        if text:
            heading = capfirst(Review._meta.get_field(name).verbose_name)
            sections.append({"heading": heading, "html": render_markdown(text)})
    return sections


# The post screen carries the review: reviews/ extends the blog's admin, not the other way.
PostAdmin.inlines = [ReviewInline, *PostAdmin.inlines]
PostAdmin.preview_sections = [*PostAdmin.preview_sections, review_preview_sections]
PostAdmin.search_fields = [*PostAdmin.search_fields, "review__documentary__title"]
PostAdmin.list_filter = [*PostAdmin.list_filter, "review__rating"]
