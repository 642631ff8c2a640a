"""Sanctions as data with citations, and suggestions from the violation kind.

Tracks (regulations.md §2, §3, §7):
- discipline: PP 94/2021 Pasal 8 tiers for PNS;
- pppk: contract civil servants (PPPK) follow PP 49/2018 and its implementing rules, not PP 94/2021
  directly (correction 6): the tiers are shown as a reference, marked unconfirmed, and dismissal is
  the termination of the work agreement;
- moral: sanksi moral, PP 42/2004 Pasal 15 ayat (2)–(3) (the SKB 2022 ethics track for neutrality);
- dkpp: sanctions on election organizers (commissioners and ad hoc bodies), Peraturan DKPP 2/2017;
- dismissal: PTDH, PP 11/2017 as amended by PP 17/2020, Pasal 250.
Rehabilitation restores the good name of an election organizer when a violation is not proven
(DKPP); for everyone else a "not proven" decision carries no sanction and the letter says so.

The tier for each neutrality form is data with its source (`NEUTRALITY_FORMS`): where sources
disagree the form is marked unconfirmed, offers both tiers and the handler chooses. Choices that are
the institution's judgement (sexual violence by a civil servant is heavy, the DKPP dismissal default,
the ethics and data-leak tiers) are marked as policy and can be overridden per institution.

`suggest_sanctions` only proposes; the handler chooses and the decision letter cites what was chosen.
Every rule here is registered in the catalog (`marwah.rules.catalog`) and listed on /aturan/.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import (
    CONFIRMED,
    OVERRIDE_CHOICES,
    OVERRIDE_TIER,
    POLICY,
    UNCONFIRMED,
    Citation,
    applies,
    effective,
    rule,
)
from marwah.rules.violations import (
    DATA_LEAK,
    DISCIPLINE,
    ETHICS,
    KINDS,
    NEUTRALITY,
    SEXUAL_VIOLENCE,
    category_of,
)

PP94 = "PP No. 94 Tahun 2021"
PP42 = "PP No. 42 Tahun 2004"
PP49 = "PP No. 49 Tahun 2018 tentang Manajemen PPPK"
DKPP = "Peraturan DKPP No. 2 Tahun 2017"
PP11 = "PP No. 11 Tahun 2017 jo. PP No. 17 Tahun 2020"
SKB = "SKB Netralitas ASN 2022"
KEMENPANRB = "Ringkasan publik PP 94/2021 (KemenPANRB)"

DISCIPLINE_TRACK, PPPK_TRACK, MORAL_TRACK, DKPP_TRACK, DISMISSAL_TRACK, REHAB_TRACK = (
    "discipline", "pppk", "moral", "dkpp", "dismissal", "rehabilitation")
TRACKS: dict[str, Promise] = {
    DISCIPLINE_TRACK: _("Discipline (PP 94/2021)"),
    PPPK_TRACK: _("PPPK discipline (PP 49/2018)"),
    MORAL_TRACK: _("Moral sanction (PP 42/2004)"),
    DKPP_TRACK: _("Election organizer ethics (DKPP)"),
    DISMISSAL_TRACK: _("Dismissal without honour (PTDH)"),
    REHAB_TRACK: _("Rehabilitation"),
}
LIGHT, MEDIUM, HEAVY = "ringan", "sedang", "berat"
TIERS: dict[str, Promise] = {LIGHT: _("light"), MEDIUM: _("medium"), HEAVY: _("heavy")}
TIER_CHOICES = tuple(TIERS.items())

PNS, PPPK = "pns", "pppk"
ASN = frozenset({PNS, PPPK})
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
       months: int | None = None, confirmed: bool = True, mark: str = "") -> Sanction:
    return Sanction(code, track, label, Citation(source, article, confirmed, mark), tier, months)


_PPPK_ARTICLE = "ketentuan disiplin dan pemutusan hubungan perjanjian kerja PPPK (pasal belum dicek)"

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
        # Correction 6: a PPPK is dismissed by ending the work agreement (PP 49/2018), not by PDHTAPS/PTDH.
        _s("pppk_termination", PPPK_TRACK, _("Termination of the PPPK work agreement"), PP49, _PPPK_ARTICLE,
           HEAVY, confirmed=False),
        _s("pppk_termination_dishonour", PPPK_TRACK, _("Termination of the PPPK work agreement without honour"),
           PP49, _PPPK_ARTICLE, confirmed=False),
        # Correction 2: the written statement, its declaration by the PPK and the open/closed split are in
        # Pasal 15 ayat (2)–(3), not ayat (1).
        _s("moral_closed", MORAL_TRACK, _("Moral sanction: closed written statement"), PP42,
           "Pasal 15 ayat (2) dan ayat (3) (pernyataan secara tertutup)"),
        _s("moral_open", MORAL_TRACK, _("Moral sanction: open written statement"), PP42,
           "Pasal 15 ayat (2) dan ayat (3) (pernyataan secara terbuka)"),
        _s("dkpp_written_warning", DKPP_TRACK, _("Written reprimand (teguran tertulis)"), DKPP,
           "sanksi teguran tertulis (pasal belum dicek)", confirmed=False),
        _s("dkpp_warning", DKPP_TRACK, _("Warning (peringatan)"), DKPP, "sanksi teguran tertulis: peringatan",
           confirmed=False),
        _s("dkpp_strong_warning", DKPP_TRACK, _("Strong warning (peringatan keras)"), DKPP,
           "sanksi teguran tertulis: peringatan keras", confirmed=False),
        _s("dkpp_final_warning", DKPP_TRACK, _("Final strong warning (peringatan keras terakhir)"), DKPP,
           "sanksi teguran tertulis: peringatan keras terakhir", confirmed=False),
        _s("dkpp_temporary_dismissal", DKPP_TRACK, _("Temporary dismissal"), DKPP,
           "pemberhentian sementara (pasal belum dicek)", confirmed=False),
        _s("dkpp_permanent_dismissal", DKPP_TRACK, _("Permanent dismissal"), DKPP,
           "pemberhentian tetap (pasal belum dicek)", confirmed=False),
        _s("ptdh", DISMISSAL_TRACK, _("Dismissal without honour (PTDH)"), PP11, "Pasal 250"),
        # Correction 5: rehabilitation is a DKPP remedy for election organizers.
        _s("rehabilitation", REHAB_TRACK, _("Rehabilitation: the reported person's good name is restored"), DKPP,
           "rehabilitasi bagi penyelenggara pemilu bila tidak terbukti (pasal belum dicek)", confirmed=False),
        _s("not_proven_cleared", REHAB_TRACK,
           _("Not proven: no sanction; this letter records that the violation was not proven"),
           "Kebijakan instansi (Marwah)", "", mark=POLICY),
    )
}

# Unexcused absence -> PP 94/2021 sanction: the table (working days, and 10 consecutive working days
# -> PDHTAPS) is data in rules.absence.
ABSENCE_CITATION = Citation(PP94, "Pasal 9, Pasal 10 dan Pasal 11")


# --- The tier per neutrality form (correction 3) ---------------------------------------------------

@dataclass(frozen=True)
class FormTier:
    kind: str
    default: str  # LIGHT/MEDIUM/HEAVY, "ptdh", or "" when the handler must choose
    choices: tuple[str, ...]
    citations: tuple[Citation, ...]
    mark: str


_SKB_HEAVY = Citation(SKB, "Lampiran II: jalur disiplin, hukuman disiplin berat")
_SKB_CONTESTED = Citation(SKB, "Lampiran II: jalur disiplin (tingkat untuk bentuk ini tidak tercantum di sumber kami)",
                          confirmed=False)
_PANRB_PARTICIPATION = Citation(KEMENPANRB, "ikut serta kampanye: sedang; terlibat langsung: berat", confirmed=False)
_BOTH = (MEDIUM, HEAVY)


def _form(kind: str, default: str, citations: tuple[Citation, ...], mark: str,
          choices: tuple[str, ...] = _BOTH) -> FormTier:
    return FormTier(kind, default, choices if mark != CONFIRMED else (default,), citations, mark)


NEUTRALITY_FORMS: dict[str, FormTier] = {
    f.kind: f
    for f in (
        _form("n_banner", HEAVY, (_SKB_HEAVY,), CONFIRMED),
        _form("n_social_campaign", HEAVY, (_SKB_HEAVY,), CONFIRMED),
        _form("n_partisan_activity", HEAVY, (_SKB_HEAVY,), CONFIRMED),
        _form("n_party_member", "ptdh", (Citation(PP11, "Pasal 250"), Citation(SKB, "Lampiran II: jalur disiplin")),
              CONFIRMED),
        # Attending and liking/sharing: heavy in the SKB summaries, medium for "campaign participation" in
        # KemenPANRB's public summary of PP 94/2021. The handler chooses.
        _form("n_attend_campaign", "", (_SKB_HEAVY, _PANRB_PARTICIPATION), UNCONFIRMED),
        _form("n_social_interaction", "", (_SKB_HEAVY, _PANRB_PARTICIPATION), UNCONFIRMED),
        _form("n_approach_party", MEDIUM, (_SKB_CONTESTED,), UNCONFIRMED),
        # Not in regulations.md's heavy list: direct involvement is heavy in KemenPANRB's summary.
        _form("n_campaign_team", HEAVY, (_SKB_CONTESTED, _PANRB_PARTICIPATION), UNCONFIRMED),
        _form("n_independent_support", "", (_SKB_CONTESTED,), UNCONFIRMED),
        _form("n_partisan_decision", "", (_SKB_CONTESTED, _PANRB_PARTICIPATION), UNCONFIRMED),
    )
}

for _f in NEUTRALITY_FORMS.values():
    rule(f"sanctions.neutrality_tier.{_f.kind}", area="sanctions",
         decides=format_lazy("{}: {}", _("Discipline tier suggested for a neutrality violation by a civil servant"),
                             KINDS[_f.kind].label),
         value=TIERS.get(_f.default, _("dismissal without honour") if _f.default == "ptdh" else _("handler chooses")),
         default=_f.default, mark=_f.mark, citations=_f.citations,
         overridable=OVERRIDE_TIER if _f.mark != CONFIRMED else "",
         choices=tuple((t, TIERS[t]) for t in _f.choices if t in TIERS),
         used_in=("marwah.cases.views.detail",))

# --- Institutional policy (correction 4) and other sanction rules ---------------------------------

_POLICY = Citation("Kebijakan instansi (Marwah)", "", mark=POLICY)

SV_ASN_TIER = rule(
    "sanctions.policy.sexual_violence_asn_tier", area="sanctions",
    decides=_("Discipline tier suggested for sexual violence by a civil servant"), value=TIERS[HEAVY],
    default=HEAVY, mark=POLICY, overridable=OVERRIDE_TIER, choices=TIER_CHOICES,
    citations=(_POLICY, Citation(PP94, "Pasal 8 ayat (4) (daftar hukuman berat)"),
               Citation("Keputusan KPU No. 1341 Tahun 2024", "kekerasan seksual juga pelanggaran disiplin ASN",
                        confirmed=False)),
    note=_("PP 94/2021 does not name sexual violence; the tier is the institution's judgement."))
SV_ORGANIZER = rule(
    "sanctions.policy.sexual_violence_organizer", area="sanctions",
    decides=_("DKPP sanctions suggested for sexual violence by an election organizer"),
    value=_("Permanent dismissal, or temporary dismissal"),
    default=["dkpp_permanent_dismissal", "dkpp_temporary_dismissal"], mark=POLICY,
    overridable=OVERRIDE_CHOICES,
    choices=tuple((c, SANCTIONS[c].label) for c in SANCTIONS if SANCTIONS[c].track == DKPP_TRACK),
    citations=(_POLICY, Citation(DKPP, "sanksi pemberhentian tetap", confirmed=False),
               Citation("Data DKPP 2017–2022: 21 dari 25 perkara kekerasan seksual berakhir pemberhentian tetap",
                        confirmed=False)))
ETHICS_ASN_TIER = rule(
    "sanctions.policy.ethics_asn_tier", area="sanctions",
    decides=_("Discipline tier suggested for an ethics breach by secretariat staff (ASN)"), value=TIERS[LIGHT],
    default=LIGHT, mark=POLICY, overridable=OVERRIDE_TIER, choices=TIER_CHOICES,
    citations=(_POLICY, Citation(PP94, "Pasal 8")))
LEAK_ASN_TIER = rule(
    "sanctions.policy.data_leak_asn_tier", area="sanctions",
    decides=_("Discipline tier suggested for a data leak by secretariat staff (ASN)"), value=TIERS[MEDIUM],
    default=MEDIUM, mark=POLICY, overridable=OVERRIDE_TIER, choices=TIER_CHOICES,
    citations=(_POLICY, Citation(PP94, "Pasal 8")))
_DKPP_CHOICES = tuple((c, SANCTIONS[c].label) for c in SANCTIONS if SANCTIONS[c].track == DKPP_TRACK)
ETHICS_ORGANIZER = rule(
    "sanctions.policy.ethics_organizer", area="sanctions",
    decides=_("DKPP sanctions suggested for an ethics breach by an election organizer"),
    value=_("Written reprimand up to final strong warning"),
    default=["dkpp_written_warning", "dkpp_warning", "dkpp_strong_warning", "dkpp_final_warning"],
    mark=POLICY, overridable=OVERRIDE_CHOICES, choices=_DKPP_CHOICES,
    citations=(_POLICY, Citation(DKPP, "sanksi teguran tertulis", confirmed=False)))
LEAK_ORGANIZER = rule(
    "sanctions.policy.data_leak_organizer", area="sanctions",
    decides=_("DKPP sanctions suggested for a data leak by an election organizer"),
    value=_("Strong warning up to temporary dismissal"),
    default=["dkpp_strong_warning", "dkpp_final_warning", "dkpp_temporary_dismissal"],
    mark=POLICY, overridable=OVERRIDE_CHOICES, choices=_DKPP_CHOICES,
    citations=(_POLICY, Citation(DKPP, "sanksi", confirmed=False)))
DISCIPLINE_START = rule(
    "sanctions.policy.discipline_start_tier", area="sanctions",
    decides=_("Tier suggested first for another discipline violation"), value=TIERS[LIGHT],
    default=LIGHT, mark=POLICY, overridable=OVERRIDE_TIER, choices=TIER_CHOICES,
    citations=(_POLICY, Citation(PP94, "Pasal 8 ayat (2)")))
MORAL_TRACK_RULE = rule(
    "sanctions.neutrality_moral_track", area="sanctions",
    decides=_("A proven neutrality violation by a civil servant also goes the ethics track: moral sanction"),
    value=_("Closed or open written statement declared by the PPK"),
    citations=(Citation(SKB, "Lampiran II: jalur etik, sanksi moral"),
               Citation(PP42, "Pasal 15 ayat (2) dan ayat (3)")))
REHABILITATION = rule(
    "sanctions.rehabilitation", area="sanctions",
    decides=_("What a 'not proven' decision gives an election organizer"),
    value=SANCTIONS["rehabilitation"].label, citations=(SANCTIONS["rehabilitation"].citation,),
    used_in=("marwah.cases.services.decide",))
NOT_PROVEN_OTHER = rule(
    "sanctions.not_proven_other", area="sanctions",
    decides=_("What a 'not proven' decision gives a civil servant or other staff"),
    value=SANCTIONS["not_proven_cleared"].label, mark=POLICY, citations=(_POLICY,),
    used_in=("marwah.cases.services.decide",),
    note=_("DKPP rehabilitation applies to election organizers only; no other source was found."))
PPPK_RULE = rule(
    "sanctions.pppk_discipline", area="sanctions",
    decides=_("Which discipline rules apply to contract civil servants (PPPK)"),
    value=_("PP 49/2018 and its implementing rules; PP 94/2021 tiers shown for reference; dismissal is the "
            "termination of the work agreement"),
    mark=UNCONFIRMED, citations=(Citation(PP49, _PPPK_ARTICLE, confirmed=False),))
SUPERIOR_DUTY = rule(
    "sanctions.superior_must_examine", area="sanctions",
    decides=_("The direct superior must examine a suspected discipline violation, and is sanctioned more "
              "heavily if they do not"),
    value=_("Superior and HR handle discipline cases; the case page reminds the superior of the duty"),
    citations=(Citation(PP94, "Pasal 26 ayat (1)"), Citation(PP94, "Pasal 28")),
    used_in=("marwah.cases.routing.route", "marwah.cases.views.detail"))
ABSENCE_RULE = rule(
    "sanctions.absence_table", area="sanctions",
    decides=_("Discipline sanction for unexcused absence, by working days absent in a year"),
    value=_("3 days oral reprimand … 28 days cumulative or 10 consecutive working days: PDHTAPS"),
    citations=(ABSENCE_CITATION,), used_in=("marwah.rules.sanctions.absence_sanction",))

for _code, _sanction in SANCTIONS.items():
    rule(f"sanctions.sanction.{_code}", area="sanctions",
         decides=format_lazy("{}: {}", _("A sanction that can be chosen in a decision"), TRACKS[_sanction.track]),
         value=_sanction.label, citations=(_sanction.citation,),
         used_in=("marwah.cases.services.decide", "marwah.cases.pdf.decision_letter"))


@dataclass(frozen=True)
class Suggestion:
    sanction: Sanction
    reason: Promise | str
    citation: Citation
    rule_key: str = ""


def tier_sanctions(tier: str) -> list[Sanction]:
    return [s for s in SANCTIONS.values() if s.track == DISCIPLINE_TRACK and s.tier == tier]


def absence_sanction(days: int, consecutive_working_days: int = 0) -> Sanction | None:
    """The PP 94/2021 sanction for unexcused working days in a year (or in a row): rules.absence."""
    from marwah.rules.absence import absence_sanction as from_table

    return from_table(days_in_year=days, consecutive_working_days=consecutive_working_days)


def _many(codes: list[Sanction], reason: Promise | str, citation: Citation, key: str = "") -> list[Suggestion]:
    return [Suggestion(s, reason, citation, key) for s in codes]


def _discipline(tier: str, employment_type: str, reason: Promise | str, citation: Citation,
                key: str) -> list[Suggestion]:
    """The tier's sanctions; for a PPPK they are a reference under PP 49/2018 (correction 6)."""
    if employment_type != PPPK:
        return _many(tier_sanctions(tier), reason, citation, key)
    pppk = Citation(PP49, _PPPK_ARTICLE, confirmed=False)
    codes = [s for s in tier_sanctions(tier) if s.code != "pp94_pdhtaps"]
    if tier == HEAVY:
        codes.append(SANCTIONS["pppk_termination"])
    return _many(codes, _("PPPK: PP 49/2018 applies; PP 94/2021 tiers shown for reference, check the "
                          "implementing rule."), pppk, PPPK_RULE.key)


