"""The A to Z challenge's calendar: one letter a day through April, days off skipped.

Pure date arithmetic, so the admin can warn (not block) when a post's letter does not fit its
day: people post late, early or on a Sunday, and the challenge rule is a habit, not a law.
Each Challenge stores its schedule (a first day and days off, or the 26 days themselves); the
functions here derive the calendar from it.
"""

import datetime
import re
import string

LETTERS = string.ascii_uppercase
SUNDAY = 6
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DEFAULT_DAYS_OFF = (SUNDAY,)
SCHEDULE_HELP = {
    "starts_on": "The day of “A”. Empty: April 1 of the year (the next day if that is a day off).",
    "days_off": "Weekdays without a letter, e.g. “Sun” or “Sat, Sun”. When April is too short "
    "for 26 letters, its last days off count.",
    "letter_dates": "Or the 26 days themselves, A first, as YYYY-MM-DD (one per line or "
    "separated by commas). When given, they replace the rule above.",
}


def challenge_days(year, starts_on=None, days_off=DEFAULT_DAYS_OFF):
    """The 26 days of a challenge, A first: from `starts_on` (April 1), skipping days off.

    When the rest of April has too few other days for 26 letters (April 1 on a Sunday), the
    last days off of April count, latest first, so the challenge still ends in April; only a
    challenge that starts too late for that runs on into May.
    """
    start = starts_on or datetime.date(year, 4, 1)
    end = datetime.date(start.year, 4, 30) if start.month == 4 else start
    span = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    days = [day for day in span if day.weekday() not in days_off]
    if len(days) < len(LETTERS):
        spare = [day for day in span if day.weekday() in days_off]
        days = sorted(days + spare[::-1][: len(LETTERS) - len(days)])
    day = end + datetime.timedelta(days=1)
    while len(days) < len(LETTERS):
        if day.weekday() not in days_off or len(days_off) == 7:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days[: len(LETTERS)]


def parse_days_off(text):
    """Weekday numbers (Monday 0) from "Sun" or "Sat, Sunday"; ValueError names a bad one."""
    numbers = []
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        key = word[:3].capitalize()
        if key not in WEEKDAY_NAMES:
            raise ValueError(
                f"“{word}” is not a weekday (write Mon, Tue, Wed, Thu, Fri, Sat, Sun)."
            )
        numbers.append(WEEKDAY_NAMES.index(key))
    return tuple(sorted(set(numbers)))


def format_days_off(numbers):
    return ", ".join(WEEKDAY_NAMES[number] for number in numbers)


def parse_letter_dates(text):
    """The 26 days of an explicit schedule, A first; ValueError says what is wrong."""
    words = [word for word in re.split(r"[\s,;]+", text.strip()) if word]
    if not words:
        return []
    days = []
    for word in words:
        try:
            days.append(datetime.date.fromisoformat(word))
        except ValueError:
            raise ValueError(f"“{word}” is not a date (write YYYY-MM-DD).") from None
    if len(days) != len(LETTERS):
        raise ValueError(f"Give 26 days, one for each letter A to Z ({len(days)} given).")
    if any(later <= earlier for earlier, later in zip(days, days[1:], strict=False)):
        raise ValueError("The days must be in order, A first, each after the one before.")
    return days


def schedule_errors(days_off, letter_dates):
    """{field: message} for a stored schedule that cannot be read (empty when it can)."""
    errors = {}
    for field, text, parse in (
        ("days_off", days_off, parse_days_off),
        ("letter_dates", letter_dates, parse_letter_dates),
    ):
        try:
            parse(text)
        except ValueError as exc:
            errors[field] = str(exc)
    return errors


def schedule_days(year, starts_on, days_off, letter_dates):
    """A challenge's 26 days from its stored schedule: the explicit dates when given, else
    the rule. A schedule that cannot be read falls back to the rule, so pages never fail."""
    try:
        return parse_letter_dates(letter_dates) or challenge_days(
            year, starts_on, parse_days_off(days_off)
        )
    except ValueError:
        return challenge_days(year)


def letter_day(year, letter, days=None):
    """The day a letter is due: from `days` (a challenge's calendar) or the default rule."""
    return (days or challenge_days(year))[LETTERS.index(letter.upper())]


def expected_letter(date, days=None):
    """The letter a date is given, or None (a day off, or outside the challenge)."""
    try:
        return LETTERS[(days or challenge_days(date.year)).index(date)]
    except ValueError:
        return None


def letter_warning(letter, challenge_year, date, days=None):
    """A sentence for the editor when a letter does not fit its day; None when it fits.

    `date` is the post's day in the site's time zone; None (not dated yet) never warns.
    """
    if not letter or date is None:
        return None
    letter = letter.upper()
    due = letter_day(challenge_year, letter, days)
    if date == due:
        return None
    expected = expected_letter(date, days) if date.year == challenge_year else None
    fits = f"the calendar gives “{expected}” to that day" if expected else "that day has no letter"
    return (
        f"“{letter}” of the {challenge_year} challenge is due on {due:%A, %B} {due.day}, "
        f"but this post is dated {date:%A, %B} {date.day}, {date.year} ({fits}). "
        "It was saved anyway."
    )
