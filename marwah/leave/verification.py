"""Public verification of leave letters (marwah.core.verify contract).

Only what the letter itself shows publicly: the kind of document, who holds it, the
issuing unit and the date, and whether it still stands. Never the reason or the proof.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from marwah.core.verify import VerifiedDocument
from marwah.leave.letters import type_label
from marwah.leave.models import Request, Status

STATUS: dict[str, str] = {Status.APPROVED: "valid", Status.CANCELLED: "cancelled", Status.RECALLED: "recalled"}


def _document(request: Request | None) -> VerifiedDocument | None:
    if request is None or not request.decided_at or request.status not in STATUS:
        return None
    title = _("%(type)s, %(start)s to %(end)s") % {
        "type": type_label(request), "start": request.start.strftime("%d-%m-%Y"),
        "end": request.effective_end.strftime("%d-%m-%Y")}
    labels = {"valid": _("valid"), "cancelled": _("cancelled"), "recalled": _("called back")}
    return VerifiedDocument(
        kind=_("Leave letter"), title=title, issued_at=request.decided_at, issuer=request.unit.name,
        holder=request.employee.name, sha256=request.pdf_sha256, status=labels[STATUS[request.status]])


def _query():  # type: ignore[no-untyped-def]
    return Request.objects.select_related("employee", "unit", "permission_type")


def lookup(code: str) -> VerifiedDocument | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 32 or not code.isalnum():
        return None
    return _document(_query().filter(verify_code=code).first())


def lookup_sha256(digest: str) -> VerifiedDocument | None:
    digest = (digest or "").strip().lower()
    if len(digest) != 64:
        return None
    return _document(_query().filter(pdf_sha256=digest).first())
