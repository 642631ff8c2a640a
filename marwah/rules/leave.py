"""Leave (cuti) and short written permissions (izin) as data with citations.

PNS: PP 11/2017 on civil-servant management as amended by PP 17/2020 (the "Cuti" chapter).
PPPK: PP 49/2018 on contract civil servants, which gives a shorter list of leave types.
Regulations.md §4 and §7 confirm the list of types, annual leave of 12 working days
requested and granted in writing (Pasal 312(4)), carry-over "within caps", long-service
leave after five years, and cuti bersama taken from annual leave. Figures and articles
not in those texts are marked `confirmed=False`: they are defaults an institution may
change through `settings.MARWAH_LEAVE_RULES = {"annual": {"carry_cap": 6}, ...}`.

Short permissions (izin: not coming in, leaving during hours, coming late) are not set by
a national regulation; each institution configures its own (leave.PermissionType), starting
from PERMISSION_DEFAULTS.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation

PP11 = "PP No. 11 Tahun 2017 jo. PP No. 17 Tahun 2020"
PP49 = "PP No. 49 Tahun 2018"

PNS, PPPK = "pns", "pppk"

ANNUAL, LONG_SERVICE, SICK, MATERNITY, IMPORTANT, COLLECTIVE, UNPAID = (
    "annual", "long_service", "sick", "maternity", "important", "collective", "unpaid")

# Who decides after the direct superior: the PPK or the official it delegated (Pasal 312(4)).
SUPERIOR_ONLY, SUPERIOR_THEN_OFFICIAL = "superior", "superior_then_official"


@dataclass(frozen=True)
class LeaveType:
    code: str
    label: Promise
    citation: Citation  # the article that creates this type of leave
    employment_types: frozenset[str]  # who may take it
    max_working_days: int | None = None  # a length counted in working days
    max_calendar_months: int | None = None  # a length in months (long-service, maternity, CLTN)
    min_service_years: int = 0
    proof: Promise | str = ""  # what must be attached, "" when nothing
    proof_after_days: int = 0  # proof needed when the request is longer than this many working days
    reduces_annual: bool = False  # taken from the annual balance
    approval: str = SUPERIOR_THEN_OFFICIAL
    women_only: bool = False
    requestable: bool = True  # cuti bersama is set by decree, not requested
    # Names of the fields above whose values no official text at hand confirms.
    unconfirmed: frozenset[str] = frozenset()
    note: Promise | str = ""

    @property
    def confirmed(self) -> bool:
        return self.citation.confirmed and not self.unconfirmed

    @property
    def needs_proof(self) -> bool:
        return bool(self.proof)


@dataclass(frozen=True)
class AnnualRules:
    """Annual leave arithmetic (PP 11/2017 Pasal 311 and 313)."""

    days_per_year: int = 12
    # Unused days carried into the next year: at most 6 (18 days in the year), at most 12 (24 days)
    # when the leave went unused for two years or more.
    carry_cap: int = 6
    carry_cap_after_two_years: int = 12
    citation: Citation = Citation(PP11, "Pasal 311 ayat (1)")
    carry_citation: Citation = Citation(PP11, "Pasal 313", confirmed=False)
    unconfirmed: frozenset[str] = frozenset({"carry_cap", "carry_cap_after_two_years"})


_PNS = frozenset({PNS})
_ASN = frozenset({PNS, PPPK})

_TYPES: list[LeaveType] = [
    LeaveType(
        ANNUAL, _("Annual leave"), Citation(PP11, "Pasal 310–312; PPPK: PP 49/2018 Pasal 76"), _ASN,
        max_working_days=12, min_service_years=1, reduces_annual=True,
        unconfirmed=frozenset({"min_service_years"}),
        note=_("Requested and granted in writing (Pasal 312 ayat (4))."),
    ),
    LeaveType(
        LONG_SERVICE, _("Long-service leave (cuti besar)"), Citation(PP11, "Pasal 315", confirmed=False), _PNS,
        max_calendar_months=3, min_service_years=5, reduces_annual=True,
        unconfirmed=frozenset({"max_calendar_months", "reduces_annual"}),
        note=_("After five years of continuous service; the year's annual leave is used up."),
    ),
    LeaveType(
        SICK, _("Sick leave"), Citation(PP11, "Pasal 319–323; PPPK: PP 49/2018", confirmed=False), _ASN,
        proof=_("A doctor's letter"), proof_after_days=1, approval=SUPERIOR_ONLY,
        unconfirmed=frozenset({"proof_after_days", "approval"}),
        note=_("One day needs only a written notice; longer needs a doctor's letter."),
    ),
    LeaveType(
        MATERNITY, _("Maternity leave"), Citation(PP11, "Pasal 325–328; PPPK: PP 49/2018", confirmed=False), _ASN,
        max_calendar_months=3, women_only=True, proof=_("A letter from a doctor or midwife"),
        unconfirmed=frozenset({"max_calendar_months", "proof"}),
    ),
    LeaveType(
        IMPORTANT, _("Leave for important reasons"), Citation(PP11, "Pasal 326–329", confirmed=False), _PNS,
        max_calendar_months=1, proof=_("A statement of the reason (e.g. a death or hospital letter)"),
        unconfirmed=frozenset({"max_calendar_months", "proof"}),
        note=_("E.g. a parent, spouse or child seriously ill or deceased, or one's own wedding."),
    ),
    LeaveType(
        COLLECTIVE, _("Collective leave (cuti bersama)"), Citation(PP11, "Pasal 330–331", confirmed=False), _ASN,
        reduces_annual=True, requestable=False,
        note=_("Set by presidential decree; taken from annual leave; from the holiday calendar."),
    ),
    LeaveType(
        UNPAID, _("Unpaid leave outside the state's budget (CLTN)"), Citation(PP11, "Pasal 332–339",
                                                                             confirmed=False), _PNS,
        max_calendar_months=36, min_service_years=5, proof=_("A written statement of the reason"),
        unconfirmed=frozenset({"max_calendar_months"}),
        note=_("Granted by the PPK after BKN's technical consideration."),
    ),
]


def _overrides() -> dict[str, dict[str, Any]]:
    return dict(getattr(settings, "MARWAH_LEAVE_RULES", {}) or {})


def leave_types() -> dict[str, LeaveType]:
    """Every leave type, with an institution's configured values applied (settings)."""
    out: dict[str, LeaveType] = {}
    overrides = _overrides()
    for item in _TYPES:
        changes = {k: v for k, v in overrides.get(item.code, {}).items() if hasattr(item, k)}
        out[item.code] = replace(item, **changes) if changes else item
    return out


