"""Reading a Letterboxd export: the ZIP, its unpacked folder, or one CSV in the import format.

Settings → Data → Export gives a ZIP with reviews.csv, diary.csv, ratings.csv and watched.csv
(UTF-8, a header row, Letterboxd's column names). Everything is read and checked before the
import writes anything, so a malformed file stops the run with one message saying where.
The single-CSV form (Title, Year, Directors, Rating, WatchedDate, Review, Tags) is what
Letterboxd's own importer reads and what `export_letterboxd` writes.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from reviews.models import RATING_STEPS

EXPORT_FILES = {
    # file: (columns it must have, the kind of entry each row is)
    "reviews.csv": ({"Date", "Name", "Year", "Review"}, "review"),
    "diary.csv": ({"Date", "Name", "Year"}, "diary"),
    "ratings.csv": ({"Date", "Name", "Year", "Rating"}, "rating"),
    "watched.csv": ({"Date", "Name", "Year"}, "watched"),
}
IMPORT_FORMAT_COLUMNS = {"Title"}
# Folders of the export that hold other things (lists, likes, removed entries).
OTHER_FOLDERS = {"deleted", "orphaned", "lists", "likes"}
MAX_FILE_BYTES = 50 * 1024 * 1024


class LetterboxdFileError(Exception):
    """The export cannot be read; the message says which file, line and column."""


@dataclass
class Entry:
    kind: str  # review, diary, rating or watched
    where: str  # "reviews.csv line 4", for messages
    name: str
    year: int | None
    uri: str = ""
    logged_on: datetime.date | None = None
    watched_on: datetime.date | None = None
    rating: Decimal | None = None
    rewatch: bool = False
    review: str = ""
    tags: list = field(default_factory=list)
    directors: list = field(default_factory=list)

    @property
    def film(self):
        return (self.name.casefold(), self.year)

    @property
    def label(self):
        return f"{self.name} ({self.year})" if self.year else self.name


def read_export(source, *, name=None):
    """All entries of an export, in file order; `source` is a path or an open binary file."""
    label = name or Path(getattr(source, "name", None) or str(source)).name
    files = _csv_files(source, label)
    entries = []
    for file_name, raw in files.items():
        entries.extend(_read_csv(file_name, raw))
    return entries


def _csv_files(source, label):
    """{file name: bytes} of the CSV files to read."""
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            return _from_folder(path)
        if not path.exists():
            raise LetterboxdFileError(f"{path}: no such file or folder")
        if path.suffix.lower() == ".csv":
            return {path.name: _limited(path.read_bytes(), path.name)}
        with path.open("rb") as handle:
            return _from_zip(handle, label)
    head = source.read(4)
    source.seek(0)
    if head.startswith(b"PK"):
        return _from_zip(source, label)
    return {label: _limited(source.read(), label)}


def _limited(raw, name, size=None):
    if (size or len(raw)) > MAX_FILE_BYTES:
        raise LetterboxdFileError(f"{name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    return raw


def _from_folder(folder):
    found = {}
    for file_name in EXPORT_FILES:
        path = folder / file_name
        if path.is_file():
            found[file_name] = _limited(path.read_bytes(), file_name)
    if not found:
        raise LetterboxdFileError(f"{folder.name}/ {_NONE_FOUND}")
    return found


_NONE_FOUND = (
    "holds no reviews.csv, diary.csv, ratings.csv or watched.csv: is it a Letterboxd export?"
)


def _from_zip(handle, label):
    try:
        archive = zipfile.ZipFile(handle)
        members = {}
        for info in archive.infolist():
            parts = info.filename.strip("/").split("/")
            if parts[-1] not in EXPORT_FILES or len(parts) > 2 or parts[0] in OTHER_FOLDERS:
                continue
            # The root copy wins over one in a single enclosing folder.
            if parts[-1] not in members or len(parts) == 1:
                members[parts[-1]] = info
        if not members:
            raise LetterboxdFileError(f"{label} {_NONE_FOUND}")
        found = {}
        for file_name, info in members.items():
            if info.file_size > MAX_FILE_BYTES:
                _limited(b"", file_name, size=info.file_size)
            found[file_name] = _limited(archive.read(info), file_name)
        return found
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise LetterboxdFileError(f"{label} is not a readable ZIP file ({exc})") from exc


def _read_csv(file_name, raw):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LetterboxdFileError(
            f"{file_name} is not UTF-8 text (byte {exc.start + 1}); Letterboxd writes UTF-8, "
            "so it was probably saved again in another encoding"
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return []
        header = [column.strip() for column in header]
        kind = _kind_of(file_name, header)
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"{file_name} line {reader.line_num}"
            if len(row) > len(header):
                raise LetterboxdFileError(
                    f"{where}: {len(row)} fields for {len(header)} columns "
                    "(a comma in an unquoted text?)"
                )
            values = dict(zip(header, row, strict=False))
            rows.append(_entry(kind, where, values))
        return rows
    except csv.Error as exc:
        raise LetterboxdFileError(f"{file_name} line {reader.line_num}: {exc}") from exc


def _kind_of(file_name, header):
    columns = set(header)
    if columns >= IMPORT_FORMAT_COLUMNS and "Name" not in columns:
        return "import"  # what export_letterboxd writes, whatever the file is called
    if file_name in EXPORT_FILES:
        wanted, kind = EXPORT_FILES[file_name]
    else:
        raise LetterboxdFileError(
            f"{file_name}: not a file of a Letterboxd export (reviews.csv, diary.csv, "
            "ratings.csv, watched.csv) nor a CSV with a Title column"
        )
    missing = sorted(wanted - columns)
    if missing:
        raise LetterboxdFileError(
            f"{file_name}: missing column{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"“{c}”" for c in missing)
            + f" (its columns: {', '.join(header)})"
        )
    return kind


def _entry(kind, where, values):
    def value(*names):
        for column in names:
            if values.get(column):
                return values[column].strip()
        return ""

    name = value("Name", "Title")
    if not name:
        raise LetterboxdFileError(f"{where}: the film has no name")
    review = (values.get("Review") or "").strip()
    if kind == "import":
        kind = "review" if review else "rating"
    return Entry(
        kind=kind,
        where=where,
        name=name[:300],
        year=_year(where, value("Year")),
        uri=value("Letterboxd URI", "LetterboxdURI")[:400],
        logged_on=_date(where, "Date", value("Date")),
        watched_on=_date(where, "Watched Date", value("Watched Date", "WatchedDate")),
        rating=_rating(where, value("Rating")),
        rewatch=value("Rewatch").lower() in ("yes", "true", "1"),
        review=review,
        tags=_split(value("Tags")),
        directors=_split(value("Directors")),
    )


def _split(text):
    return [part.strip() for part in text.split(",") if part.strip()]


def _year(where, text):
    if not text:
        return None
    if not text.isdigit() or not 1870 <= int(text) <= 2200:
        raise LetterboxdFileError(f"{where}: “Year” is not a year ({text})")
    return int(text)


def _date(where, column, text):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise LetterboxdFileError(
            f"{where}: “{column}” is not a date in the form 2024-03-31 ({text})"
        ) from None


def _rating(where, text):
    if not text:
        return None
    try:
        rating = Decimal(text)
    except InvalidOperation:
        rating = None
    if rating is None or not rating.is_finite() or rating not in RATING_STEPS:
        raise LetterboxdFileError(f"{where}: “Rating” must be from 0.5 to 5 in half stars ({text})")
    return rating
