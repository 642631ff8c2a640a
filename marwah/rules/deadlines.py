"""Case-handling deadlines in working days, per category and stage, with their sources.

No regulation sets deadlines for the KPU Satgas PKS or for an internal neutrality team
(regulations.md §1, §2: UNCONFIRMED). The defaults below borrow the timings of existing
Indonesian channels (SP4N-LAPOR!, Bawaslu, the BKN neutrality task force, regulations.md §6)
and are marked `confirmed=False` where they are borrowed: an administrator may override any
of them per category (`cases.DeadlinePolicy`), and the UI shows which are borrowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation
from marwah.rules.violations import DATA_LEAK, DISCIPLINE, ETHICS, NEUTRALITY, SEXUAL_VIOLENCE

# Stages: the deadline that runs while a case is in the given status.
VERIFICATION = "verification"  # received -> verified or rejected
PLAN = "plan"  # verified -> examination started (follow-up plan)
DECISION = "decision"  # examination -> decision
FOLLOW_UP = "follow_up"  # decision -> follow-up started (sanction carried out / recommended)
CLOSURE = "closure"  # follow_up -> closed

STAGES: dict[str, Promise] = {
    VERIFICATION: _("Verification"),
    PLAN: _("Follow-up plan"),
    DECISION: _("Examination and decision"),
    FOLLOW_UP: _("Carrying out the decision"),
    CLOSURE: _("Closing the case"),
}

# Which stage's clock runs in which case status.
STAGE_FOR_STATUS: dict[str, str] = {
    "received": VERIFICATION,
    "verified": PLAN,
    "examination": DECISION,
    "decision": FOLLOW_UP,
    "follow_up": CLOSURE,
}

LAPOR = "Perpres 76/2013 dan Permenpan RB 62/2018 (SP4N-LAPOR!)"
BAWASLU = "UU No. 7 Tahun 2017"
BKN = "Satuan tugas netralitas ASN (BKN, KemenPANRB, Kemendagri, Bawaslu)"


@dataclass(frozen=True)
class DeadlineDefault:
    category: str
    stage: str
    working_days: int
    citation: Citation
    note: Promise | str = ""

    @property
    def confirmed(self) -> bool:
        return self.citation.confirmed


def _borrowed(source: str, article: str) -> Citation:
    return Citation(source, article, confirmed=False)


_LAPOR_VERIFY = _borrowed(LAPOR, "diteruskan ke instansi dalam 3 hari kerja")
_LAPOR_PLAN = _borrowed(LAPOR, "rencana tindak lanjut dalam 5 hari kerja")
_LAPOR_RESOLVE = _borrowed(LAPOR, "target penyelesaian 14 hari")
_LAPOR_CLOSE = _borrowed(LAPOR, "ditutup 10 hari kerja setelah tindak lanjut")
_BAWASLU_FOLLOW = _borrowed(BAWASLU, "Pasal 454: tindak lanjut 7 hari, 14 hari kerja bila perlu keterangan")
_BKN_VERIFY = _borrowed(BKN, "verifikasi laporan dalam 7 hari")

DEFAULTS: dict[tuple[str, str], DeadlineDefault] = {}


def _set(category: str, values: list[tuple[str, int, Citation]]) -> None:
    for stage, days, citation in values:
        DEFAULTS[(category, stage)] = DeadlineDefault(category, stage, days, citation)


# Sexual violence: the victim waits; the shortest borrowed timings.
_set(SEXUAL_VIOLENCE, [(VERIFICATION, 3, _LAPOR_VERIFY), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _LAPOR_RESOLVE),
                       (FOLLOW_UP, 5, _LAPOR_PLAN), (CLOSURE, 10, _LAPOR_CLOSE)])
_set(NEUTRALITY, [(VERIFICATION, 7, _BKN_VERIFY), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _BAWASLU_FOLLOW),
                  (FOLLOW_UP, 5, _LAPOR_PLAN), (CLOSURE, 10, _LAPOR_CLOSE)])
_set(ETHICS, [(VERIFICATION, 7, _BAWASLU_FOLLOW), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _BAWASLU_FOLLOW),
              (FOLLOW_UP, 5, _LAPOR_PLAN), (CLOSURE, 10, _LAPOR_CLOSE)])
_set(DISCIPLINE, [(VERIFICATION, 7, _BAWASLU_FOLLOW), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _LAPOR_RESOLVE),
                  (FOLLOW_UP, 5, _LAPOR_PLAN), (CLOSURE, 10, _LAPOR_CLOSE)])
_set(DATA_LEAK, [(VERIFICATION, 3, _LAPOR_VERIFY), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _LAPOR_RESOLVE),
                 (FOLLOW_UP, 5, _LAPOR_PLAN), (CLOSURE, 10, _LAPOR_CLOSE)])

# Handlers are reminded this many working days before a deadline (and on its last day).
REMINDER_WORKING_DAYS = 1

# Closed cases keep their content this long before it is purged (GlobaLeaks-style expiry);
# statistics stay. UNCONFIRMED: no retention period was found for these reports.
RETENTION_DAYS_DEFAULT = 5 * 365
RETENTION_CITATION = Citation("Kebijakan retensi Marwah (dapat diubah)", "", confirmed=False)


def default_for(category: str, stage: str) -> DeadlineDefault | None:
    return DEFAULTS.get((category, stage))
