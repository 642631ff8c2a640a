"""Violation categories and kinds that can be reported, as data with citations.

The codes (strings) are a contract between `marwah.reporting` and `marwah.cases`
(see the reporting/cases contract): they are stored in the database, so never
rename one — add a new code instead.

Each kind has a short label, a plain-language description written for the
person reporting (no legal jargon), and the article it comes from. Neutrality
kinds carry Indonesian keywords so `suggest_kinds(text)` can propose a kind
from what a reporter typed; it only suggests, the reporter chooses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation, rule

SEXUAL_VIOLENCE = "sexual_violence"
NEUTRALITY = "neutrality"
ETHICS = "ethics"
DISCIPLINE = "discipline"
DATA_LEAK = "data_leak"

TPKS = "UU No. 12 Tahun 2022 (TPKS)"
KPU_1341 = "Keputusan KPU No. 1341 Tahun 2024"
# Correction 12: the SKB is an official joint decree, cited in full (regulations.md §2).
SKB_2022 = ("Keputusan Bersama MenPANRB No. 2 Tahun 2022, Mendagri No. 800-5474 Tahun 2022, Kepala BKN "
            "No. 246 Tahun 2022, Ketua KASN No. 30 Tahun 2022 dan Ketua Bawaslu No. 1447.1/PM.01/K.1/09/2022 "
            "tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN (22 September 2022)")
SKB_2022_SHORT = "SKB Netralitas ASN 2022"
SEED_002 = "Kabar Malut, 14 Oktober 2019 (seed 002): pakta integritas KPU Halmahera Selatan"
DKPP = "Peraturan DKPP No. 2 Tahun 2017"
PP94 = "PP No. 94 Tahun 2021"


@dataclass(frozen=True)
class Category:
    code: str
    label: Promise
    description: Promise
    citation: Citation


@dataclass(frozen=True)
class Kind:
    code: str
    category: str
    label: Promise
    description: Promise
    citation: Citation
    keywords: tuple[str, ...] = field(default=())


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category(
            SEXUAL_VIOLENCE,
            _("Sexual violence"),
            _("Any unwanted act of a sexual nature: words, touching, pressure, or sexual "
              "content sent or recorded without consent."),
            Citation(TPKS, "Pasal 4"),
        ),
        Category(
            NEUTRALITY,
            _("Political neutrality of civil servants"),
            _("A civil servant taking sides with a party or candidate, online or offline."),
            Citation(SKB_2022, "Lampiran, bentuk pelanggaran netralitas"),
        ),
        Category(
            ETHICS,
            _("Ethics of election organizers"),
            _("An election organizer acting in a way that is not independent, honest or fair."),
            Citation(DKPP, "Pasal 8"),
        ),
        Category(
            DISCIPLINE,
            _("Civil servant discipline"),
            _("Breaking the duties of a civil servant, for example being absent without written permission."),
            Citation(PP94, "Pasal 3–5"),
        ),
        Category(
            DATA_LEAK,
            _("Leak of internal data"),
            _("Internal data or documents released outside the official publication mechanism."),
            # Correction 8: "Pasal 11" is not supported by our sources; the rule comes from a news
            # article (seed 002). Unconfirmed until an official text is found.
            Citation(SEED_002, "data internal tidak boleh bocor", confirmed=False),
        ),
    )
}


def _k(code: str, category: str, label, description, citation: Citation, keywords=()) -> Kind:
    return Kind(code, category, label, description, citation, tuple(keywords))


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        # --- Sexual violence: UU TPKS Pasal 4(1) nine forms, Pasal 4(2) others ---
        _k("sv_nonphysical", SEXUAL_VIOLENCE, _("Non-physical sexual harassment"),
           _("Remarks, jokes, gestures, stares or messages of a sexual nature that make you feel "
             "humiliated or afraid."), Citation(TPKS, "Pasal 4 ayat (1) huruf a; Pasal 5")),
        _k("sv_physical", SEXUAL_VIOLENCE, _("Physical sexual harassment"),
           _("Unwanted touching or other physical acts of a sexual nature."),
           Citation(TPKS, "Pasal 4 ayat (1) huruf b; Pasal 6")),
        _k("sv_forced_contraception", SEXUAL_VIOLENCE, _("Forced contraception"),
           _("Being forced or tricked into using contraception."),
           Citation(TPKS, "Pasal 4 ayat (1) huruf c; Pasal 8")),
        _k("sv_forced_sterilization", SEXUAL_VIOLENCE, _("Forced sterilisation"),
           _("Being forced or tricked into sterilisation."),
           Citation(TPKS, "Pasal 4 ayat (1) huruf d; Pasal 9")),
        _k("sv_forced_marriage", SEXUAL_VIOLENCE, _("Forced marriage"),
           _("Being forced into a marriage, including with the person who harmed you."),
           Citation(TPKS, "Pasal 4 ayat (1) huruf e; Pasal 10")),
        _k("sv_torture", SEXUAL_VIOLENCE, _("Sexual torture"),
           _("Sexual violence used to punish, intimidate, or obtain information or a confession."),
           Citation(TPKS, "Pasal 4 ayat (1) huruf f; Pasal 11")),
        _k("sv_exploitation", SEXUAL_VIOLENCE, _("Sexual exploitation"),
           _("Using power, deception or someone's weakness to obtain sex or to profit from it."),
           Citation(TPKS, "Pasal 4 ayat (1) huruf g; Pasal 12")),
        _k("sv_slavery", SEXUAL_VIOLENCE, _("Sexual slavery"),
           _("Being held or controlled so that someone can use you sexually."),
           Citation(TPKS, "Pasal 4 ayat (1) huruf h; Pasal 13")),
        _k("sv_electronic", SEXUAL_VIOLENCE, _("Electronic sexual violence (KSBE)"),
           _("Sexual photos or videos taken or shared without consent, unwanted sexual messages or "
             "images, or being followed and watched online for sexual purposes."),
           Citation(TPKS, "Pasal 4 ayat (1) huruf i; Pasal 14")),
        _k("sv_other", SEXUAL_VIOLENCE, _("Other sexual violence"),
           _("Rape, indecent acts, and other forms of sexual violence named in the law."),
           Citation(TPKS, "Pasal 4 ayat (2)")),
        # --- Neutrality: the ten forms (SKB 2022, seed 004) ---
        _k("n_banner", NEUTRALITY, _("Installing banners for a candidate"),
           _("Putting up banners, billboards or posters for a party or candidate."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 1)"),
           ("spanduk", "baliho", "poster", "stiker", "pasang", "memasang", "alat peraga")),
        _k("n_social_campaign", NEUTRALITY, _("Campaigning on social media"),
           _("Promoting or campaigning for a candidate on social or online media."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 2)"),
           ("kampanye", "sosialisasi", "media sosial", "medsos", "online", "instagram", "tiktok",
            "facebook", "whatsapp", "status")),
        _k("n_approach_party", NEUTRALITY, _("Approaching parties and the public"),
           _("Approaching a political party or the public on behalf of a candidate."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 3)"),
           ("pendekatan", "mendekati", "parpol", "partai", "tokoh masyarakat", "silaturahmi")),
        _k("n_attend_campaign", NEUTRALITY, _("Attending a declaration or campaign"),
           _("Attending a candidate's declaration or campaign and showing support."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 4)"),
           ("deklarasi", "menghadiri", "hadir", "rapat umum", "kampanye akbar", "foto bersama", "pose")),
        _k("n_party_member", NEUTRALITY, _("Member or officer of a political party"),
           _("Being a member or an officer of a political party."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 5)"),
           ("anggota partai", "pengurus partai", "kartu anggota", "kta", "kader")),
        _k("n_social_interaction", NEUTRALITY, _("Posting, liking or sharing for a candidate"),
           _("Posting, commenting, sharing, liking, or joining or following a candidate's campaign "
             "group."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 6)"),
           ("like", "suka", "share", "bagikan", "komentar", "comment", "posting", "unggah", "follow",
            "ikuti", "grup", "group", "retweet", "repost")),
        _k("n_partisan_activity", NEUTRALITY, _("Activities that show partisanship"),
           _("Organising or joining activities that lean towards a party or candidate."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 7)"),
           ("kegiatan", "acara", "keberpihakan", "bagi-bagi", "sembako", "pertemuan", "jalan sehat")),
        _k("n_campaign_team", NEUTRALITY, _("On a candidate's team"),
           _("Being an expert, winning-team member or consultant for a candidate or party."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 8)"),
           ("tim sukses", "timses", "tim pemenangan", "tim ahli", "konsultan", "relawan")),
        _k("n_independent_support", NEUTRALITY, _("Supporting an independent candidate"),
           _("Giving support (for example a copy of an ID card) to an independent candidate."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 9)"),
           ("perseorangan", "independen", "ktp", "dukungan", "fotokopi ktp")),
        _k("n_partisan_decision", NEUTRALITY, _("Decisions that favour or harm a candidate"),
           _("Making decisions or taking actions that benefit or harm a party or candidate."),
           Citation(SKB_2022, "Lampiran, bentuk pelanggaran (daftar seed 004, angka 10)"),
           ("keputusan", "kebijakan", "menguntungkan", "merugikan", "fasilitas", "anggaran", "mutasi")),
        # --- Ethics of election organizers (DKPP 2/2017) ---
        _k("e_partisan_meeting", ETHICS, _("Meeting that suggests siding with a participant"),
           _("Meeting a party, candidate or their team in a way that gives the public the impression "
             "of taking sides (for example sitting in a coffee shop with party officials)."),
           Citation(DKPP, "Pasal 8")),
        _k("e_partisan_statement", ETHICS, _("Partisan statement or attribute"),
           _("Saying things or wearing attributes that show support for a participant."),
           Citation(DKPP, "Pasal 8")),
        _k("e_gift", ETHICS, _("Accepting a gift from a participant"),
           _("Accepting money, goods or favours from a party, candidate or their team."),
           Citation(DKPP, "Pasal 8")),
        _k("e_political_choice", ETHICS, _("Revealing or asking someone's political choice"),
           _("Revealing one's own political choice or asking someone about theirs."),
           Citation(DKPP, "Pasal 8")),
        _k("e_other", ETHICS, _("Other ethics violation"),
           _("Another act that breaks the principles of election organizers."),
           Citation(DKPP, "Pasal 6")),
        # --- Discipline (PP 94/2021) ---
        _k("d_absence", DISCIPLINE, _("Absent without written permission"),
           _("Not coming to work without leave or permission granted in writing (a chat message is "
             "not written permission)."),
           Citation(PP94, "Pasal 4 huruf f; Pasal 9–11")),
        _k("d_other", DISCIPLINE, _("Other discipline violation"),
           _("Another breach of a civil servant's duties or prohibitions."),
           Citation(PP94, "Pasal 3–5")),
        # --- Data leak ---
        _k("l_internal_data", DATA_LEAK, _("Internal data leaked"),
           _("Internal data released outside the official mechanism, even if the document is public."),
           Citation(SEED_002, "data internal tidak boleh bocor", confirmed=False)),
    )
}


def category_choices() -> list[tuple[str, Promise]]:
    return [(c.code, c.label) for c in CATEGORIES.values()]


def kinds_for(category: str) -> list[Kind]:
    return [k for k in KINDS.values() if k.category == category]


def kind_choices(category: str | None = None) -> list[tuple[str, Promise]]:
    return [(k.code, k.label) for k in KINDS.values() if category is None or k.category == category]


def category_of(kind: str) -> str | None:
    k = KINDS.get(kind)
    return k.category if k else None


def _normalise(text: str) -> str:
    return " " + re.sub(r"[^0-9a-z]+", " ", text.lower()).strip() + " "


def suggest_kinds(text: str) -> list[tuple[str, list[str]]]:
    """Neutrality kinds whose keywords appear in `text`, best match first.

    Whole-word matching (so "like" does not match "likes" but does match "Like,"),
    ties keep catalog order.
    """
    haystack = _normalise(text or "")
    found: list[tuple[str, list[str]]] = []
    for kind in KINDS.values():
        words = [w for w in kind.keywords if _normalise(w) in haystack]
        if words:
            found.append((kind.code, words))
    found.sort(key=lambda item: -len(item[1]))
    return found


USED_BY_REPORTING = ("marwah.reporting.models.Report", "marwah.reporting.forms", "marwah.cases.routing.route")

for _c in CATEGORIES.values():
    rule(f"violations.category.{_c.code}", area="violations", decides=_("A category of report that can be filed"),
         value=_c.label, citations=(_c.citation,), used_in=USED_BY_REPORTING)
for _kind in KINDS.values():
    rule(f"violations.kind.{_kind.code}", area="violations", decides=_("A kind of violation that can be reported"),
         value=_kind.label, citations=(_kind.citation,),
         used_in=USED_BY_REPORTING + (("marwah.rules.violations.suggest_kinds",) if _kind.keywords else ()))
