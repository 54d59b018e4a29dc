"""The A to Z challenge's calendar: April, one letter a day, Sundays off.

Pure date arithmetic, so the admin can warn (not block) when a post's letter does not fit its
day: people post late, early or on a Sunday, and the challenge rule is a habit, not a law.
"""

import datetime
import string

LETTERS = string.ascii_uppercase
SUNDAY = 6


def challenge_days(year):
    """The 26 days of a year's challenge, A first: from April 1, skipping Sundays.

    When April has only 25 days that are not Sundays (April 1 is a Sunday), Z falls on May 1.
    """
    days = []
    day = datetime.date(year, 4, 1)
    while len(days) < len(LETTERS):
        if day.weekday() != SUNDAY:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def letter_day(year, letter):
    """The day the challenge rule gives a letter in a year."""
    return challenge_days(year)[LETTERS.index(letter.upper())]


def expected_letter(date):
    """The letter the rule gives a date, or None (a Sunday, or outside the challenge)."""
    try:
        return LETTERS[challenge_days(date.year).index(date)]
    except ValueError:
        return None


def letter_warning(letter, challenge_year, date):
    """A sentence for the editor when a letter does not fit its day; None when it fits.

    `date` is the post's day in the site's time zone; None (not dated yet) never warns.
    """
    if not letter or date is None:
        return None
    letter = letter.upper()
    due = letter_day(challenge_year, letter)
    if date == due:
        return None
    expected = expected_letter(date)
    fits = f"the rule gives “{expected}” to that day" if expected else "that day has no letter"
    return (
        f"“{letter}” of the {challenge_year} challenge is due on {due:%A, %B} {due.day}, "
        f"but this post is dated {date:%A, %B} {date.day}, {date.year} ({fits}). "
        "It was saved anyway."
    )
