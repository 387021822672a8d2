"""Attendance codes: the School Attendance (Pupil Registration) (England)
Regulations 2024 and "Working together to improve school attendance" (2024).

One table. `counts` says how a session is counted in attendance figures:
attended (present), authorised or unauthorised absence (possible session
missed), or not counted (not a possible session).
"""

from dataclasses import dataclass
from enum import StrEnum


class Counts(StrEnum):
    ATTENDED = "attended"
    AUTHORISED = "authorised"
    UNAUTHORISED = "unauthorised"
    NOT_COUNTED = "not_counted"


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str
    counts: Counts
    # Offered to a provider reporting an absence (the rest are staff decisions).
    provider_reason: bool = False


CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # Attending: at AP the school arranged (B), AP arranged by the local
        # authority (K). Dual registration (D) is not counted by this school.
        Code("B", "Attending other approved education off site (school-arranged AP)", Counts.ATTENDED),
        Code("K", "Attending education provision arranged by the local authority", Counts.ATTENDED),
        Code("D", "Dual registered: attending the other school", Counts.NOT_COUNTED),
        Code("L", "Late arrival before the register closed", Counts.ATTENDED),
        # Authorised absence.
        Code("C", "Leave of absence for exceptional circumstances", Counts.AUTHORISED),
        Code("C1", "Leave of absence for a performance or employment", Counts.AUTHORISED),
        Code("C2", "Leave of absence: part-time timetable", Counts.AUTHORISED),
        Code("E", "Suspended or permanently excluded", Counts.AUTHORISED),
        Code("I", "Illness (not medical or dental appointment)", Counts.AUTHORISED, provider_reason=True),
        Code("M", "Medical or dental appointment", Counts.AUTHORISED, provider_reason=True),
        Code("J1", "Interview for employment or education", Counts.AUTHORISED, provider_reason=True),
        Code("R", "Religious observance", Counts.AUTHORISED, provider_reason=True),
        Code("S", "Study leave", Counts.AUTHORISED),
        # 2024 regulations: leave while a parent travels for work; the "traveller" wording is gone.
        Code("T", "Leave of absence: parent travelling for occupational purposes", Counts.AUTHORISED),
        # Unauthorised absence.
        Code("G", "Holiday not authorised by the school", Counts.UNAUTHORISED),
        Code("N", "Reason for absence not yet provided", Counts.UNAUTHORISED, provider_reason=True),
        Code("O", "Absent in other or unknown circumstances", Counts.UNAUTHORISED),
        Code("U", "Arrived after the register closed", Counts.UNAUTHORISED, provider_reason=True),
        # Not a possible session.
        Code("Q", "Unable to attend: lack of access arrangements", Counts.NOT_COUNTED),
        Code("Y1", "Unable to attend: transport not available", Counts.NOT_COUNTED),
        Code("Y2", "Unable to attend: widespread disruption to travel", Counts.NOT_COUNTED),
        Code("Y3", "Unable to attend: part of the premises closed", Counts.NOT_COUNTED),
        Code("Y7", "Unable to attend: other unavoidable cause", Counts.NOT_COUNTED),
        Code("#", "Planned whole-school closure", Counts.NOT_COUNTED),
    ]
}

# How a session's cell is coloured on the calendar and the register grid: a
# background for each way a code counts. The code itself is always written in
# the cell, so colour only repeats what the text says.
COUNTS_CSS = {
    Counts.ATTENDED: "bg-success-subtle text-success-emphasis",
    Counts.AUTHORISED: "bg-info-subtle text-info-emphasis",
    Counts.UNAUTHORISED: "bg-danger-subtle text-danger-emphasis",
    Counts.NOT_COUNTED: "bg-secondary-subtle text-secondary-emphasis",
}
# An expected session whose day has passed with no mark.
UNMARKED_CSS = "bg-warning-subtle text-warning-emphasis"


def code_css(code: str) -> str:
    found = CODES.get(code)
    return COUNTS_CSS[found.counts if found else Counts.NOT_COUNTED]


ATTENDED_CODES = frozenset(c.code for c in CODES.values() if c.counts == Counts.ATTENDED)
ABSENCE_CODES = frozenset(
    c.code for c in CODES.values() if c.counts in (Counts.AUTHORISED, Counts.UNAUTHORISED)
)
POSSIBLE_CODES = ATTENDED_CODES | ABSENCE_CODES
# Not possible sessions that may still be recorded for an absent learner.
UNABLE_TO_ATTEND_CODES = frozenset({"Q", "Y1", "Y2", "Y3", "Y7"})
# Every reason an absence can be recorded with (the register code, or for dual
# registration the reason kept beside the D).
ABSENCE_REASON_CODES = ABSENCE_CODES | UNABLE_TO_ATTEND_CODES
# Absent with no reason known: N (not yet provided) and O (other or unknown).
# These are told to the DSL for a vulnerable learner, put on the day's
# parent-contact list and counted as "absent, no reason" on the follow-up list.
UNEXPLAINED_CODES = frozenset({"N", "O"})
# N must not stay on the register: after five school days it is replaced with the
# right code, or O ("Working together to improve school attendance", 2024).
NOT_YET_PROVIDED = "N"
PROVIDER_ABSENCE_CHOICES = [(c.code, f"{c.code} – {c.meaning}") for c in CODES.values() if c.provider_reason]
ABSENCE_CHOICES = [(code, f"{code} – {CODES[code].meaning}") for code in CODES if code in ABSENCE_CODES]


def attended_code(arrangement: str) -> str:
    """The code for a session attended at the provider (2024 regulations)."""
    from placements.models import ATTENDED_CODE

    return ATTENDED_CODE[arrangement]
