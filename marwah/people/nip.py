"""NIP (Nomor Induk Pegawai): 18 digits = birth date YYYYMMDD, appointment YYYYMM,
gender digit (1 male, 2 female) and a 3-digit sequence (PP 11/2017 practice; scale.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

_NIP = re.compile(r"^\d{18}$")


@dataclass(frozen=True)
class ParsedNip:
    birth_date: date
    appointment_year: int
    appointment_month: int
    gender: str  # "M" or "F"


class NipError(ValueError):
    pass


def normalize_nip(raw: str) -> str:
    """Strip spaces and dots people type or spreadsheets add (e.g. '19850312 201001 2 003')."""
    return re.sub(r"[\s.\-]", "", raw or "")


def parse_nip(raw: str, *, today: date | None = None) -> ParsedNip:
    nip = normalize_nip(raw)
    if not _NIP.match(nip):
        raise NipError(_("NIP must be 18 digits."))
    today = today or timezone.localdate()
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipError(_("the first 8 digits of the NIP are not a real birth date.")) from None
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise NipError(_("digits 9-14 of the NIP are not a real appointment month."))
    if year < birth.year + 15 or (year, month) > (today.year, today.month):
        raise NipError(_("the appointment date in the NIP is not possible for that birth date."))
    if birth.year < 1940 or birth > today:
        raise NipError(_("the birth date in the NIP is not plausible."))
    gender_digit = nip[14]
    if gender_digit not in "12":
        raise NipError(_("digit 15 of the NIP (gender) must be 1 or 2."))
    return ParsedNip(birth, year, month, "M" if gender_digit == "1" else "F")
