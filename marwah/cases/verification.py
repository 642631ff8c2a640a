"""Decision letters for the public /verifikasi/ page (contract: marwah.core.verify).

Only what the letter itself shows without names: that it is a decision letter, its number and case
number, the issuing unit and date. Never the reporter, the reported person, the victim or the summary.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from marwah.cases.models import Decision, IssuedLetter
from marwah.core.verify import VerifiedDocument


def _document(decision: Decision, sha256: str = "") -> VerifiedDocument:
    case = decision.case
    return VerifiedDocument(
        kind=_("Decision letter"),
        title=_("Decision %(number)s on case %(reference)s") % {
            "number": decision.letter_number, "reference": case.reference or ""},
        issued_at=decision.decided_at,
        issuer=case.handling_unit.name,
        sha256=sha256,
        status=_("valid"),
        code=decision.verify_code or "",
        details=((_("Case number"), case.reference or ""), (_("Letter number"), decision.letter_number)),
    )


def lookup(code: str) -> VerifiedDocument | None:
    decision = (Decision.objects.select_related("case__handling_unit")
                .filter(verify_code=code.strip().upper()).first())
    return _document(decision) if decision is not None else None


def lookup_sha256(digest: str) -> VerifiedDocument | None:
    letter = (IssuedLetter.objects.select_related("decision__case__handling_unit")
              .filter(sha256=digest.lower()).first())
    return _document(letter.decision, letter.sha256) if letter is not None else None
