"""Victim rights under UU TPKS Pasal 66–70 as a checklist a sexual-violence case tracks.

Pasal 67: a victim has the right to handling (penanganan), protection (pelindungan) and
recovery (pemulihan); Pasal 68, 69 and 70 list what each covers (regulations.md §1).
Each item is recorded per case with who provided it and when (`cases.ProtectionMeasure`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation, rule

TPKS = "UU No. 12 Tahun 2022 (TPKS)"
HANDLING, PROTECTION, RECOVERY = "handling", "protection", "recovery"

GROUPS: dict[str, tuple[Promise, Citation]] = {
    HANDLING: (_("Handling"), Citation(TPKS, "Pasal 67 dan Pasal 68")),
    PROTECTION: (_("Protection"), Citation(TPKS, "Pasal 67 dan Pasal 69")),
    RECOVERY: (_("Recovery"), Citation(TPKS, "Pasal 67 dan Pasal 70")),
}


@dataclass(frozen=True)
class RightItem:
    code: str
    group: str
    label: Promise
    citation: Citation


def _i(code: str, group: str, label: Promise, article: str) -> RightItem:
    return RightItem(code, group, label, Citation(TPKS, article))


ITEMS: dict[str, RightItem] = {
    i.code: i
    for i in (
        _i("h_information", HANDLING, _("Information about the process and its progress"), "Pasal 68"),
        _i("h_documents", HANDLING, _("Documents of the results of handling"), "Pasal 68"),
        _i("h_legal_aid", HANDLING, _("Legal aid"), "Pasal 68"),
        _i("h_psychological", HANDLING, _("Psychological support"), "Pasal 68"),
        _i("h_health", HANDLING, _("Health care (examination, treatment)"), "Pasal 68"),
        _i("h_special_needs", HANDLING, _("Services for special needs (disability)"), "Pasal 68"),
        _i("h_content_removal", HANDLING, _("Removal of sexual content from electronic media (KSBE)"),
           "Pasal 68"),
        _i("p_rights_info", PROTECTION, _("Information about rights and protection"), "Pasal 69"),
        _i("p_threats", PROTECTION, _("Protection from threats and from repeated violence"), "Pasal 69"),
        _i("p_identity", PROTECTION, _("Identity kept confidential"), "Pasal 69"),
        # Correction 11: by law-enforcement officers (aparat penegak hukum), not "officials".
        _i("p_demeaning", PROTECTION, _("Protection from demeaning treatment by law-enforcement officers "
                                        "(aparat penegak hukum)"), "Pasal 69"),
        _i("p_job", PROTECTION, _("Protection from losing one's job, transfer, education or political access "
                                  "because of reporting"), "Pasal 69"),
        _i("p_immunity", PROTECTION, _("Protection from lawsuits for reporting"), "Pasal 69"),
        _i("r_medical", RECOVERY, _("Medical rehabilitation"), "Pasal 70"),
        _i("r_mental_social", RECOVERY, _("Mental and social rehabilitation"), "Pasal 70"),
        _i("r_empowerment", RECOVERY, _("Social empowerment"), "Pasal 70"),
        _i("r_restitution", RECOVERY, _("Restitution or compensation"), "Pasal 70"),
        _i("r_reintegration", RECOVERY, _("Social reintegration"), "Pasal 70"),
    )
}

# Where a victim can be referred (Keputusan KPU 1341/2024: support with DP3A / UPTD PPA and psychologists).
REFERRAL_KINDS: dict[str, Promise] = {
    "uptd_ppa": _("UPTD PPA / DP3A (women's and children's protection office)"),
    "psychologist": _("Psychologist"),
    "police": _("Police"),
    "legal_aid": _("Legal aid (LBH)"),
    "health": _("Health facility"),
    "other": _("Other service"),
}
REFERRAL_CITATION = Citation("Keputusan KPU No. 1341 Tahun 2024", "tugas Satgas PKS: pendampingan dan pemulihan",
                             confirmed=False)


def items_by_group() -> list[tuple[str, Promise, Citation, list[RightItem]]]:
    return [(g, label, cit, [i for i in ITEMS.values() if i.group == g]) for g, (label, cit) in GROUPS.items()]


for _item in ITEMS.values():
    rule(f"protection.{_item.code}", area="protection",
         decides=format_lazy("{}: {}", _("A victim right a sexual-violence case tracks"), GROUPS[_item.group][0]),
         value=_item.label, citations=(_item.citation,),
         used_in=("marwah.cases.views.detail", "marwah.cases.services.add_protection"))
rule("protection.referrals", area="protection", decides=_("Where a victim can be referred"),
     value=_("UPTD PPA / DP3A, psychologist, police, legal aid, health facility"), citations=(REFERRAL_CITATION,),
     used_in=("marwah.cases.services.add_referral",))
