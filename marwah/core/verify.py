"""The contract for documents the public `/verifikasi/` page can confirm.

Pledge PDFs, case decision letters and leave letters are all signed with the institution
key (marwah.pledges.pdf.sign_pdf) and carry a QR code to `/verifikasi/<code>/`. Each app
that issues such a document has a `verification.py` with

    def lookup(code: str) -> VerifiedDocument | None          # the QR target
    def lookup_sha256(digest: str) -> VerifiedDocument | None  # an uploaded file's hash

returning only what may be shown publicly (no report content, no victim, no reason for
leave). The verification views ask each app in APP_ORDER until one answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

APP_ORDER = ["pledges", "cases", "leave"]


@dataclass(frozen=True)
class VerifiedDocument:
    kind: str  # translated, e.g. "Pakta integritas", "Surat keputusan", "Surat izin cuti"
    title: str
    issued_at: datetime
    issuer: str  # unit or institution name
    holder: str = ""  # the person the document is about, where that is public (signer, leave taker)
    sha256: str = ""
    status: str = ""  # e.g. "valid", "cancelled"; shown as is (translated by the app)
    code: str = ""  # the document's /verifikasi/<code>/ code, for a link from an upload check
    details: tuple[tuple[str, str], ...] = ()  # further public facts as (label, value), shown as is


def _modules() -> list[Any]:
    out = []
    for app in APP_ORDER:
        try:
            out.append(import_module(f"marwah.{app}.verification"))
        except ModuleNotFoundError as exc:
            if exc.name not in (f"marwah.{app}.verification", f"marwah.{app}"):
                raise
    return out


def lookup(code: str) -> VerifiedDocument | None:
    for module in _modules():
        found = module.lookup(code)
        if found is not None:
            return found
    return None


def lookup_sha256(digest: str) -> VerifiedDocument | None:
    for module in _modules():
        found = module.lookup_sha256(digest)
        if found is not None:
            return found
    return None
