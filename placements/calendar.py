"""School calendar questions: is this a school day, which term and half term?

Dates are calendar dates in Europe/London; a day is a school day when it is a
weekday inside a term, outside its half-term break and not a school closure.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from .models import SchoolClosure, Term


@dataclass
class SchoolCalendar:
    """A school's terms and closures for a date range, loaded in two queries."""

    school_id: int
    start: date
    end: date
    terms: list[Term] = field(default_factory=list)
    closures: dict[date, SchoolClosure] = field(default_factory=dict)

    @classmethod
    def load(cls, school, start: date, end: date) -> "SchoolCalendar":
        school_id = getattr(school, "pk", school)
        terms = list(Term.objects.filter(school_id=school_id).overlapping(start, end).order_by("start_date"))
        closures = {
            c.date: c for c in SchoolClosure.objects.filter(school_id=school_id, date__range=(start, end))
        }
        return cls(school_id=school_id, start=start, end=end, terms=terms, closures=closures)

    def term_for(self, day: date) -> Term | None:
        return next((t for t in self.terms if t.start_date <= day <= t.end_date), None)

    def is_school_day(self, day: date) -> bool:
        if day.weekday() > 4 or day in self.closures:
            return False
        term = self.term_for(day)
        return term is not None and term.half_for(day) is not None

    def school_days(self) -> list[date]:
        days, day = [], self.start
        while day <= self.end:
            if self.is_school_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def is_school_day(school, day: date) -> bool:
    return SchoolCalendar.load(school, day, day).is_school_day(day)


def term_and_half(school, day: date) -> tuple[Term | None, int | None]:
    """The term containing `day` and 1 or 2 for its half (None in the break)."""
    term = SchoolCalendar.load(school, day, day).term_for(day)
    return term, (term.half_for(day) if term else None)