def _tier(key: str, institution_id: int | None) -> str:
    return str(effective(key, institution_id) or "")


@applies(*(f"sanctions.neutrality_tier.{k}" for k in NEUTRALITY_FORMS), MORAL_TRACK_RULE.key, PPPK_RULE.key)
def _neutrality(kind: str, employment_type: str, institution_id: int | None) -> list[Suggestion]:
    key = f"sanctions.neutrality_tier.{kind}"
    form = NEUTRALITY_FORMS.get(kind)
    out: list[Suggestion] = []
    if form is not None:
        tier = _tier(key, institution_id)
        if tier == "ptdh":
            dismissal = SANCTIONS["ptdh"] if employment_type != PPPK else SANCTIONS["pppk_termination_dishonour"]
            out.append(Suggestion(dismissal, _("Party membership: dismissal without honour."),
                                  dismissal.citation, key))
        elif tier:
            reason = (_("Neutrality violation: tier from the catalog.") if form.mark == CONFIRMED else
                      _("Sources disagree on the tier for this form; the suggested tier can be changed."))
            out += _discipline(tier, employment_type, reason, form.citations[0], key)
        else:
            for choice in form.choices:
                out += _discipline(choice, employment_type,
                                   _("Medium or heavy: sources disagree on this form; choose with care."),
                                   form.citations[0], key)
    moral = Citation(SKB, "Lampiran II: jalur etik, sanksi moral", confirmed=employment_type != PPPK)
    out += _many([SANCTIONS["moral_closed"], SANCTIONS["moral_open"]],
                 _("Ethics track: moral sanction declared by the PPK."), moral, MORAL_TRACK_RULE.key)
    return out


