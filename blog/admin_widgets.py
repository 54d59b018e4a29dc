"""Autocomplete widgets that survive a forged id in a posted form.

Django's autocomplete widget labels the chosen value with a query on the raw posted text, so
"1e308" or a 25-digit number in the documentary or tag field crashed the form's redisplay
instead of showing "Select a valid choice".
"""

from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)

MAX_ID = 2**63 - 1


def _is_id(value):
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class _TypedIdsOnly:
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if _is_id(v)], attr)


class SafeAutocompleteSelect(_TypedIdsOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_TypedIdsOnly, AutocompleteSelectMultiple):
    pass


SAFE = {
    AutocompleteSelect: SafeAutocompleteSelect,
    AutocompleteSelectMultiple: SafeAutocompleteSelectMultiple,
}


class SafeAutocompleteMixin:
    """For a ModelAdmin or inline whose autocomplete fields all use integer ids."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        inner = widget.widget if isinstance(widget, RelatedFieldWidgetWrapper) else widget
        if type(inner) in SAFE:
            inner.__class__ = SAFE[type(inner)]
        return formfield
