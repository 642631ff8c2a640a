from datetime import date

import pytest

from marwah.people.nip import NipError, normalize_nip, parse_nip

TODAY = date(2026, 11, 22)


def test_valid_nip_parsed():
    parsed = parse_nip("198503122010012003", today=TODAY)
    assert parsed.birth_date == date(1985, 3, 12)
    assert (parsed.appointment_year, parsed.appointment_month) == (2010, 1)
    assert parsed.gender == "F"


def test_spaces_and_dots_are_ignored():
    assert normalize_nip("19850312 201001 2 003") == "198503122010012003"


@pytest.mark.parametrize("nip", [
    "12345",                    # too short
    "19851332201001 2003",      # month 13 in birth date
    "198503122010132003",       # appointment month 13
    "198503122010013003",       # gender digit 3
    "198503121990012003",       # appointed at age 4
    "198503122030012003",       # appointed in the future
    "abcdefghijklmnopqr",
])
def test_invalid_nips_refused(nip):
    with pytest.raises(NipError):
        parse_nip(nip, today=TODAY)
