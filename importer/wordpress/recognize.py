"""Finding the review inside a WordPress post's text.

Reviewers wrote their facts as lines of text ("Title: …", "Director: …", "Rating: ****") and two
labelled sections. `find_review` reads them from the raw post content, line by line, and returns
what it understood plus the content without those lines. A line it cannot understand stays in
the text and is listed, so nothing is lost silently.
"""

import datetime
import html
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

_TAG_RE = re.compile(r"<[^>]+>")

LABELS = {
    "title": r"title",
    "release": r"release date|released|release",
    "director": r"directors?|directed by",
    "company": r"production compan(?:y|ies)|produced by",
    "source": r"source|where i watched it",
    "rating": r"(?:my )?rating",
    "lessons": r"what can one learn from watching this documentary\s*\??",
    "also_like": r"if you like this,? you might also (?:want to|like)\s*(?:…|\.\.\.)?",
}
SECTIONS = {"lessons", "also_like"}
_OPEN = r"(?:<(?:strong|b|em|i|span)[^>]*>\s*)*"
_CLOSE = r"(?:</(?:strong|b|em|i|span)>\s*)*"
LABEL_RE = re.compile(
    rf"^\s*{_OPEN}(?P<label>"
    + "|".join(f"(?P<{key}>{pattern})" for key, pattern in LABELS.items())
    + rf")\s*{_CLOSE}[:：]\s*{_CLOSE}(?P<rest>.*)$",
    re.IGNORECASE,
)

CHALLENGE_TAG_RE = re.compile(r"#atozchallenge\b", re.IGNORECASE)
CHALLENGE_LETTER_RE = re.compile(
    r"my entry for\s*(?:the letter\s*)?[“\"'‘«]?\s*([A-Za-z])\s*[”\"'’»]?(?![A-Za-z])",
    re.IGNORECASE,
)
TITLE_REVIEW_RE = re.compile(
    r"^(?:movie|documentary|film)\s+review\s*:\s*(?P<title>.+?)\s*(?:\((?P<year>\d{4})\))?"
    r"(?:\s*#\w+)*\s*$",
    re.IGNORECASE,
)

# Services recognised in "Source:" text even before the site knows them.
KNOWN_SERVICES = [
    ("Netflix", r"netflix"),
    ("Hulu", r"hulu"),
    ("Amazon Prime Video", r"amazon(?: prime(?: video)?)?|prime video"),
    ("Kanopy", r"kanopy"),
    ("PBS", r"\bpbs\b"),
    ("HBO Max", r"hbo(?: max| go| now)?|\bmax\b"),
    ("Disney+", r"disney\s*(?:\+|plus)"),
    ("Apple TV+", r"apple tv\s*(?:\+|plus)?|itunes"),
    ("YouTube", r"youtube"),
    ("Tubi", r"\btubi\b"),
    ("Peacock", r"\bpeacock\b"),
    ("Paramount+", r"paramount\s*(?:\+|plus)"),
    ("The Criterion Channel", r"criterion channel"),
    ("MUBI", r"\bmubi\b"),
    ("Hoopla", r"\bhoopla\b"),
    ("Vudu", r"\bvudu\b"),
    ("Library DVD", r"library dvd|dvd from the library"),
]
WATCHED_VIA_RE = re.compile(
    r"(?:watched|saw|streamed|viewed|rented)\s+(?:this|it)(?:\s+(?:movie|film|documentary))?"
    r"\s+(?:on|via|through|at|from|using|with)\s+(?P<via>.+?)(?=,|;|\.(?:\s|$)|\s+and\s+it\b|$)",
    re.IGNORECASE,
)

DATE_FORMATS = ["%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%m/%d/%Y"]


def plain(fragment):
    return " ".join(html.unescape(_TAG_RE.sub(" ", fragment)).split())


@dataclass
class Found:
    title: str = ""
    release_date: datetime.date | None = None
    release_year: int | None = None
    directors: list = field(default_factory=list)
    companies: list = field(default_factory=list)
    source: str = ""
    watched_via: str = ""
    services: list = field(default_factory=list)  # names, the one watched on first
    rating: Decimal | None = None
    watched_on: datetime.date | None = None
    lessons: str = ""
    also_like: str = ""
    labels: list = field(default_factory=list)
    unrecognised: list = field(default_factory=list)
    content: str = ""  # the content without the recognised lines

    @property
    def is_review(self):
        return bool(self.title and self.rating is not None)


def parse_rating(text):
    """'****' -> 4, '***½' / '*** 1/2' -> 3.5, '4 out of 5' / '3.5/5' / '4 stars' -> number."""
    text = plain(text)
    stars = len(re.findall(r"[*★⭐]", text))
    half = bool(re.search(r"½|1/2|\bhalf\b", text, re.IGNORECASE))
    if stars:
        value = Decimal(stars) + (Decimal("0.5") if half else 0)
    else:
        number = re.search(r"(\d+(?:\.\d+)?)\s*(?:/\s*5|out of (?:5|five)|stars?)", text, re.I)
        if not number:
            return None
        value = Decimal(number[1]) + (Decimal("0.5") if half and "." not in number[1] else 0)
    value = (value * 2).to_integral_value() / 2
    if Decimal("0.5") <= value <= 5:
        return value
    return None


def parse_release(text):
    """A full date, a month and year, or a year: (date or None, year or None)."""
    text = plain(text)
    cleaned = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text).replace(",", " ")
    cleaned = " ".join(cleaned.split())
    for fmt in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        return day, day.year
    year = re.search(r"\b(1[89]\d{2}|2[01]\d{2})\b", cleaned)
    if year and len(cleaned) <= 20:
        return None, int(year[1])
    return None, None


