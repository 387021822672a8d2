"""CSV exports of attendance for the school's MIS (docs/attendance-export.md).

Session marks are streamed: a year of a large school is hundreds of
thousands of rows, read from the database in chunks and written as they go.
"""

import csv
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from placements.models import Learner

from .figures import figures_for, term_so_far, this_term
from .models import AttendanceMark, MarkAmendment

MARKS_HEADER = ["UPN", "surname", "forename", "date", "session", "code", "source", "provider"]
SUMMARY_HEADER = [
    "UPN",
    "surname",
    "forename",
    "possible",
    "attended",
    "authorised",
    "unauthorised",
    "attendance %",
    "band",
]
CHUNK = 2000
# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); a leading apostrophe makes it text. Spreadsheets
# also read the full-width forms ("＝", "＋", "－", "＠") as these, so the
# check is on the NFKC form of the value.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportRangeError(ValueError):
    """Dates an export cannot use; the message is shown to the user as it is."""


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)


def _parse(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ExportRangeError(
            f"The {name} date {value!r} is not a date: use YYYY-MM-DD, for example 2026-09-07."
        ) from None


def export_range(params, *, school_id: int, today: date) -> tuple[date, date]:
    """The start and end asked for (GET start, end); by default this term so far. At most a year."""
    start_text, end_text = params.get("start", ""), params.get("end", "")
    if start_text.strip() or end_text.strip():
        if not (start_text.strip() and end_text.strip()):
            raise ExportRangeError(
                "Give both a start and an end date (YYYY-MM-DD), or neither for this term so far."
            )
        start, end = _parse(start_text, "start"), _parse(end_text, "end")
    else:
        term = this_term(school_id, today)
        if term is None:
            raise ExportRangeError(
                "There are no term dates up to today: give a start and an end date (YYYY-MM-DD)."
            )
        period = term_so_far(term, today)
        start, end = period.start, period.end
    if end < start:
        raise ExportRangeError("The end date is before the start date.")
    if end >= one_year_after(start):
        raise ExportRangeError("Export at most one year at a time.")
    return start, end


def safe_cell(value):
    if isinstance(value, str) and unicodedata.normalize("NFKC", value).startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes to this and gets each line back, to stream it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def marks_rows(*, school_id: int, start: date, end: date) -> Iterator[list]:
    """The header, then one row per session mark of the school between start and end.

    The source is that of the mark's current value: a provider's mark that staff
    amended after a phone call reads "phone", not "provider_link".
    """
    yield MARKS_HEADER
    latest = MarkAmendment.objects.filter(mark=OuterRef("pk")).order_by("-at", "-pk").values("source")[:1]
    marks = (
        AttendanceMark.objects.filter(school_id=school_id, date__range=(start, end))
        .annotate(current_source=Coalesce(Subquery(latest), F("source")))
        .order_by(
            "placement__learner__legal_last_name",
            "placement__learner__legal_first_name",
            "placement__learner__upn",
            "date",
            "session",
        )
        .values_list(
            "placement__learner__upn",
            "placement__learner__legal_last_name",
            "placement__learner__legal_first_name",
            "date",
            "session",
            "code",
            "current_source",
            "placement__provider__name",
        )
    )
    for upn, surname, forename, day, session, code, source, provider in marks.iterator(chunk_size=CHUNK):
        yield [upn, surname, forename, day.isoformat(), session, code, source, provider]


def summary_rows(*, school, start: date, end: date) -> Iterator[list]:
    """The header, then per learner with marks between start and end: their figures and band."""
    yield SUMMARY_HEADER
    figures = figures_for(Learner.objects.filter(school=school), start, end)
    learners = Learner.objects.filter(pk__in=list(figures)).only("upn", "legal_last_name", "legal_first_name")
    for learner in learners.order_by("legal_last_name", "legal_first_name", "upn"):
        f = figures[learner.pk]
        percent = f.rounded_percent
        found = f.band(school.attendance_target)
        yield [
            learner.upn,
            learner.legal_last_name,
            learner.legal_first_name,
            f.possible,
            f.attended,
            f.authorised,
            f.unauthorised,
            "" if percent is None else str(percent),
            found.label if found else "No possible sessions",
        ]


def filename(kind: str, start: date, end: date) -> str:
    return f"altprov-{kind}-{start.isoformat()}-{end.isoformat()}.csv"
