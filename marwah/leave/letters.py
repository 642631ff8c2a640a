"""The leave letter (surat izin / surat cuti): a PDF signed with the institution key, verifiable by QR.

The letter names the person, the type, the dates and who granted it. It never carries the
reason for leave or the proof (a doctor's letter stays in the request).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from marwah.leave.models import Request
from marwah.pledges import pdf as pdfmod
from marwah.rules import leave as rules


def _new_code() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode()


def pdf_path(request: Request) -> Path:
    return Path(settings.MEDIA_ROOT) / "leave" / f"{request.verify_code}.pdf"


def verify_url(request: Request) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("verify:detail", args=[request.verify_code])


def type_label(request: Request) -> str:
    return request.type_label


def build_pdf(request: Request) -> bytes:
    url = verify_url(request)
    ltype = rules.get_type(request.leave_type) if request.leave_type else None
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("leave/letter.html", {
            "r": request, "type_label": type_label(request), "qr": pdfmod.qr_svg(url), "url": url,
            "citation": ltype.citation if ltype else None, "institution": request.institution,
            "employee": request.employee, "unit": request.unit})
        reason = _("Leave letter %(code)s") % {"code": request.verify_code}
    return pdfmod.sign_pdf(pdfmod.render_pdf(html), reason=reason, location=request.unit.name)


def issue(request: Request) -> bytes:
    """Number, sign and keep the letter of an approved request."""
    if not request.verify_code:
        request.verify_code = _new_code()
        request.letter_number = f"{request.pk}/CUTI/{request.unit.code}/{request.decided_at:%Y}"[:60] \
            if request.decided_at else f"{request.pk}/CUTI"
        Request.objects.filter(pk=request.pk).update(verify_code=request.verify_code,
                                                     letter_number=request.letter_number)
    data = build_pdf(request)
    path = pdf_path(request)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    request.pdf_sha256 = hashlib.sha256(data).hexdigest()
    Request.objects.filter(pk=request.pk).update(pdf_sha256=request.pdf_sha256)
    return data


def letter_bytes(request: Request) -> bytes:
    path = pdf_path(request)
    if request.pdf_sha256 and path.exists():
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == request.pdf_sha256:
            return data
    return issue(request)
