"""Checking evidence files and keeping them encrypted on disk.

The type is decided from the bytes, never from the name or the browser's claim.
Images are decoded and re-encoded with Pillow from raw pixels, which drops EXIF,
GPS and every other metadata block. Files are stored under MEDIA_ROOT with random
names, encrypted, and are never served by the web server directly.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
MAX_DOCUMENT = 10 * MB
MAX_MEDIA = 25 * MB  # audio/video: short clips and voice notes
MAX_FILES = 10
MAX_PIXELS = 40_000_000


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


_OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
          "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
          "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")}
_ODF = {"application/vnd.oasis.opendocument.text": "odt",
        "application/vnd.oasis.opendocument.spreadsheet": "ods",
        "application/vnd.oasis.opendocument.presentation": "odp"}
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
        ext = claimed_name.rsplit(".", 1)[-1].lower() if "." in claimed_name else ""
        return ("document", _OLE[ext], ext) if ext in _OLE else None
    if head[4:8] == b"ftyp":
        brand = head[8:12]
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
    """Check one uploaded file; raise ValidationError with a message naming the file."""
    label = "".join(ch for ch in os.path.basename((upload.name or "").replace("\\", "/"))
                    if ch.isprintable())[:120] or "bukti"
    limit = MAX_MEDIA
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("“%(name)s” is too large (%(size)s). The limit is %(limit)s.")
                              % {"name": label, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)})
    data = upload.read()
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": label})
    found = sniff(data, upload.name or "")
    if found is None:
        raise ValidationError(_(
            "“%(name)s” is not a file type we accept. Please send a photo (JPG, PNG, WebP), a PDF, "
            "an office document, or a short audio or video recording.") % {"name": label})
    group, ctype, ext = found
    if group != "media" and len(data) > MAX_DOCUMENT:
        raise ValidationError(_("“%(name)s” is too large (%(size)s). The limit is %(limit)s.")
                              % {"name": label, "size": filesizeformat(len(data)),
                                 "limit": filesizeformat(MAX_DOCUMENT)})
    if group == "image":
        try:
            data, ctype, ext = _reencode_image(data)
        except ValidationError as exc:
            raise ValidationError(f"“{label}”: {exc.messages[0]}") from exc
    return CleanFile(name=safe_name(upload.name or "", ext), content_type=ctype, data=data)
