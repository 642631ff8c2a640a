"""Case-handling deadlines per category and stage, with their sources and the kind of day they count.

Each deadline says whether it counts working days (weekends, national holidays and cuti bersama
excluded, marwah.worktime) or calendar days (correction 10: LAPOR!'s 14-day resolution target and
BKN's 7-day verification are calendar days in their sources).

No regulation sets deadlines for the KPU Satgas PKS or for an internal neutrality team
(regulations.md §1, §2: UNCONFIRMED). The defaults below borrow the timings of existing
Indonesian channels (SP4N-LAPOR!, Bawaslu, the BKN neutrality task force, regulations.md §6)
and are marked `confirmed=False` where they are borrowed: an administrator may override any
of them per category (`cases.DeadlinePolicy`), and the UI shows which are borrowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import DEFAULT, OVERRIDE_DAYS, POLICY, Citation, rule
from marwah.rules.violations import CATEGORIES, DATA_LEAK, DISCIPLINE, ETHICS, NEUTRALITY, SEXUAL_VIOLENCE

CATEGORY_LABELS = {code: c.label for code, c in CATEGORIES.items()}

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


WORKING, CALENDAR = "working", "calendar"
DAY_KINDS: dict[str, Promise] = {WORKING: _("working days"), CALENDAR: _("calendar days")}


@dataclass(frozen=True)
class DeadlineDefault:
    category: str
    stage: str
    days: int
    citation: Citation
    day_kind: str = WORKING
    note: Promise | str = ""

    @property
    def confirmed(self) -> bool:
        return self.citation.confirmed

    @property
    def working_days(self) -> int:  # the older name, kept for callers that read the number
        return self.days

    @property
    def key(self) -> str:
        return rule_key(self.category, self.stage)


def rule_key(category: str, stage: str) -> str:
    return f"deadlines.{category}.{stage}"


def _borrowed(source: str, article: str) -> Citation:
    # Borrowed from another channel: a configurable default, not this channel's law.
    return Citation(source, article, confirmed=False, mark=DEFAULT)


# (citation, kind of day its source counts)
_LAPOR_VERIFY = (_borrowed(LAPOR, "diteruskan ke instansi dalam 3 hari kerja"), WORKING)
_LAPOR_PLAN = (_borrowed(LAPOR, "rencana tindak lanjut dalam 5 hari kerja"), WORKING)
_LAPOR_RESOLVE = (_borrowed(LAPOR, "target penyelesaian 14 hari (hari kalender)"), CALENDAR)
_LAPOR_CLOSE = (_borrowed(LAPOR, "ditutup 10 hari kerja setelah tindak lanjut"), WORKING)
_BAWASLU_REGISTER = (_borrowed(BAWASLU, "Pasal 454: tindak lanjut 7 hari setelah laporan diregistrasi"), CALENDAR)
_BAWASLU_MORE = (_borrowed(BAWASLU, "Pasal 454: 14 hari kerja bila perlu keterangan tambahan"), WORKING)
_BKN_VERIFY = (_borrowed(BKN, "verifikasi laporan dalam 7 hari (hari kalender)"), CALENDAR)

DEFAULTS: dict[tuple[str, str], DeadlineDefault] = {}


def _set(category: str, values: list[tuple[str, int, tuple[Citation, str]]]) -> None:
    for stage, days, (citation, day_kind) in values:
        DEFAULTS[(category, stage)] = DeadlineDefault(category, stage, days, citation, day_kind)


# Sexual violence: the victim waits; the shortest borrowed timings.
_set(SEXUAL_VIOLENCE, [(VERIFICATION, 3, _LAPOR_VERIFY), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _LAPOR_RESOLVE),
                       (FOLLOW_UP, 5, _LAPOR_PLAN), (CLOSURE, 10, _LAPOR_CLOSE)])
_set(NEUTRALITY, [(VERIFICATION, 7, _BKN_VERIFY), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _BAWASLU_MORE),
                  (FOLLOW_UP, 5, _LAPOR_PLAN), (CLOSURE, 10, _LAPOR_CLOSE)])
_set(ETHICS, [(VERIFICATION, 7, _BAWASLU_REGISTER), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _BAWASLU_MORE),
              (FOLLOW_UP, 5, _LAPOR_PLAN), (CLOSURE, 10, _LAPOR_CLOSE)])
_set(DISCIPLINE, [(VERIFICATION, 7, _BAWASLU_REGISTER), (PLAN, 5, _LAPOR_PLAN), (DECISION, 14, _LAPOR_RESOLVE),
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


def _days_label(days: int, day_kind: str) -> str:
    return f"{days} {DAY_KINDS[day_kind]}"


for _d in DEFAULTS.values():
    rule(_d.key, area="deadlines",
         decides=format_lazy("{} — {}", STAGES[_d.stage], CATEGORY_LABELS[_d.category]),
         value=format_lazy("{} {}", _d.days, DAY_KINDS[_d.day_kind]),
         default={"days": _d.days, "day_kind": _d.day_kind}, mark=DEFAULT, overridable=OVERRIDE_DAYS,
         citations=(_d.citation,), used_in=("marwah.cases.services.deadline_for",))
rule("deadlines.reminder", area="deadlines", decides=_("Handlers are reminded this many working days before a "
                                                        "deadline"),
     value=format_lazy("{} {}", REMINDER_WORKING_DAYS, DAY_KINDS[WORKING]), default=REMINDER_WORKING_DAYS,
     mark=POLICY, citations=(Citation("Kebijakan instansi (Marwah)", "", mark=POLICY),),
     used_in=("marwah.cases.services.check_deadlines",))
rule("deadlines.retention", area="deadlines", decides=_("Closed cases keep their content this long, then it is "
                                                         "purged"),
     value=format_lazy("{} {}", RETENTION_DAYS_DEFAULT, DAY_KINDS[CALENDAR]), default=RETENTION_DAYS_DEFAULT,
     mark=POLICY, citations=(RETENTION_CITATION,), used_in=("marwah.cases.services.retention_days",))
