"""Followers in and out as CSV: WordPress.com's subscriber export, or any CSV with an email
column and an optional date column. An import is all or nothing: one bad line, nothing in."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import Follower
from .services import normalize_email

EMAIL_HEADERS = ("email", "email_address", "email address", "e-mail", "subscriber", "mail")
DATE_HEADERS = (
    "date",
    "since",
    "subscribed",
    "date_subscribed",
    "subscribed_at",
    "subscription_date",
    "date subscribed",
    "created",
    "created_at",
    "followed_at",
)
DATE_FORMATS = ("%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%b %d, %Y", "%B %d, %Y")
EXPORT_COLUMNS = ("email", "state", "frequency", "source", "followed_at", "confirmed_at")


@dataclass
class ImportPlan:
    new: list = field(default_factory=list)  # (email, date)
    confirmed: list = field(default_factory=list)  # pending ones the import confirms
    already: int = 0
    kept_out: list = field(default_factory=list)  # unsubscribed or bouncing: never re-added
    errors: list = field(default_factory=list)


def _column(headers, wanted):
    lowered = {h.strip().lower(): h for h in headers if h}
    for name in wanted:
        if name in lowered:
            return lowered[name]
    return None


def parse_when(text):
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        for fmt in DATE_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError(text)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def read_csv(data):
    """Check a whole file; an ImportPlan whose `errors` name each bad line."""
    plan = ImportPlan()
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        plan.errors.append("The file is not UTF-8 text: export it again as CSV (UTF-8).")
        return plan
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        plan.errors.append(f"The file is not readable CSV: {exc}.")
        return plan
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        plan.errors.append("The file is empty.")
        return plan
    headers = rows[0]
    email_column = _column(headers, EMAIL_HEADERS)
    if email_column is None:
        plan.errors.append(
            "Line 1: no email column. The first line must name the columns, one of them "
            "“email” (or “email_address”)."
        )
        return plan
    email_index = headers.index(email_column)
    date_column = _column(headers, DATE_HEADERS)
    date_index = headers.index(date_column) if date_column else None
    seen = set()
    wanted = {}
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if line_number == 1 or not any(cell.strip() for cell in row):
            continue
        raw = row[email_index].strip() if email_index < len(row) else ""
        email = normalize_email(raw)
        try:
            validate_email(email)
        except ValidationError:
            plan.errors.append(f"Line {line_number}: “{raw}” is not an email address.")
            continue
        when = None
        if date_index is not None and date_index < len(row):
            try:
                when = parse_when(row[date_index])
            except ValueError:
                plan.errors.append(
                    f"Line {line_number}: “{row[date_index]}” is not a date (use 2024-04-01)."
                )
                continue
        if email in seen:
            continue
        seen.add(email)
        wanted[email] = when
    existing = {f.email: f for f in Follower.objects.filter(email__in=list(wanted))}
    for email, when in wanted.items():
        follower = existing.get(email)
        if follower is None:
            plan.new.append((email, when))
        elif follower.state == Follower.State.PENDING:
            plan.confirmed.append((email, when))
        elif follower.state == Follower.State.CONFIRMED:
            plan.already += 1
        else:
            plan.kept_out.append(email)
    return plan


def apply(plan, now=None):
    """Import a checked plan: new followers are confirmed and keep their original date."""
    if plan.errors:
        raise ValueError("A plan with errors is never imported.")
    now = now or timezone.now()
    with transaction.atomic():
        Follower.objects.bulk_create(
            [
                Follower(
                    email=email,
                    state=Follower.State.CONFIRMED,
                    source=Follower.Source.IMPORT,
                    followed_at=when or now,
                    confirmed_at=when or now,
                )
                for email, when in plan.new
            ],
            batch_size=1000,
        )
        for email, when in plan.confirmed:
            Follower.objects.filter(email=email, state=Follower.State.PENDING).update(
                state=Follower.State.CONFIRMED, confirmed_at=when or now
            )
    return len(plan.new) + len(plan.confirmed)


def write_csv(followers, out):
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for f in followers.iterator(chunk_size=2000):
        writer.writerow(
            [
                f.email,
                f.state,
                f.frequency,
                f.source,
                f.followed_at.isoformat(),
                f.confirmed_at.isoformat() if f.confirmed_at else "",
            ]
        )
