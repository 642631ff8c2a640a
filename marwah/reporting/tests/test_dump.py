"""THE DUMP TEST: a database dump and the media folder reveal nothing a reporter wrote."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from marwah.reporting.models import Report
from marwah.reporting.tests.conftest import report_data

MARKER = "ZQXMARKER7731unik"


def variants(marker: str) -> list[bytes]:
    raw = marker.encode()
    out = [raw, raw.lower(), raw.upper(), raw.hex().encode(), raw.hex().upper().encode(),
           marker.encode("utf-16-le")]
    for shift in range(3):  # base64 of the marker at each alignment, minus the unstable edges
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            chunk = enc(b"\x00" * shift + raw)[4:-4]
            out.append(chunk)
    return out


def dump_database(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        target = tmp_path / "dump.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes()
    name = connection.settings_dict["NAME"]
    pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [pg_dump, "-h", connection.settings_dict.get("HOST") or "127.0.0.1", "-U",
         connection.settings_dict.get("USER") or "postgres", "-p", str(connection.settings_dict.get("PORT") or 5432),
         "--data-only", name], capture_output=True, check=True)
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_marker_appears_nowhere_in_database_or_media(tree, people, handlers, bambang, unlocked, settings, tmp_path):
    reporter = Client()
    data = report_data(tree, narrative=f"Narasi rahasia {MARKER} di ruang rapat.", accused=[str(bambang.pk)],
                       accused_text=f"Pelaku {MARKER}", witnesses_text=f"Saksi {MARKER}",
                       where_text=f"Lantai {MARKER}", when_text=f"Tanggal {MARKER}",
                       identity_mode="named", reporter_name=f"Pelapor {MARKER}", reporter_contact=f"{MARKER}@x.id")
    data["files"] = [SimpleUploadedFile(f"{MARKER}.txt", f"isi berkas {MARKER}\n".encode(), "text/plain")]
    assert reporter.post(reverse("reporting:form", args=["sexual_violence"]), data).status_code == 302
    report = Report.objects.get()
    mey = unlocked(handlers.mey)
    mey.post(reverse("reporting_staff:conversation", args=[report.public_id]), {"text": f"Pertanyaan {MARKER}"})
    mey.post(reverse("reporting:identity_request", args=[report.public_id]),
             {"reason": f"Alasan tertulis {MARKER} yang cukup panjang"})
    page = reporter.get(reverse("reporting:receipt")).content.decode()
    digits = page.split('class="rp-receipt"')[1].split(">")[1].split("<")[0].replace(" ", "")
    reporter.post(reverse("reporting:return"), {"receipt": digits})
    response = reporter.post(reverse("reporting:my_report"), {
        "text": f"Jawaban {MARKER}",
        "files": [SimpleUploadedFile(f"lagi-{MARKER}.txt", f"lagi {MARKER}".encode(), "text/plain")]})
    assert response.status_code == 302
    # The content really is there, for those with keys.
    assert MARKER in mey.get(reverse("reporting_staff:content", args=[report.public_id])).content.decode()
    assert f"Jawaban {MARKER}" in mey.get(reverse("reporting_staff:conversation",
                                                  args=[report.public_id])).content.decode()

    blobs = {"database": dump_database(tmp_path)}
    media = Path(settings.MEDIA_ROOT)
    files = [p for p in media.rglob("*") if p.is_file()]
    assert len(files) >= 2
    for path in files:
        blobs[str(path.relative_to(media))] = path.read_bytes() + str(path).encode()
    assert len(blobs["database"]) > 10_000
    assert report.public_id.encode() in blobs["database"]  # the dump is real
    for where, blob in blobs.items():
        for needle in variants(MARKER):
            assert needle not in blob, f"marker found in {where} as {needle!r}"
    assert digits.encode() not in blobs["database"]
