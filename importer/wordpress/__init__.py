"""Moving a WordPress blog in: `manage.py import_wordpress EXPORT.xml`."""

from .importer import WordPressImporter, WordPressImportError

__all__ = ["WordPressImporter", "WordPressImportError"]
