"""Validators for identifiers used by the DfE."""

import re

from django.core.exceptions import ValidationError

# DfE "Unique pupil numbers" guidance: check letters skip I, O and S.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_PATTERN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def upn_check_letter(body: str) -> str:
    """The check letter for characters 2-13 of a UPN (weights 2 to 13, mod 23)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        # A temporary UPN ends in a letter, valued by its place in CHECK_LETTERS.
        value = int(char) if char.isdigit() else CHECK_LETTERS.index(char)
        total += value * weight
    return CHECK_LETTERS[total % 23]


def validate_upn(value: str) -> None:
    upn = (value or "").strip().upper()
    if len(upn) != 13:
        raise ValidationError("A UPN has 13 characters: a check letter then 12 more.", code="upn_length")
    if not UPN_PATTERN.match(upn) or (upn[-1].isalpha() and upn[-1] not in CHECK_LETTERS):
        raise ValidationError(
            "A UPN is a letter, 11 digits, then a digit or letter (for a temporary UPN).",
            code="upn_format",
        )
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        raise ValidationError(
            "This UPN's check letter is wrong; please check it against the MIS.",
            code="upn_check_letter",
        )


def make_upn(body: str) -> str:
    """A full UPN from its 12 characters after the check letter (demo data, tests)."""
    return upn_check_letter(body) + body


def validate_urn(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError("A URN is six digits, as shown on Get Information about Schools.", code="urn")


def validate_ukprn(value: str) -> None:
    if not re.fullmatch(r"1\d{7}", value or ""):
        raise ValidationError(
            "A UKPRN is eight digits starting with 1, as on the UK Register of Learning Providers.",
            code="ukprn",
        )
