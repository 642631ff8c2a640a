"""Checking evidence files and keeping them encrypted on disk.

The type is decided from the bytes, never from the name or the browser's claim.
Every accepted file is cleaned of the metadata that can identify a reporter:

- Images are decoded and re-encoded with Pillow from raw pixels, which drops EXIF,
  GPS and every other metadata block.
- PDFs are rewritten page by page with pypdf into a new file without the document
  information dictionary (/Author, /Creator, /Producer, /Title ...), without XMP
  (/Metadata, on the catalog, pages, images or anywhere else), /PieceInfo, and
  without the author label (/T) of comments. A PDF pypdf cannot read, or an
  encrypted one, is refused: we cannot clean what we cannot open.
- OOXML (.docx, .xlsx, .pptx) and ODF (.odt, .ods, .odp) are zips; they are rewritten
  with zipfile, emptying docProps/core.xml and docProps/custom.xml, dropping the
  Company, Manager, Template and HyperlinkBase fields of docProps/app.xml, and
  emptying the office:meta of meta.xml. ODF is cleaned rather than refused because
  LibreOffice is common in government offices and meta.xml is one small part.
- Legacy binary Office files (.doc, .xls, .ppt, and password-protected Office files,
  which share the OLE format) are refused: their author fields live in OLE property
  streams the standard library cannot rewrite. People are asked to save as .docx etc.
- Audio and video are refused: no well-kept library for rewriting MP4/3GP/OGG/MP3/
  WebM/AMR without metadata is installed, and recordings carry device names and
  sometimes GPS. People are asked to describe the recording or send a screenshot.
- Plain text has no metadata.

Files are stored under MEDIA_ROOT with random names, encrypted, and are never
served by the web server directly.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET  # noqa: S405 - see _parse_xml

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MB = 1024 * 1024
MAX_DOCUMENT = 10 * MB
# Read up to this much before sniffing, so a recording gets the "we do not accept
# recordings" message rather than a size message.
MAX_READ = 25 * MB
MAX_FILES = 10
MAX_PIXELS = 40_000_000
MAX_UNZIPPED = 100 * MB  # office documents: total uncompressed size (zip bombs)
MAX_ZIP_MEMBERS = 5000
MAX_XML_PART = 2 * MB  # a metadata part larger than this is not a real one


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def evidence_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "reporting" / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def staging_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "reporting" / "staging"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def random_name() -> str:
    return secrets.token_hex(20)


def safe_name(name: str, ext: str) -> str:
    base = os.path.basename(name.replace("\\", "/"))
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*')
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", base).strip(" .")[:100] or "bukti"
    return f"{stem}.{ext}"


def _reencode_image(data: bytes) -> tuple[bytes, str, str]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        img = Image.open(io.BytesIO(data))
        fmt = img.format
        if img.width * img.height > MAX_PIXELS:
            raise ValidationError(_("The image is too large (more than 40 megapixels)."))
        upright = ImageOps.exif_transpose(img)
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
        keep_alpha = has_alpha and fmt != "JPEG"
        pixels = upright.convert("RGBA" if keep_alpha else "RGB")
        # A fresh image from raw pixels carries no metadata at all.
        clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The image could not be read; it may be damaged.")) from exc
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=90, optimize=True)
        return out.getvalue(), "image/jpeg", "jpg"
    if fmt == "WEBP":
        clean.save(out, "WEBP", quality=90)
        return out.getvalue(), "image/webp", "webp"
    clean.save(out, "PNG", optimize=True)
    return out.getvalue(), "image/png", "png"


# --- PDF -------------------------------------------------------------------

# Keys that carry metadata wherever they appear; /Metadata is XMP (catalog, pages,
# images, fonts...), /PieceInfo is private application data (e.g. Illustrator).
_PDF_DROP_KEYS = ("/Metadata", "/PieceInfo")
# Markup annotations whose /T is the author's name (Acrobat fills in the OS user).
_PDF_MARKUP = {"/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
               "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink", "/FileAttachment", "/Sound",
               "/Redact", "/Popup"}


def _scrub_pdf_objects(root: DictionaryObject) -> None:
    """Drop metadata keys from every dictionary reachable from the new catalog."""
    seen: set[int] = set()
    stack: list[object] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            obj = obj.get_object()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, DictionaryObject):  # includes streams
            for key in _PDF_DROP_KEYS:
                obj.pop(NameObject(key), None)
            if obj.get("/Subtype") in _PDF_MARKUP and "/Rect" in obj:
                obj.pop(NameObject("/T"), None)
            stack.extend(value for key, value in obj.items() if key != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _clean_pdf(data: bytes) -> bytes:
    """A new PDF with the same pages and no document-level or object-level metadata."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(_(
                "The PDF is protected with a password or encryption, so we cannot remove the author's "
                "details from it. Please save or print it as a new PDF without protection, or send a "
                "screenshot instead."))
        writer = PdfWriter()
        writer.metadata = None  # no /Info at all, not even /Producer
        header = reader.pdf_header
        if re.fullmatch(r"%PDF-[12]\.\d", header):
            writer.pdf_header = header
        for page in reader.pages:
            writer.add_page(page, excluded_keys=_PDF_DROP_KEYS)
        if not writer.pages:
            raise ValueError("no pages")
        _scrub_pdf_objects(writer.root_object)
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on bad input; never a 500
        raise ValidationError(_(
            "The PDF could not be read; it may be damaged. Please save it again, or send a "
            "screenshot instead.")) from exc
    return out.getvalue()


