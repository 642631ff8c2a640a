"""The decision letter as an A4 PDF (WeasyPrint). It never names the reporter.

The decision summary is stored encrypted with the report key; the view decrypts it for the
handler downloading the letter and passes it in, so the PDF is rendered and sent, never stored.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from marwah.cases.models import Case, Decision
from marwah.rules.sanctions import SANCTIONS
from marwah.rules.violations import CATEGORIES, KINDS


def decision_letter(case: Case, decision: Decision, *, summary: str) -> bytes:
    from weasyprint import HTML

    kind = KINDS.get(case.kind)
    html = render_to_string("cases/letter.html", {
        "case": case,
        "decision": decision,
        "summary": summary,
        "kind": kind,
        "category": CATEGORIES.get(case.category),
        "sanctions": [SANCTIONS[c] for c in decision.sanctions if c in SANCTIONS],
        "signer": decision.decided_by,
        "date": timezone.localtime(decision.decided_at).date(),
    })
    return HTML(string=html).write_pdf()