LEAVE_TYPES: dict[str, LeaveType] = {t.code: t for t in _TYPES}  # the defaults, for registration


def annual_rules() -> AnnualRules:
    changes = {k: v for k, v in _overrides().get("annual", {}).items() if k in AnnualRules.__dataclass_fields__}
    return replace(AnnualRules(), **changes) if changes else AnnualRules()


def get_type(code: str) -> LeaveType | None:
    return leave_types().get(code)


def may_take(leave_type: LeaveType, *, employment_type: str, gender: str = "") -> bool:
    if employment_type not in leave_type.employment_types:
        return False
    return not (leave_type.women_only and gender == "M")


def requestable_types(*, employment_type: str, gender: str = "") -> list[LeaveType]:
    return [t for t in leave_types().values()
            if t.requestable and may_take(t, employment_type=employment_type, gender=gender)]


def carry_over(*, unused: int, unused_years_in_a_row: int = 1, rules: AnnualRules | None = None) -> int:
    """Days of this year's unused annual leave that may be used next year."""
    rules = rules or annual_rules()
    cap = rules.carry_cap_after_two_years if unused_years_in_a_row >= 2 else rules.carry_cap
    return max(0, min(unused, cap))


# --- Short written permissions (izin): defaults an institution starts from -----------------------

@dataclass(frozen=True)
class PermissionDefault:
    code: str
    label: Promise
    max_per_month: int | None
    needs_document: bool = False
    max_hours: int | None = None
    citation: Citation = field(default=Citation("Ketentuan internal instansi", "", confirmed=False))


PERMISSION_DEFAULTS: list[PermissionDefault] = [
    PermissionDefault("not_coming", _("Not coming in (one day)"), max_per_month=2),
    PermissionDefault("leave_early", _("Leaving during working hours"), max_per_month=4, max_hours=4),
    PermissionDefault("come_late", _("Coming in late"), max_per_month=4, max_hours=2),
]


# --- Registration on /aturan/ ----------------------------------------------------------------------

def _register() -> None:
    from django.utils.text import format_lazy

    from marwah.rules.catalog import AREAS, DEFAULT, UNCONFIRMED, rule

    AREAS["leave"] = _("Leave and written permissions")
    for item in _TYPES:
        rule(f"leave.type.{item.code}", area="leave",
             decides=format_lazy("{}: {}", _("Who may take it, for how long, with what proof"), item.label),
             value=item.note, citations=(item.citation,), mark="" if item.confirmed else UNCONFIRMED,
             used_in=("marwah.leave.services.check_draft", "marwah.leave.services.decide"))
    annual = AnnualRules()
    rule("leave.annual", area="leave",
         decides=_("Annual leave per year and the unused days carried into the next year"),
         value=_("12 working days a year; up to 6 unused days carried over (12 after two unused years)"),
         citations=(annual.citation, annual.carry_citation),
         used_in=("marwah.leave.services.ensure_balance", "marwah.leave.services.roll_over"))
    for permission in PERMISSION_DEFAULTS:
        rule(f"leave.permission.{permission.code}", area="leave",
             decides=format_lazy("{}: {}", _("Short written permission (izin)"), permission.label),
             value=_("A default each institution sets for itself (how many a month, how many hours)"),
             citations=(permission.citation,), mark=DEFAULT, used_in=("marwah.leave.services.check_draft",))


_register()