# --- Office documents (zip) -----------------------------------------------

_NS_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_NS_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EMPTY_CORE = _XML_DECL + (
    f'<cp:coreProperties xmlns:cp="{_NS_CP}" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>').encode()
_EMPTY_APP = _XML_DECL + f'<Properties xmlns="{_NS_EP}" xmlns:vt="{_NS_VT}"/>'.encode()
_EMPTY_CUSTOM = _XML_DECL + (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    f'xmlns:vt="{_NS_VT}"/>').encode()
# docProps/app.xml fields that name people or places; statistics (pages, words) stay.
_APP_DROP = {"Company", "Manager", "Template", "HyperlinkBase"}


class _Unreadable(Exception):
    pass


def _parse_xml(raw: bytes) -> ET.Element:
    # ElementTree never fetches external entities, and expat >= 2.4.1 (Python 3.11
    # bundles it) refuses entity-expansion bombs; parts are also size-capped.
    if len(raw) > MAX_XML_PART:
        raise _Unreadable("part too large")
    return ET.fromstring(raw)  # noqa: S314


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean_app_xml(raw: bytes) -> bytes:
    try:
        root = _parse_xml(raw)
        if root.tag != f"{{{_NS_EP}}}Properties":
            return _EMPTY_APP
        for child in list(root):
            if _local(child.tag) in _APP_DROP:
                root.remove(child)
        ET.register_namespace("vt", _NS_VT)
        return _XML_DECL + ET.tostring(root, encoding="utf-8", xml_declaration=False, default_namespace=_NS_EP)
    except (ET.ParseError, ValueError, _Unreadable):
        return _EMPTY_APP  # every field of app.xml is optional


def _clean_odf_meta(raw: bytes) -> bytes:
    version = "1.2"
    try:
        found = _parse_xml(raw).get(f"{{{_NS_OFFICE}}}version", "")
        if re.fullmatch(r"\d\.\d", found):
            version = found
    except (ET.ParseError, ValueError, _Unreadable):
        pass
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta xmlns:office="{_NS_OFFICE}" '
            f'office:version="{version}"><office:meta/></office:document-meta>').encode()


def _ooxml_cleaner(name: str) -> Callable[[bytes], bytes] | None:
    lowered = name.lower()  # OOXML part names are case-insensitive
    if lowered == "docprops/core.xml":
        return lambda raw: _EMPTY_CORE
    if lowered == "docprops/custom.xml":
        return lambda raw: _EMPTY_CUSTOM
    if lowered == "docprops/app.xml":
        return _clean_app_xml
    return None


def _odf_cleaner(name: str) -> Callable[[bytes], bytes] | None:
    return _clean_odf_meta if name == "meta.xml" else None


def _odf_is_encrypted(zin: zipfile.ZipFile) -> bool:
    try:
        info = zin.getinfo("META-INF/manifest.xml")
    except KeyError:
        return False
    if info.file_size > MAX_XML_PART:
        raise _Unreadable("manifest too large")
    return any(_local(el.tag) == "encryption-data" for el in _parse_xml(zin.read(info)).iter())


def _clean_zip(data: bytes, odf: bool) -> bytes:
    """Rewrite an office zip member by member, replacing the metadata parts."""
    cleaner = _odf_cleaner if odf else _ooxml_cleaner
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zin:
            infos = zin.infolist()
            if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise _Unreadable("too large when unpacked")
            if any(i.flag_bits & 0x1 for i in infos) or (odf and _odf_is_encrypted(zin)):
                raise _Unreadable("password-protected")
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
                for info in infos:
                    # A fresh entry: no original timestamps, extra fields or comments.
                    entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                    entry.compress_type = (zipfile.ZIP_STORED if info.compress_type == zipfile.ZIP_STORED
                                           else zipfile.ZIP_DEFLATED)  # ODF needs "mimetype" stored
                    replace = cleaner(info.filename)
                    if replace is not None:
                        if info.file_size > MAX_XML_PART:
                            raise _Unreadable("metadata part too large")
                        zout.writestr(entry, replace(zin.read(info)))
                        continue
                    entry.file_size = info.file_size
                    with zin.open(info) as src, zout.open(entry, "w") as dst:
                        shutil.copyfileobj(src, dst, 1024 * 1024)
    except (_Unreadable, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
            NotImplementedError, ValueError, KeyError, zlib.error, ET.ParseError) as exc:
        raise ValidationError(_(
            "The document could not be read; it may be damaged, protected with a password, or too large "
            "when unpacked. Please save it again without a password, save it as PDF, or send a screenshot.")
        ) from exc
    return out.getvalue()


