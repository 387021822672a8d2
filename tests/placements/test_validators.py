import pytest
from django.core.exceptions import ValidationError

from placements.validators import (
    make_upn,
    upn_check_letter,
    validate_ukprn,
    validate_upn,
    validate_urn,
)

# Worked by hand from the DfE rule: 8x2 + 1x4 + 2x5 + 1x10 + 1x13 = 53; 53 mod 23 = 7 -> H.
KNOWN_UPN = "H801200001001"


def error_code(validator, value) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.code


def test_upn_check_letter_follows_dfe_weights():
    assert upn_check_letter("801200001001") == "H"


def test_upn_with_correct_check_letter_is_accepted():
    validate_upn(KNOWN_UPN)


def test_upn_is_accepted_in_lower_case_with_spaces_around():
    validate_upn(f"  {KNOWN_UPN.lower()} ")


def test_upn_with_wrong_check_letter_is_refused():
    assert error_code(validate_upn, "A801200001001") == "upn_check_letter"


@pytest.mark.parametrize("value", ["H80120000100", "H8012000010011", ""])
def test_upn_of_wrong_length_is_refused(value):
    assert error_code(validate_upn, value) == "upn_length"


@pytest.mark.parametrize("value", ["H80120000X001", "1801200001001"])
def test_upn_with_letters_or_digits_out_of_place_is_refused(value):
    assert error_code(validate_upn, value) == "upn_format"


def test_temporary_upn_ending_in_a_letter_is_accepted():
    upn = make_upn("80120000100A")
    # A counts as 0, so the check letter is that of the body ending in 0.
    assert upn[0] == upn_check_letter("801200001000")
    validate_upn(upn)


@pytest.mark.parametrize("last", ["I", "O", "S"])
def test_temporary_upn_ending_in_a_letter_dfe_skips_is_refused(last):
    assert error_code(validate_upn, "A80120000100" + last) == "upn_format"


def test_make_upn_produces_a_valid_upn():
    for n in range(50):
        validate_upn(make_upn(f"{82000000000 + n:011d}{n % 10}"))


@pytest.mark.parametrize("value", ["100000", "137001", "999999"])
def test_six_digit_urn_is_accepted(value):
    validate_urn(value)


@pytest.mark.parametrize("value", ["12345", "1234567", "12345a", "", " 123456"])
def test_urn_that_is_not_six_digits_is_refused(value):
    assert error_code(validate_urn, value) == "urn"


@pytest.mark.parametrize("value", ["10000000", "10012345", "19999999"])
def test_eight_digit_ukprn_starting_with_1_is_accepted(value):
    validate_ukprn(value)


@pytest.mark.parametrize("value", ["20012345", "1001234", "100123456", "1001234x", ""])
def test_ukprn_not_eight_digits_starting_with_1_is_refused(value):
    assert error_code(validate_ukprn, value) == "ukprn"
