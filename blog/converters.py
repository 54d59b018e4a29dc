from django.urls import register_converter


class UnicodeSlugConverter:
    """Slugs as `SlugField(allow_unicode=True)` stores them."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")


class TwoDigitConverter:
    """Month and day as WordPress writes them in post addresses: 04, not 4."""

    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class YearConverter:
    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


register_converter(TwoDigitConverter, "dd")
register_converter(YearConverter, "yyyy")


class LetterConverter:
    """One challenge letter in an address: /challenge/letter/a/ (either case is accepted)."""

    regex = r"[A-Za-z]"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value.lower()


register_converter(LetterConverter, "letter")
