"""Socialisation topics as data: each names the regulation it socialises, with its citation.

An institution's topic catalog starts from these defaults (titles in Indonesian, as stored) (by institution kind); an
administrator may add its own topics. The citations come from ../shared/seeds/ and
../shared/domain/regulations.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from marwah.rules.catalog import Citation


@dataclass(frozen=True)
class DefaultTopic:
    key: str
    title: str  # Indonesian: it names Indonesian regulations and is stored as the topic's title
    citation: Citation
    institution_kind: str = ""  # "" for every kind of institution
    quiz: tuple[tuple[str, tuple[str, ...], int], ...] = ()  # (question, options, index of the right one)


PKS_QUIZ = (
    ("Menurut UU 12/2022 (TPKS), apakah pesan atau komentar bernuansa seksual yang membuat rekan kerja merasa "
     "terhina termasuk kekerasan seksual?", ("Ya, pelecehan seksual nonfisik (Pasal 5)", "Tidak, hanya candaan",
                                             "Hanya jika dilakukan atasan"), 0),
    ("Ke mana pegawai KPU kabupaten/kota melaporkan dugaan kekerasan seksual?",
     ("Satgas PKS KPU Provinsi", "Hanya kepada atasan langsung", "Tidak perlu dilaporkan"), 0),
    ("Menyebarkan foto pribadi seseorang tanpa persetujuannya adalah …",
     ("Kekerasan seksual berbasis elektronik (Pasal 14)", "Urusan pribadi", "Pelanggaran disiplin ringan"), 0),
)


DEFAULT_TOPICS: tuple[DefaultTopic, ...] = (
    DefaultTopic("pks-1341", "Pencegahan Kekerasan Seksual di Lingkungan KPU (Keputusan KPU 1341/2024)",
                 Citation("Keputusan KPU No. 1341 Tahun 2024", "Pedoman Teknis Pencegahan Kekerasan Seksual"),
                 "election", PKS_QUIZ),
    DefaultTopic("kode-etik", "Kode Etik Penyelenggara Pemilu",
                 Citation("Peraturan DKPP No. 2 Tahun 2017", "Kode Etik dan Pedoman Perilaku Penyelenggara Pemilu"),
                 "election"),
    DefaultTopic("netralitas-asn", "Netralitas ASN dalam Pemilu dan Pemilihan",
                 Citation("UU No. 20 Tahun 2023 tentang ASN; SKB Pedoman Netralitas Pegawai ASN", "")),
    DefaultTopic("pakta-integritas", "Pakta Integritas",
                 Citation("Permenpan RB No. 49 Tahun 2011", "Pedoman Umum Pakta Integritas", confirmed=False)),
    DefaultTopic("pelindungan-data", "Pelindungan Data Internal",
                 Citation("UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi", "")),
    DefaultTopic("kode-etik-kumham", "Kode Etik Pegawai Kemenkumham",
                 Citation("Peraturan Menkumham No. 20 Tahun 2017", "Kode Etik Pegawai"), "ministry"),
)


# Words that suggest a participant's question describes a violation (their own experience or one
# they saw): the question page then offers the confidential reporting channel. Neutrality kinds carry
# their own keywords in marwah.rules.violations; these cover sexual violence (UU 12/2022 TPKS Pasal 4-6,
# 14), intimidation and bribery. A hint only: nothing is reported on the asker's behalf.
VIOLATION_HINTS: tuple[str, ...] = (
    "pelecehan", "dilecehkan", "melecehkan", "kekerasan seksual", "bermuatan seksual", "tanpa persetujuan",
    "meraba", "diraba", "memegang saya", "dipegang", "menyentuh saya", "disentuh", "dipaksa", "memaksa saya",
    "mengancam", "diancam", "intimidasi", "diintimidasi", "foto pribadi", "video pribadi", "suap", "gratifikasi",
    "pungutan", "harassed", "harassment", "touched me", "threatened",
)


def describes_violation(text: str) -> bool:
    import re

    from marwah.rules.violations import suggest_kinds

    haystack = " " + re.sub(r"[^0-9a-z]+", " ", (text or "").lower()).strip() + " "
    return any(f" {hint} " in haystack for hint in VIOLATION_HINTS) or bool(suggest_kinds(text))
