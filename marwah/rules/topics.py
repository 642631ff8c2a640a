"""Socialisation topics as data: each names the regulation it socialises, with its citation.

An institution's topic catalog starts from these defaults (by institution kind); an
administrator may add its own topics. The citations come from ../shared/seeds/ and
../shared/domain/regulations.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation

StrOrPromise = str | Promise


@dataclass(frozen=True)
class DefaultTopic:
    key: str
    title: StrOrPromise
    citation: Citation
    institution_kind: str = ""  # "" for every kind of institution


DEFAULT_TOPICS: tuple[DefaultTopic, ...] = (
    DefaultTopic("pks-1341", _("Prevention of sexual violence at KPU (Keputusan KPU 1341/2024)"),
                 Citation("Keputusan KPU No. 1341 Tahun 2024", "Pedoman Teknis Pencegahan Kekerasan Seksual"),
                 "election"),
    DefaultTopic("kode-etik", _("Code of ethics of election organisers"),
                 Citation("Peraturan DKPP No. 2 Tahun 2017", "Kode Etik dan Pedoman Perilaku Penyelenggara Pemilu"),
                 "election"),
    DefaultTopic("netralitas-asn", _("Neutrality of civil servants in elections"),
                 Citation("UU No. 20 Tahun 2023 tentang ASN; SKB Pedoman Netralitas Pegawai ASN", "")),
    DefaultTopic("pakta-integritas", _("Integrity pact"),
                 Citation("Permenpan RB No. 49 Tahun 2011", "Pedoman Umum Pakta Integritas", confirmed=False)),
    DefaultTopic("pelindungan-data", _("Protection of internal data"),
                 Citation("UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi", "")),
    DefaultTopic("kode-etik-kumham", _("Code of ethics of Kemenkumham employees"),
                 Citation("Peraturan Menkumham No. 20 Tahun 2017", "Kode Etik Pegawai"), "ministry"),
)
