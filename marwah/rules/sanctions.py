"""Sanctions as data with citations, and suggestions from the violation kind.

Tracks (regulations.md §2, §3):
- discipline: PP 94/2021 Pasal 8 tiers for civil servants (ASN);
- moral: sanksi moral, PP 42/2004 Pasal 15 (the SKB 2022 ethics track for neutrality);
- dkpp: sanctions on election organizers (commissioners and ad hoc bodies), Peraturan DKPP 2/2017;
- dismissal: PTDH, PP 11/2017 as amended by PP 17/2020, Pasal 250.
Rehabilitation restores the good name of a reported person when a violation is not proven.

`suggest_sanctions` only proposes; the handler chooses and the decision letter cites what was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation
from marwah.rules.violations import DATA_LEAK, DISCIPLINE, ETHICS, NEUTRALITY, SEXUAL_VIOLENCE, category_of

PP94 = "PP No. 94 Tahun 2021"
PP42 = "PP No. 42 Tahun 2004"
DKPP = "Peraturan DKPP No. 2 Tahun 2017"
PP11 = "PP No. 11 Tahun 2017 jo. PP No. 17 Tahun 2020"
SKB = "SKB Netralitas ASN 2022"

DISCIPLINE_TRACK, MORAL_TRACK, DKPP_TRACK, DISMISSAL_TRACK, REHAB_TRACK = (
    "discipline", "moral", "dkpp", "dismissal", "rehabilitation")
TRACKS: dict[str, Promise] = {
    DISCIPLINE_TRACK: _("Discipline (PP 94/2021)"),
    MORAL_TRACK: _("Moral sanction (PP 42/2004)"),
    DKPP_TRACK: _("Election organizer ethics (DKPP)"),
    DISMISSAL_TRACK: _("Dismissal without honour (PTDH)"),
    REHAB_TRACK: _("Rehabilitation"),
}
LIGHT, MEDIUM, HEAVY = "ringan", "sedang", "berat"
TIERS: dict[str, Promise] = {LIGHT: _("light"), MEDIUM: _("medium"), HEAVY: _("heavy")}

ASN = frozenset({"pns", "pppk"})
ORGANIZERS = frozenset({"commissioner", "ad_hoc"})


@dataclass(frozen=True)
class Sanction:
    code: str
    track: str
    label: Promise
    citation: Citation
    tier: str = ""
    months: int | None = None


def _s(code: str, track: str, label: Promise, source: str, article: str, tier: str = "",
       months: int | None = None, confirmed: bool = True) -> Sanction:
    return Sanction(code, track, label, Citation(source, article, confirmed), tier, months)


SANCTIONS: dict[str, Sanction] = {
    s.code: s
    for s in (
        _s("pp94_oral_reprimand", DISCIPLINE_TRACK, _("Oral reprimand"), PP94, "Pasal 8 ayat (2) huruf a", LIGHT),
        _s("pp94_written_reprimand", DISCIPLINE_TRACK, _("Written reprimand"), PP94, "Pasal 8 ayat (2) huruf b",
           LIGHT),
        _s("pp94_dissatisfaction", DISCIPLINE_TRACK, _("Written statement of dissatisfaction"), PP94,
           "Pasal 8 ayat (2) huruf c", LIGHT),
        _s("pp94_tukin_6", DISCIPLINE_TRACK, _("Performance allowance cut by 25 percent for 6 months"), PP94,
           "Pasal 8 ayat (3) huruf a", MEDIUM, 6),
        _s("pp94_tukin_9", DISCIPLINE_TRACK, _("Performance allowance cut by 25 percent for 9 months"), PP94,
           "Pasal 8 ayat (3) huruf b", MEDIUM, 9),
        _s("pp94_tukin_12", DISCIPLINE_TRACK, _("Performance allowance cut by 25 percent for 12 months"), PP94,
           "Pasal 8 ayat (3) huruf c", MEDIUM, 12),
        _s("pp94_demotion", DISCIPLINE_TRACK, _("Demotion by one level for 12 months"), PP94,
           "Pasal 8 ayat (4) huruf a", HEAVY, 12),
        _s("pp94_executor_post", DISCIPLINE_TRACK, _("Moved to an executor post (jabatan pelaksana) for 12 months"),
           PP94, "Pasal 8 ayat (4) huruf b", HEAVY, 12),
        _s("pp94_pdhtaps", DISCIPLINE_TRACK,
           _("Honourable dismissal not at own request (PDHTAPS)"), PP94, "Pasal 8 ayat (4) huruf c", HEAVY),
        _s("moral_closed", MORAL_TRACK, _("Moral sanction: closed written statement"), PP42, "Pasal 15 ayat (1)"),
        _s("moral_open", MORAL_TRACK, _("Moral sanction: open written statement"), PP42, "Pasal 15 ayat (1)"),
        _s("dkpp_written_warning", DKPP_TRACK, _("Written reprimand (teguran tertulis)"), DKPP,
           "sanksi teguran tertulis"),
        _s("dkpp_warning", DKPP_TRACK, _("Warning (peringatan)"), DKPP, "sanksi teguran tertulis: peringatan",
           confirmed=False),
        _s("dkpp_strong_warning", DKPP_TRACK, _("Strong warning (peringatan keras)"), DKPP,
           "sanksi teguran tertulis: peringatan keras", confirmed=False),
        _s("dkpp_final_warning", DKPP_TRACK, _("Final strong warning (peringatan keras terakhir)"), DKPP,
           "sanksi teguran tertulis: peringatan keras terakhir", confirmed=False),
        _s("dkpp_temporary_dismissal", DKPP_TRACK, _("Temporary dismissal"), DKPP, "pemberhentian sementara"),
        _s("dkpp_permanent_dismissal", DKPP_TRACK, _("Permanent dismissal"), DKPP, "pemberhentian tetap"),
        _s("ptdh", DISMISSAL_TRACK, _("Dismissal without honour (PTDH)"), PP11, "Pasal 250"),
        _s("rehabilitation", REHAB_TRACK, _("Rehabilitation: the reported person's good name is restored"), DKPP,
           "rehabilitasi bila tidak terbukti"),
    )
}

# Unexcused absence per year -> PP 94/2021 sanction (regulations.md §2, PP 94/2021 Pasal 9–11).
ABSENCE_TABLE: list[tuple[int, int, str]] = [
    (3, 3, "pp94_oral_reprimand"),
    (4, 6, "pp94_written_reprimand"),
    (7, 10, "pp94_dissatisfaction"),
    (11, 13, "pp94_tukin_6"),
    (14, 16, "pp94_tukin_9"),
    (17, 20, "pp94_tukin_12"),
    (21, 24, "pp94_demotion"),
    (25, 27, "pp94_executor_post"),
    (28, 366, "pp94_pdhtaps"),  # 28 days cumulative in a year (or 10 consecutive days)
]
ABSENCE_CITATION = Citation(PP94, "Pasal 9, Pasal 10 dan Pasal 11")

# Neutrality kinds the SKB treats as heavy on the discipline track (regulations.md §2).
NEUTRALITY_HEAVY = frozenset({
    "n_banner", "n_social_campaign", "n_attend_campaign", "n_social_interaction", "n_partisan_activity",
    "n_campaign_team", "n_independent_support", "n_partisan_decision",
})
# UNCONFIRMED whether "approaching a party" is medium or heavy: suggested as medium, heavy shown too.
NEUTRALITY_UNCERTAIN = frozenset({"n_approach_party"})


@dataclass(frozen=True)
class Suggestion:
    sanction: Sanction
    reason: Promise | str
    citation: Citation


def tier_sanctions(tier: str) -> list[Sanction]:
    return [s for s in SANCTIONS.values() if s.track == DISCIPLINE_TRACK and s.tier == tier]


def absence_sanction(days: int) -> Sanction | None:
    for low, high, code in ABSENCE_TABLE:
        if low <= days <= high:
            return SANCTIONS[code]
    return SANCTIONS["pp94_pdhtaps"] if days > 366 else None


def _many(codes: list[Sanction], reason: Promise | str, citation: Citation) -> list[Suggestion]:
    return [Suggestion(s, reason, citation) for s in codes]


def suggest_sanctions(kind: str, *, employment_type: str, absence_days: int | None = None) -> list[Suggestion]:
    """Sanctions the catalog proposes for a proven violation of `kind` by this kind of employee."""
    category = category_of(kind)
    is_asn = employment_type in ASN
    is_organizer = employment_type in ORGANIZERS
    out: list[Suggestion] = []
    if category == NEUTRALITY and is_asn:
        skb_moral = Citation(SKB, "Lampiran II: jalur etik, sanksi moral")
        if kind == "n_party_member":
            out += [Suggestion(SANCTIONS["ptdh"], _("Party membership: dismissal without honour."),
                               SANCTIONS["ptdh"].citation)]
        elif kind in NEUTRALITY_HEAVY:
            out += _many(tier_sanctions(HEAVY), _("Neutrality violation treated as heavy (SKB 2022)."),
                         Citation(SKB, "Lampiran II: jalur disiplin, hukuman disiplin berat"))
        elif kind in NEUTRALITY_UNCERTAIN:
            out += _many(tier_sanctions(MEDIUM) + tier_sanctions(HEAVY),
                         _("Medium or heavy: the tier for this form is not settled; choose with care."),
                         Citation(SKB, "Lampiran II: jalur disiplin", confirmed=False))
        out += _many([SANCTIONS["moral_closed"], SANCTIONS["moral_open"]],
                     _("Ethics track: moral sanction declared by the PPK."), skb_moral)
    elif category == DISCIPLINE and is_asn:
        if kind == "d_absence" and absence_days:
            sanction = absence_sanction(absence_days)
            if sanction:
                out.append(Suggestion(sanction, _("From the number of days absent without written permission."),
                                      ABSENCE_CITATION))
        else:
            out += _many(tier_sanctions(LIGHT), _("Discipline violation: start from the light tier."),
                         Citation(PP94, "Pasal 8 ayat (2)"))
    elif category == SEXUAL_VIOLENCE:
        if is_organizer:
            out += _many([SANCTIONS["dkpp_permanent_dismissal"], SANCTIONS["dkpp_temporary_dismissal"]],
                         _("Sexual violence by an election organizer is an ethics violation; most such DKPP "
                           "cases ended in permanent dismissal."), Citation(DKPP, "pemberhentian tetap"))
        elif is_asn:
            out += _many(tier_sanctions(HEAVY), _("Sexual violence by a civil servant is also a discipline "
                                                  "violation."), Citation(PP94, "Pasal 8 ayat (4)"))
    elif category in (ETHICS, DATA_LEAK):
        if is_organizer:
            codes = ["dkpp_written_warning", "dkpp_warning", "dkpp_strong_warning", "dkpp_final_warning"]
            if category == DATA_LEAK:
                codes = ["dkpp_strong_warning", "dkpp_final_warning", "dkpp_temporary_dismissal"]
            out += _many([SANCTIONS[c] for c in codes], _("Sanctions on election organizers (DKPP)."),
                         Citation(DKPP, "sanksi"))
        elif is_asn:
            tier = MEDIUM if category == DATA_LEAK else LIGHT
            out += _many(tier_sanctions(tier), _("Secretariat staff are held to civil-servant discipline."),
                         Citation(PP94, "Pasal 8"))
            out += _many([SANCTIONS["moral_closed"]], _("Code of ethics breach: moral sanction."),
                         Citation(PP42, "Pasal 15"))
    return out


def rehabilitation() -> Sanction:
    return SANCTIONS["rehabilitation"]


def sanction_choices() -> list[tuple[str, list[tuple[str, Promise]]]]:
    """Grouped choices for a form: one group per track."""
    return [(str(label), [(s.code, s.label) for s in SANCTIONS.values() if s.track == track])
            for track, label in TRACKS.items() if track != REHAB_TRACK]
