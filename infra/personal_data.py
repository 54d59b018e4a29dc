"""A hook for the personal-data export and erase: each app that keeps data about an email
address registers what it keeps, and the owner's tool (comments.privacy) asks every one.

Apps register in their AppConfig.ready(), so the tool needs no import of them.
"""

_keepers = {}


def register(name, *, export, erase):
    """`export(email)` returns JSON-ready data; `erase(email)` removes it and returns a count."""
    _keepers[name] = (export, erase)


def export_all(email):
    return {name: export(email) for name, (export, _erase) in sorted(_keepers.items())}


def erase_all(email):
    return {name: erase(email) for name, (_export, erase) in sorted(_keepers.items())}
