from decimal import Decimal

from django.urls import register_converter


class RatingConverter:
    """A rating in an address as people write it: /rated/4/, /rated/3.5/."""

    regex = r"[0-5](?:\.5)?"

    def to_python(self, value):
        return Decimal(value)

    def to_url(self, value):
        return format(Decimal(value).normalize(), "f")


register_converter(RatingConverter, "rating")
