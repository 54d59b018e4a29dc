"""Letterboxd: `manage.py import_letterboxd export.zip` and `manage.py export_letterboxd`."""