def split_names(text, *, on_and=True):
    pattern = r"\s*(?:,|;|&|\band\b)\s*" if on_and else r"\s*[;,]\s*"
    return [name.strip(" .") for name in re.split(pattern, plain(text)) if name.strip(" .")]


def find_services(text, known_names=()):
    """Service names in the order the text mentions them (known ones from the site first)."""
    patterns = [(name, re.escape(name)) for name in known_names]
    patterns += [(name, pattern) for name, pattern in KNOWN_SERVICES]
    found = {}
    for name, pattern in patterns:
        match = re.search(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.IGNORECASE)
        if not match or name.lower() in {n.lower() for n in found}:
            continue
        # One mention may match a site name and a built-in name: keep the first.
        if not any(start <= match.start() < end for start, end in found.values()):
            found[name] = (match.start(), match.end())
    return [name for name, _span in sorted(found.items(), key=lambda item: item[1][0])]


def find_review(content, post_title="", known_services=()):
    found = Found()
    lines = (content or "").replace("\r\n", "\n").split("\n")
    keep = []
    i = 0
    while i < len(lines):
        line = lines[i]
        match = LABEL_RE.match(line)
        if not match:
            keep.append(line)
            i += 1
            continue
        key = next(k for k in LABELS if match.group(k))
        rest = match["rest"].strip()
        used = [line]
        if key in SECTIONS:
            parts = [rest] if rest else []
            j = i + 1
            while j < len(lines) and not lines[j].strip() and not parts:
                used.append(lines[j])
                j += 1
            while j < len(lines) and lines[j].strip() and not LABEL_RE.match(lines[j]):
                parts.append(lines[j].strip())
                used.append(lines[j])
                j += 1
            ok = _take(found, key, "\n".join(parts))
            next_i = j
        else:
            ok = _take(found, key, rest)
            next_i = i + 1
        if ok:
            found.labels.append(key)
        else:
            found.unrecognised.append(plain(line)[:200])
            keep.extend(used)
        i = next_i
    if not found.title and found.rating is not None:
        from_title = TITLE_REVIEW_RE.match(plain(post_title))
        if from_title:
            found.title = from_title["title"]
            if from_title["year"] and not found.release_year:
                found.release_year = int(from_title["year"])
    if found.source:
        found.services = find_services(found.source, known_services)
        via = WATCHED_VIA_RE.search(found.source)
        found.watched_via = (via["via"].strip() if via else found.source)[:200]
        if via:
            watched = find_services(found.watched_via, known_services)
            if watched and found.services and found.services[0] != watched[0]:
                found.services.remove(watched[0])
                found.services.insert(0, watched[0])
    found.content = "\n".join(keep) if found.is_review else content
    if not found.is_review and found.labels:
        missing = "a rating" if found.rating is None else "a title"
        found.unrecognised.insert(0, f"review lines without {missing}: kept as text")
    return found


def _take(found, key, value):
    text = plain(value)
    if not text:
        return False
    if key == "title":
        found.title = text[:300]
    elif key == "release":
        day, year = parse_release(value)
        if year is None:
            return False
        found.release_date, found.release_year = day, year
    elif key == "director":
        found.directors = split_names(value)
    elif key == "company":
        found.companies = split_names(value, on_and=False)
    elif key == "source":
        found.source = text
    elif key == "rating":
        found.rating = parse_rating(value)
        return found.rating is not None
    elif key == "lessons":
        found.lessons = value.strip()
    elif key == "also_like":
        found.also_like = value.strip()
    return True


def find_challenge_letter(title, content):
    """The A-to-Z letter of a "#atozchallenge" post that says "my entry for “A”", or None."""
    if not CHALLENGE_TAG_RE.search(title or ""):
        return None
    match = CHALLENGE_LETTER_RE.search(plain(content or ""))
    return match[1].upper() if match else None


def letter_from_meta(meta):
    """The A-to-Z letter this site's own export writes as `_atoz_letter` post meta, or None."""
    letter = (meta.get("_atoz_letter") or "").strip().upper()
    return letter if len(letter) == 1 and "A" <= letter <= "Z" else None


def _meta_list(value):
    try:
        names = json.loads(value)
    except ValueError:
        return split_names(value, on_and=False)
    return (
        [str(name).strip() for name in names if str(name).strip()]
        if isinstance(names, list)
        else []
    )


def _meta_date(value):
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def apply_review_meta(found, meta):
    """Take the facts from the `_review_*` post meta this site's export writes, when present.

    The meta holds them exactly (Markdown sections, names with commas), where the lines in the
    text were written for WordPress readers; the lines are still taken out of the text.
    """
    title = (meta.get("_review_title") or "").strip()
    try:
        rating = Decimal(meta.get("_review_rating", "").strip())
    except ArithmeticError:
        return found
    if not title or not (Decimal("0.5") <= rating <= 5):
        return found
    found.title, found.rating = title[:300], (rating * 2).to_integral_value() / 2
    year = meta.get("_review_release_year", "").strip()
    found.release_year = int(year) if year.isdigit() else found.release_year
    found.release_date = _meta_date(meta.get("_review_release_date", "")) or found.release_date
    for key, attribute in (("_review_directors", "directors"), ("_review_companies", "companies")):
        if key in meta:
            setattr(found, attribute, _meta_list(meta[key]))
    if "_review_watched_via" in meta:
        found.watched_via = meta["_review_watched_via"].strip()[:200]
    watched = meta.get("_review_watched_service", "").strip()
    also = _meta_list(meta.get("_review_also_available_on", "[]"))
    found.services = ([watched] if watched else []) + [s for s in also if s != watched]
    found.watched_on = _meta_date(meta.get("_review_watched_on", ""))
    found.lessons = meta.get("_review_lessons", found.lessons).strip()
    found.also_like = meta.get("_review_also_like", found.also_like).strip()
    return found
