"""Default pledge texts, as data with the sources they follow.

The texts are starting points an institution edits into its own version; the
citations say where each obligation comes from. Obligations drawn from news
reports (seeds) rather than an official text are marked `confirmed=False`.
Placeholders: {name} {nip} {position} {unit} {place} {date}.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation, rule
from marwah.rules.violations import SKB_2022


@dataclass(frozen=True)
class DefaultText:
    key: str
    kind: str  # pledges.models.DocumentKind value
    institution_kind: str  # orgs.Institution.Kind value, "" for any
    title: str
    body: str
    citations: tuple[Citation, ...]
    # Citations of earlier versions of this template, kept for the record (not cited by the current text).
    previous_citations: tuple[Citation, ...] = ()


KPU_INTEGRITY_PACT = DefaultText(
    key="kpu_pakta_integritas",
    kind="integrity_pact",
    institution_kind="election",
    title="Pakta Integritas Pegawai dan Penyelenggara Pemilu",
    body="""# PAKTA INTEGRITAS

Saya yang bertanda tangan di bawah ini:

Nama: **{name}**
NIP/Nomor Pegawai: {nip}
Jabatan: {position}
Satuan Kerja: {unit}

dalam rangka menjaga marwah Komisi Pemilihan Umum serta mewujudkan pemilu dan pemilihan yang jujur dan adil, dengan ini menyatakan bahwa saya:

1. Akan bersikap netral, tidak berpihak kepada peserta pemilu, dan tidak duduk bersama atau bertemu pengurus partai politik, calon, maupun tim kampanye di luar kegiatan resmi kedinasan.
2. Tidak akan membocorkan data dan dokumen internal KPU ke pihak mana pun; dokumen yang bersifat publik hanya diumumkan melalui mekanisme resmi yang berlaku.
3. Tidak akan meminta atau menerima pemberian dalam bentuk apa pun yang berkaitan dengan tugas dan jabatan saya.
4. Akan menaati jam kerja dan hanya meninggalkan tugas dengan izin tertulis dari atasan, tidak melalui pesan singkat.
5. Akan menjaga etika dan kepantasan, baik di lingkungan kantor maupun di luar kantor, sesuai Kode Etik Penyelenggara Pemilu.
6. Bersedia dikenai sanksi sesuai ketentuan peraturan perundang-undangan apabila melanggar pakta integritas ini.

Demikian pakta integritas ini saya buat dengan sadar dan tanpa paksaan dari pihak mana pun.

{place}, {date}
""",
    citations=(
        Citation("Peraturan DKPP No. 2 Tahun 2017 tentang Kode Etik dan Pedoman Perilaku Penyelenggara Pemilu",
                 "Pasal 6, Pasal 8 (mandiri dan adil; tidak mengadakan pertemuan dengan peserta pemilu)"),
        Citation("Kabar Malut, 14 Oktober 2019 (seed 002): pakta integritas KPU Halmahera Selatan — tidak duduk "
                 "bersama pengurus partai, data internal tidak boleh bocor, izin harus tertulis", confirmed=False),
    ),
)

NEUTRALITY_PLEDGE = DefaultText(
    key="asn_ikrar_netralitas",
    kind="neutrality",
    institution_kind="",
    title="Ikrar dan Pakta Integritas Netralitas ASN pada Pemilu dan Pemilihan",
    body="""# PAKTA INTEGRITAS NETRALITAS PEGAWAI

Saya yang bertanda tangan di bawah ini:

Nama: **{name}**
NIP: {nip}
Jabatan: {position}
Unit Kerja: {unit}

sebagai Aparatur Sipil Negara, dengan ini berikrar untuk menjaga netralitas dalam penyelenggaraan pemilihan umum dan pemilihan kepala daerah, dan menyatakan bahwa saya:

