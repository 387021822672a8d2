"""Template filters shared by every app's pages."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()


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
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if value == timezone.localdate():
        return "today"
    words = format_date(value, "l j F Y")
    return f"{preposition} {words}" if preposition else words