@applies(SV_ASN_TIER.key, SV_ORGANIZER.key, ETHICS_ASN_TIER.key, LEAK_ASN_TIER.key, ETHICS_ORGANIZER.key,
         LEAK_ORGANIZER.key, DISCIPLINE_START.key, ABSENCE_RULE.key)
def suggest_sanctions(kind: str, *, employment_type: str, absence_days: int | None = None,
                      institution_id: int | None = None) -> list[Suggestion]:
    """Sanctions the catalog proposes for a proven violation of `kind` by this kind of employee."""
    category = category_of(kind)
    is_asn = employment_type in ASN
    is_organizer = employment_type in ORGANIZERS
    out: list[Suggestion] = []
    if category == NEUTRALITY and is_asn:
        out += _neutrality(kind, employment_type, institution_id)
    elif category == DISCIPLINE and is_asn:
        if kind == "d_absence" and absence_days:
            sanction = absence_sanction(absence_days)
            if sanction:
                out.append(Suggestion(sanction, _("From the number of days absent without written permission."),
                                      ABSENCE_CITATION, ABSENCE_RULE.key))
        else:
            out += _discipline(_tier(DISCIPLINE_START.key, institution_id), employment_type,
                               _("Discipline violation: start from the light tier (institution policy)."),
                               Citation(PP94, "Pasal 8 ayat (2)"), DISCIPLINE_START.key)
    elif category == SEXUAL_VIOLENCE:
        if is_organizer:
            codes = effective(SV_ORGANIZER.key, institution_id) or []
            out += _many([SANCTIONS[c] for c in codes if c in SANCTIONS],
                         _("Institution policy: sexual violence by an election organizer is an ethics violation; "
                           "most such DKPP cases ended in permanent dismissal."), _POLICY, SV_ORGANIZER.key)
        elif is_asn:
            out += _discipline(_tier(SV_ASN_TIER.key, institution_id), employment_type,
                               _("Institution policy: sexual violence by a civil servant is also a discipline "
                                 "violation."), _POLICY, SV_ASN_TIER.key)
    elif category in (ETHICS, DATA_LEAK):
        if is_organizer:
            key = LEAK_ORGANIZER.key if category == DATA_LEAK else ETHICS_ORGANIZER.key
            codes = effective(key, institution_id) or []
            out += _many([SANCTIONS[c] for c in codes if c in SANCTIONS],
                         _("Institution policy: sanctions on election organizers (DKPP)."), _POLICY, key)
        elif is_asn:
            key = LEAK_ASN_TIER.key if category == DATA_LEAK else ETHICS_ASN_TIER.key
            out += _discipline(_tier(key, institution_id), employment_type,
                               _("Institution policy: secretariat staff are held to civil-servant discipline."),
                               _POLICY, key)
            if employment_type == PNS:
                out += _many([SANCTIONS["moral_closed"]], _("Code of ethics breach: moral sanction."),
                             SANCTIONS["moral_closed"].citation, key)
    return out


@applies(REHABILITATION.key, NOT_PROVEN_OTHER.key)
def not_proven_sanctions(employment_type: str) -> list[str]:
    """Correction 5: rehabilitation where DKPP supports it (election organizers); otherwise no sanction."""
    return ["rehabilitation"] if employment_type in ORGANIZERS else ["not_proven_cleared"]


def rehabilitation() -> Sanction:
    return SANCTIONS["rehabilitation"]


def sanction_choices() -> list[tuple[str, list[tuple[str, Promise]]]]:
    """Grouped choices for a form: one group per track."""
    return [(str(label), [(s.code, s.label) for s in SANCTIONS.values() if s.track == track])
            for track, label in TRACKS.items() if track != REHAB_TRACK]
