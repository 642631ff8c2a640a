"""Signed pledges for the public /verifikasi/ page (contract: marwah.core.verify).

Shows what the QR page always showed: document, institution, signer's name, unit, date, how it was
signed and the text hash. Never the NIP.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marwah.core.verify import VerifiedDocument
from marwah.pledges.models import Signature


def _document(signature: Signature) -> VerifiedDocument:
    assert signature.signed_at is not None and signature.version is not None
    how = signature.get_method_display()
    if signature.ceremony is not None:
        how += f" — {signature.ceremony.place}, {date_format(signature.ceremony.held_on, 'j F Y')}"
    details = [(_("Unit"), signature.unit.name), (_("How"), how),
               (_("Text hash (SHA-256)"), signature.text_sha256)]
    if signature.status == Signature.Status.LATE:
        details.append((_("Status"), str(Signature.Status.LATE.label)))
    return VerifiedDocument(
        kind=str(signature.version.document.get_kind_display()),
        title=_("%(title)s (version %(n)s)") % {"title": signature.version.title, "n": signature.version.number},
        issued_at=signature.signed_at,
        issuer=signature.campaign.institution.name,
        holder=signature.employee.name,
        sha256=signature.pdf_sha256,
        status=_("valid"),
        code=signature.verify_code or "",
        details=tuple(details),
    )


def _signatures():  # type: ignore[no-untyped-def]
    return (Signature.objects.select_related("employee", "unit", "version", "campaign__institution",
                                             "version__document", "ceremony")
            .exclude(status=Signature.Status.PENDING))


def lookup(code: str) -> VerifiedDocument | None:
    signature = _signatures().filter(verify_code=code.strip().upper()).first()
    return _document(signature) if signature is not None else None


def lookup_sha256(digest: str) -> VerifiedDocument | None:
    signature = _signatures().filter(pdf_sha256=digest.lower()).first() if digest else None
    return _document(signature) if signature is not None else None
