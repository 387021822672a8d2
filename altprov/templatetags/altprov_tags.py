"""Template filters shared by every app's pages."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()

WORDS = "l j F Y"  # "Tuesday 1 December 2026"


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def date_words(value: date | datetime | None) -> str:
    """A date written out, never "today": "Tuesday 1 December 2026".

    For text read later than it is written (emails, flag summaries, stored
    notes), where "today" would be wrong by the time someone reads it.
    """
    if value is None or value == "":
        return ""
    return format_date(_local_date(value), WORDS)


@register.filter
def day_words(value: date | datetime | None, preposition: str = "") -> str:
    """A date as people read it: "today", or "Tuesday 1 December 2026".

    With a preposition (`{{ d|day_words:"on" }}`) it goes before a written-out
    date only: "on Tuesday 1 December 2026", but "today", never "on today".

    GOV.UK style: dates in sentences and headings are written out, and
    numeric dates stay in tables and form fields. A datetime is read in
    local time (Europe/London), so 23:30 UTC in summer is the next day.
    """
    if value is None or value == "":
        return ""
    value = _local_date(value)
    if value == timezone.localdate():
        return "today"
    words = format_date(value, WORDS)
    return f"{preposition} {words}" if preposition else words
