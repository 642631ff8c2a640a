"""Metadata that could identify a reporter is removed from PDFs and office files, or the file is refused."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from marwah.reporting.evidence import clean_upload
from marwah.reporting.models import Evidence, Report
from marwah.reporting.tests.conftest import report_data

pytestmark = pytest.mark.django_db

MARKER = b"PENANDA-METADATA"
STEM = b"PENANDA"  # pypdf writes the hyphen of text strings as \\055, so search the stem in raw PDF bytes
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq>'
       b"<rdf:li>PENANDA-METADATA</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
       b'<?xpacket end="w"?>')


def _xmp_stream(writer: PdfWriter):
    stream = StreamObject()
    stream.set_data(XMP)
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    return writer._add_object(stream)


def pdf_with_metadata(password: str | None = None) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    content = StreamObject()
    content.set_data(b"BT /F1 12 Tf 10 10 Td (ISI-LAPORAN) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Metadata")] = _xmp_stream(writer)
    comment = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
        NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4),
        NameObject("/T"): TextStringObject("PENANDA-METADATA"), NameObject("/Contents"): TextStringObject("catatan")})
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(comment)])
    writer.add_metadata({"/Author": "PENANDA-METADATA", "/Creator": "PENANDA-METADATA", "/Title": "Laporan"})
    writer.root_object[NameObject("/Metadata")] = _xmp_stream(writer)
    if password is not None:
        writer.encrypt(password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    if password is None:
        assert data.count(STEM) == 5  # info twice, XMP twice, comment author once
    return data


CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>PENANDA-METADATA</dc:creator>'
        b"<cp:lastModifiedBy>PENANDA-METADATA</cp:lastModifiedBy><dc:title>Rahasia</dc:title>"
        b'<dcterms:created xsi:type="dcterms:W3CDTF">2025-03-01T08:00:00Z</dcterms:created></cp:coreProperties>')
APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
       b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
       b"<Template>Normal.dotm</Template><Pages>3</Pages><Company>PENANDA-METADATA</Company>"
       b"<Manager>PENANDA-METADATA</Manager><Application>Microsoft Office Word</Application></Properties>")
DOCUMENT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>ISI-LAPORAN</w:t></w:r></w:p></w:body></w:document>")


def docx_with_metadata() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types '
                    b'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("_rels/.rels", b"<Relationships/>")
        zf.writestr("docProps/core.xml", CORE)
        zf.writestr("docProps/app.xml", APP)
        zf.writestr("word/document.xml", DOCUMENT)
        zf.comment = b"PENANDA-METADATA"
    return out.getvalue()


def odt_with_metadata() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", b"application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", b"<office:document-content>ISI-LAPORAN</office:document-content>")
        zf.writestr("meta.xml", b'<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
                    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                    b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3">'
                    b"<office:meta><meta:initial-creator>PENANDA-METADATA</meta:initial-creator>"
                    b"</office:meta></office:document-meta>")
    return out.getvalue()


def upload(name: str, data: bytes, ctype: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=ctype)


def stored_file(handlers, unlocked) -> tuple[bytes, str]:
    """The single evidence file of the single report, decrypted through the staff download view."""
    report = Report.objects.get()
    evidence = Evidence.objects.get(report=report)
    response = unlocked(handlers.mey).get(reverse("reporting_staff:evidence", args=[report.public_id, evidence.pk]))
    assert response.status_code == 200
    return response.content, response["Content-Type"]


def post_form(client: Client, tree, files, **extra):
    data = report_data(tree, **extra)
    data["files"] = files
    return client.post(reverse("reporting:form", args=["sexual_violence"]), data)


def test_pdf_metadata_is_removed_through_the_form(tree, handlers, unlocked):
    response = post_form(Client(), tree, [upload("surat.pdf", pdf_with_metadata(), "application/pdf")])
    assert response.status_code == 302
    body, ctype = stored_file(handlers, unlocked)
    assert ctype == "application/pdf"
    assert STEM not in body and b"/Producer" not in body
    reader = PdfReader(io.BytesIO(body))
    assert not reader.metadata
    assert "/Metadata" not in reader.root_object and reader.xmp_metadata is None
    page = reader.pages[0]
    assert "/Metadata" not in page
    assert page.get_contents().get_data() == b"BT /F1 12 Tf 10 10 Td (ISI-LAPORAN) Tj ET"
    comment = page["/Annots"][0].get_object()
    assert comment["/Contents"] == "catatan" and "/T" not in comment


def test_docx_metadata_is_removed_through_the_form(tree, handlers, unlocked):
    original = docx_with_metadata()
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        assert MARKER in zf.read("docProps/core.xml") and MARKER in zf.read("docProps/app.xml")
    response = post_form(Client(), tree, [upload("laporan.docx", original)])
    assert response.status_code == 302
    body, ctype = stored_file(handlers, unlocked)
    assert ctype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        assert zf.testzip() is None
        assert zf.namelist() == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
                                 "word/document.xml"]
        parts = {name: zf.read(name) for name in zf.namelist()}
        assert not zf.comment
    assert all(MARKER not in part for part in parts.values())
    assert MARKER not in body
    assert b"Rahasia" not in parts["docProps/core.xml"] and b"2025-03-01" not in parts["docProps/core.xml"]
    assert b"coreProperties" in parts["docProps/core.xml"]
    app = parts["docProps/app.xml"]
    assert b"Company" not in app and b"Manager" not in app and b"Normal.dotm" not in app
    assert b">3<" in app and b"Microsoft Office Word" in app  # harmless statistics stay
    assert parts["word/document.xml"] == DOCUMENT


def test_xlsx_written_by_openpyxl_still_opens_without_author():
    book = openpyxl.Workbook()
    book.active["A1"] = "ISI-LAPORAN"
    book.properties.creator = "PENANDA-METADATA"
    book.properties.lastModifiedBy = "PENANDA-METADATA"
    raw = io.BytesIO()
    book.save(raw)
    clean = clean_upload(upload("tabel.xlsx", raw.getvalue()))
    assert clean.name == "tabel.xlsx" and clean.content_type.endswith("spreadsheetml.sheet")
    reopened = openpyxl.load_workbook(io.BytesIO(clean.data))
    assert reopened.active["A1"].value == "ISI-LAPORAN"
    # openpyxl fills in "openpyxl" when a file names no creator.
    assert reopened.properties.creator == "openpyxl" and reopened.properties.lastModifiedBy is None
    with zipfile.ZipFile(io.BytesIO(clean.data)) as zf:
        assert all(MARKER not in zf.read(name) for name in zf.namelist())


def test_odt_meta_is_emptied_and_mimetype_stays_first_and_stored():
    clean = clean_upload(upload("catatan.odt", odt_with_metadata()))
    assert clean.content_type == "application/vnd.oasis.opendocument.text"
    with zipfile.ZipFile(io.BytesIO(clean.data)) as zf:
        first = zf.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        meta = zf.read("meta.xml")
        assert MARKER not in meta and b'office:version="1.3"' in meta and b"<office:meta/>" in meta
        assert zf.read("content.xml") == b"<office:document-content>ISI-LAPORAN</office:document-content>"


def _assert_refused_and_kept(response, name: str, *phrases: str):
    page = response.content.decode()
    assert response.status_code == 400
    assert name in page
    assert any(phrase in page for phrase in phrases), page[:3000]
    assert "Cerita yang tidak boleh hilang." in page and "Maret 2025" in page
    assert not Report.objects.exists()


@pytest.mark.parametrize("data", [
    pdf_with_metadata(password="rahasia"),
    pytest.param(None, id="owner-password-only"),
])
def test_encrypted_pdf_is_refused_and_the_form_is_kept(client, tree, data):
    if data is None:
        writer = PdfWriter()
        writer.add_blank_page(100, 100)
        writer.encrypt(user_password="", owner_password="pemilik", algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    response = post_form(client, tree, [upload("terkunci.pdf", data, "application/pdf")],
                         narrative="Cerita yang tidak boleh hilang.")
    _assert_refused_and_kept(response, "terkunci.pdf", "dilindungi kata sandi", "protected with a password")


def test_broken_pdf_is_refused_and_a_good_file_stays_staged(client, tree):
    response = post_form(client, tree, [upload("rusak.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "application/pdf"),
                                        upload("baik.pdf", pdf_with_metadata(), "application/pdf")],
                         narrative="Cerita yang tidak boleh hilang.")
    _assert_refused_and_kept(response, "rusak.pdf", "tidak dapat dibaca", "could not be read")
    assert "baik.pdf" in response.content.decode()
    # Sending again without choosing files takes the staged, cleaned PDF along.
    data = report_data(tree, narrative="Cerita yang tidak boleh hilang.")
    assert client.post(reverse("reporting:form", args=["sexual_violence"]), data).status_code == 302
    assert list(Evidence.objects.values_list("content_type", flat=True)) == ["application/pdf"]


def test_recordings_are_refused_with_a_suggestion(client, tree):
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 200
    response = post_form(client, tree, [upload("rekaman.mp3", mp3, "audio/mpeg")],
                         narrative="Cerita yang tidak boleh hilang.")
    _assert_refused_and_kept(response, "rekaman.mp3", "tangkapan layar", "screenshot")
    mp4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 200
    with pytest.raises(ValidationError, match="rekaman|recording"):
        clean_upload(upload("video.mp4", mp4))


def test_legacy_office_files_are_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    for name in ("lama.doc", "terkunci.docx"):
        with pytest.raises(ValidationError) as caught:
            clean_upload(upload(name, ole))
        assert name in caught.value.messages[0] and ".docx" in caught.value.messages[0]


def test_damaged_or_bomb_office_zip_is_refused(settings):
    broken = docx_with_metadata()[:-60]
    with pytest.raises(ValidationError):
        clean_upload(upload("rusak.docx", broken))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("word/document.xml", b"\x00" * (101 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        clean_upload(upload("bom.docx", out.getvalue()))
    assert "bom.docx" in caught.value.messages[0]