# --- Sniffing -----------------------------------------------------------------

_OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
          "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
          "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")}
_ODF = {"application/vnd.oasis.opendocument.text": "odt",
        "application/vnd.oasis.opendocument.spreadsheet": "ods",
        "application/vnd.oasis.opendocument.presentation": "odp"}
_FTYP_IMAGES = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
_OLE = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}


def _zip_type(data: bytes) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if "[Content_Types].xml" in names:
                for prefix, found in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return found
            if "mimetype" in names:
                mime = zf.read("mimetype").decode("ascii", "replace").strip()
                if mime in _ODF:
                    return mime, _ODF[mime]
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def sniff(data: bytes, claimed_name: str) -> tuple[str, str, str] | None:
    """(group, content type, extension) decided from the bytes; None if not allowed."""
    head = data[:16]
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
            head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image", "", ""
    if head.startswith(b"%PDF-"):
        return "document", "application/pdf", "pdf"
    if head.startswith(b"PK\x03\x04"):
        found = _zip_type(data)
        return ("document", *found) if found else None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # Legacy Office and password-protected OOXML; refused in clean_upload.
        ext = claimed_name.rsplit(".", 1)[-1].lower() if "." in claimed_name else ""
        return "ole", _OLE.get(ext, "application/x-ole-storage"), ext
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _FTYP_IMAGES:
            return "image", "", ""  # HEIC/AVIF photos: Pillow re-encodes what it can read
        if brand.startswith(b"M4A"):
            return "media", "audio/mp4", "m4a"
        if brand.startswith(b"3g"):
            return "media", "video/3gpp", "3gp"
        if brand == b"qt  ":
            return "media", "video/quicktime", "mov"
        return "media", "video/mp4", "mp4"
    if head.startswith(b"OggS"):
        return "media", "audio/ogg", "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "media", "audio/wav", "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "media", "audio/mpeg", "mp3"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "media", "video/webm", "webm"
    if head.startswith(b"#!AMR"):
        return "media", "audio/amr", "amr"
    if len(data) <= MB and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "document", "text/plain", "txt"
    return None


def clean_upload(upload: UploadedFile) -> CleanFile:
    """Check one uploaded file and strip its metadata; raise ValidationError with a message naming the file."""
    label = "".join(ch for ch in os.path.basename((upload.name or "").replace("\\", "/"))
                    if ch.isprintable())[:120] or "bukti"
    if upload.size is not None and upload.size > MAX_READ:
        raise ValidationError(_("“%(name)s” is too large (%(size)s). The limit is %(limit)s.")
                              % {"name": label, "size": filesizeformat(upload.size),
                                 "limit": filesizeformat(MAX_DOCUMENT)})
    data = upload.read()
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": label})
    found = sniff(data, upload.name or "")
    if found is None:
        raise ValidationError(_(
            "“%(name)s” is not a file type we accept. Please send a photo (JPG, PNG, WebP), a PDF, a Word, "
            "Excel or PowerPoint file (.docx, .xlsx, .pptx), an OpenDocument file (.odt, .ods, .odp) or a "
            "plain text file.") % {"name": label})
    group, ctype, ext = found
    if group == "media":
        raise ValidationError(_(
            "“%(name)s” is an audio or video recording. Recordings keep details of the phone or camera, "
            "sometimes even the place, and we cannot remove them yet, so we do not accept recordings. Please "
            "write down what was said or shown, or send a screenshot; you can mention in your report that you "
            "have a recording.") % {"name": label})
    if group == "ole":
        raise ValidationError(_(
            "“%(name)s” is an old-format or password-protected Office file (.doc, .xls, .ppt). Such files "
            "keep the author's name inside and we cannot remove it. Please save it as .docx, .xlsx, .pptx or "
            "PDF without a password, or send a screenshot.") % {"name": label})
    if len(data) > MAX_DOCUMENT:
        raise ValidationError(_("“%(name)s” is too large (%(size)s). The limit is %(limit)s.")
                              % {"name": label, "size": filesizeformat(len(data)),
                                 "limit": filesizeformat(MAX_DOCUMENT)})
    try:
        if group == "image":
            data, ctype, ext = _reencode_image(data)
        elif ctype == "application/pdf":
            data = _clean_pdf(data)
        elif ext in _ODF.values():
            data = _clean_zip(data, odf=True)
        elif ext in ("docx", "xlsx", "pptx"):
            data = _clean_zip(data, odf=False)
    except ValidationError as exc:
        raise ValidationError(f"“{label}”: {exc.messages[0]}") from exc
    return CleanFile(name=safe_name(upload.name or "", ext), content_type=ctype, data=data)