1. Tidak akan mengikuti kampanye, baik sebagai peserta maupun dengan menggunakan atribut partai atau atribut pegawai.
2. Tidak akan membuat keputusan atau tindakan yang menguntungkan atau merugikan salah satu calon atau peserta pemilu.
3. Tidak akan memberikan dukungan kepada calon, termasuk melalui media sosial (menyukai, mengomentari, membagikan, atau mengunggah).
4. Tidak akan melakukan pendekatan kepada partai politik untuk pengusulan diri sendiri atau pihak lain, dan tidak mendeklarasikan diri sebagai bakal calon.
5. Tidak akan berfoto bersama calon atau peserta pemilu dengan gestur yang menunjukkan keberpihakan.
6. Tidak akan menggunakan fasilitas negara untuk kepentingan calon atau partai politik.
7. Akan bijak bermedia sosial: tidak membuat atau menyebarkan berita bohong (hoaks) dan ujaran kebencian, serta memperhatikan baik-baik pesan, foto dan video yang diterima sebelum meneruskan, mengunggah, menyukai atau mengomentarinya.
8. Bersedia dijatuhi sanksi disiplin dan/atau sanksi etik apabila melanggar ikrar ini.

{place}, {date}
""",
    citations=(
        # Correction 1: keeping neutrality is huruf d of Pasal 24(1) (huruf e is willingness to be posted).
        Citation("Undang-Undang No. 20 Tahun 2023 tentang Aparatur Sipil Negara",
                 "Pasal 24 ayat (1) huruf d (menjaga netralitas)"),
        # Correction 12: the SKB is an official joint decree.
        Citation(SKB_2022, "Lampiran (bentuk pelanggaran netralitas)"),
        Citation("Surat Edaran Sekjen Kemenkumham No. SEK-14.KP.05.02 Tahun 2022 (seed 003)", confirmed=False),
        # Correction 13: the social-media conduct of seed 003 (item 7 of the text).
        Citation("Pos-Kupang, 13 Februari 2023 (seed 003): bijak bermedia sosial, tidak menyebarkan hoaks dan "
                 "ujaran kebencian, hati-hati meneruskan pesan", confirmed=False),
    ),
    previous_citations=(
        # UU 5/2014 was replaced by UU 20/2023: cited only by versions of this template made before it.
        Citation("Undang-Undang No. 5 Tahun 2014 tentang Aparatur Sipil Negara (diganti UU No. 20 Tahun 2023)",
                 "Pasal 2 huruf f, Pasal 9 ayat (2)"),
    ),
)

CODE_OF_CONDUCT = DefaultText(
    key="kode_etik_pernyataan",
    kind="code_of_conduct",
    institution_kind="",
    title="Pernyataan Telah Membaca dan Memahami Kode Etik dan Kode Perilaku",
    body="""# PERNYATAAN KODE ETIK DAN KODE PERILAKU

Saya, **{name}** ({nip}), {position} pada {unit}, menyatakan bahwa saya telah membaca, memahami, dan akan menaati kode etik dan kode perilaku yang berlaku di lingkungan instansi, termasuk larangan kekerasan seksual dan perundungan di tempat kerja.

Saya memahami bahwa pelanggaran dapat dilaporkan secara rahasia dan akan ditangani sesuai ketentuan.

{place}, {date}
""",
    citations=(
        Citation("Undang-Undang No. 20 Tahun 2023 tentang Aparatur Sipil Negara", "Pasal 24 ayat (1) huruf c"),
        Citation("Peraturan Pemerintah No. 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil", "Pasal 3–5"),
        # Correction 13: the Kemenkumham code of ethics, cited by seed 004 (for Kemenkumham staff).
        Citation("Peraturan Menteri Hukum dan HAM No. 20 Tahun 2017 tentang Kode Etik dan Kode Perilaku Pegawai "
                 "(disebut dalam seed 004)", confirmed=False),
    ),
)

DEFAULT_TEXTS: tuple[DefaultText, ...] = (KPU_INTEGRITY_PACT, NEUTRALITY_PLEDGE, CODE_OF_CONDUCT)

for _text in DEFAULT_TEXTS:
    rule(f"documents.{_text.key}", area="documents", decides=_("A default pledge text an institution starts from"),
         value=_text.title, citations=_text.citations, used_in=("marwah.pledges.services.ensure_default_documents",),
         note=(format_lazy("{} {}", _("Earlier versions cited:"), "; ".join(str(c) for c in _text.previous_citations))
               if _text.previous_citations else ""))
