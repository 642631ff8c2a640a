"""The sign page's HTML from the body converted once (text.filled_html) is the HTML of the filled text."""

from __future__ import annotations

import random

from marwah.pledges.text import PLACEHOLDERS, _compiled, fill, filled_html, to_html

TYPICAL = ("# Pakta Integritas\n\nSaya yang bertanda tangan di bawah ini:\nNama: **{name}**\nNIP: {nip}\n"
           "Jabatan: {position}\nUnit kerja: {unit}\n\ndengan ini menyatakan:\n1. tidak menerima gratifikasi;\n"
           "2. menjaga netralitas.\n\n{place}, {date}\n{name}")

LINES = ["# Judul {name}", "## Sub", "", "Nama: {name}", "{nip}", "- butir {unit}", "* butir", "1. satu {position}",
         "2) dua", "lanjutan {place}", "**tebal {name}**", "_miring_", "{name}_x_", "{unknown}", "  {date}  ",
         "{name}{nip}", "teks biasa", "{position} di {unit}", "é{name}", "{name}\u0301"]
VALUES = ["Rina Wulandari", "", "-", "1987", "198701012010012001", "- daftar", "* bintang", "# pagar", "a_b",
          "**x**", " spasi", "spasi ", "<b>&\"'", "Sekretariat KPU Kab. Grobogan", "e\u0301", "\u0301x", "Ré",
          "baris\nbaru", "\u1161", "2. dua"]


def test_filled_html_is_the_html_of_the_filled_text():
    rng = random.Random(14)
    for _ in range(4000):
        body = "\n".join(rng.choice(LINES) for _ in range(rng.randint(1, 8)))
        fields = {name: rng.choice(VALUES) for name in PLACEHOLDERS if rng.random() < 0.9}
        assert filled_html(body, fields) == to_html(fill(body, fields)), (body, fields)


def test_a_typical_pledge_takes_the_kept_conversion_and_escapes_each_value():
    assert _compiled(TYPICAL) is not None
    fields = {"name": "Rina <script>", "nip": "198701012010012001", "position": "Analis", "unit": "KPU Grobogan",
              "place": "Purwodadi", "date": "3 Desember 2026"}
    html = filled_html(TYPICAL, fields)
    assert html == to_html(fill(TYPICAL, fields))
    assert "Rina &lt;script&gt;" in html and "<script>" not in html
    assert _compiled(TYPICAL.replace("menjaga", "_menjaga_")) is None  # an underscore in the body: whole conversion
