"""Unexcused absence and its discipline sanction (PP 94/2021), as data with citations.

Days are WORKING days (regulations.md §7): a day counts when it is a working day with no
attendance and no approved leave or permission. Each row of ABSENCE_TABLE is a threshold:
reaching `days` unexcused days in one year suggests the sanction; 10 consecutive working
days suggests PDHTAPS whatever the yearly total. The catalog only suggests: the direct
superior must examine the case (Pasal 26/28, SUPERIOR_MUST_EXAMINE) and the official decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation
from marwah.rules.sanctions import SANCTIONS, Sanction

PP94 = "PP No. 94 Tahun 2021"
PP49 = "PP No. 49 Tahun 2018"


@dataclass(frozen=True)
class AbsenceThreshold:
    days: int  # unexcused working days in a year from which this sanction is suggested
    sanction_code: str
    citation: Citation
    consecutive: bool = False  # True: `days` consecutive working days, not a yearly total

    @property
    def sanction(self) -> Sanction:
        return SANCTIONS[self.sanction_code]


_LIGHT = Citation(PP94, "Pasal 9 ayat (2) dan (3)", confirmed=False)
_MEDIUM = Citation(PP94, "Pasal 10 ayat (2)", confirmed=False)
_HEAVY = Citation(PP94, "Pasal 11 ayat (2) huruf d", confirmed=False)
# The tiers and day counts themselves are in regulations.md §2; the exact ayat is not.
TABLE_CITATION = Citation(PP94, "Pasal 9, Pasal 10 dan Pasal 11")

ABSENCE_TABLE: list[AbsenceThreshold] = [
    AbsenceThreshold(3, "pp94_oral_reprimand", _LIGHT),
    AbsenceThreshold(4, "pp94_written_reprimand", _LIGHT),
    AbsenceThreshold(7, "pp94_dissatisfaction", _LIGHT),
    AbsenceThreshold(11, "pp94_tukin_6", _MEDIUM),
    AbsenceThreshold(14, "pp94_tukin_9", _MEDIUM),
    AbsenceThreshold(17, "pp94_tukin_12", _MEDIUM),
    AbsenceThreshold(21, "pp94_demotion", _HEAVY),
    AbsenceThreshold(25, "pp94_executor_post", _HEAVY),
    AbsenceThreshold(28, "pp94_pdhtaps", _HEAVY),
]
CONSECUTIVE_THRESHOLD = AbsenceThreshold(10, "pp94_pdhtaps", _HEAVY, consecutive=True)

# PPPK discipline follows PP 49/2018 and its implementing rules (regulations.md §7); applying
# the PP 94/2021 table to them is a default an institution may switch off.
APPLIES_TO: dict[str, Citation] = {
    "pns": TABLE_CITATION,
    "pppk": Citation(PP49, "disiplin PPPK mengikuti ketentuan disiplin PNS", confirmed=False),
}


@dataclass(frozen=True)
class Obligation:
    code: str
    text: Promise
    citation: Citation


SUPERIOR_MUST_EXAMINE = Obligation(
    "pp94_superior_examines",
    _("The direct superior must examine a suspected discipline violation; a superior who does not "
      "is sanctioned more heavily."),
    Citation(PP94, "Pasal 26 dan Pasal 28"),
)
OBLIGATIONS: dict[str, Obligation] = {SUPERIOR_MUST_EXAMINE.code: SUPERIOR_MUST_EXAMINE}


def threshold_for(*, days_in_year: int, consecutive_working_days: int) -> AbsenceThreshold | None:
    """The heaviest threshold reached, or None below the first one."""
    if consecutive_working_days >= CONSECUTIVE_THRESHOLD.days:
        return CONSECUTIVE_THRESHOLD
    reached = [t for t in ABSENCE_TABLE if days_in_year >= t.days]
    return reached[-1] if reached else None


def absence_sanction(*, days_in_year: int, consecutive_working_days: int) -> Sanction | None:
    """PP 94/2021's sanction for this many unexcused working days (in a year / in a row)."""
    found = threshold_for(days_in_year=days_in_year, consecutive_working_days=consecutive_working_days)
    return found.sanction if found else None


def level(*, days_in_year: int, consecutive_working_days: int) -> int:
    """0 below the table, 1..9 for its rows; the consecutive rule counts as the last row."""
    found = threshold_for(days_in_year=days_in_year, consecutive_working_days=consecutive_working_days)
    if found is None:
        return 0
    return len(ABSENCE_TABLE) if found.consecutive else ABSENCE_TABLE.index(found) + 1


def next_threshold(days_in_year: int) -> AbsenceThreshold | None:
    return next((t for t in ABSENCE_TABLE if t.days > days_in_year), None)


def applies_to(employment_type: str) -> bool:
    return employment_type in APPLIES_TO


# --- Registration on /aturan/ ----------------------------------------------------------------------

def _register() -> None:
    from marwah.rules.catalog import rule

    rule("absence.consecutive", area="sanctions",
         decides=_("Ten consecutive working days absent without permission"),
         value=_("Dismissal not at one's own request (PDHTAPS), whatever the yearly total"),
         citations=(CONSECUTIVE_THRESHOLD.citation,),
         used_in=("marwah.rules.absence.absence_sanction", "marwah.leave.selectors"))
    rule("absence.pppk", area="sanctions",
         decides=_("Whether the PP 94/2021 absence table applies to contract staff (PPPK)"),
         value=_("Applied by default; PPPK discipline follows PP 49/2018"),
         citations=(APPLIES_TO["pppk"],), used_in=("marwah.rules.absence.applies_to",))
    rule("absence.superior_examines", area="sanctions",
         decides=SUPERIOR_MUST_EXAMINE.text,
         value=_("The superior is told when someone crosses an absence threshold, with the suggested sanction"),
         citations=(SUPERIOR_MUST_EXAMINE.citation,), used_in=("marwah.leave.services",))


_register()
