"""The decision letter as a signed A4 PDF (WeasyPrint + the institution key). It never names the reporter.

The decision summary is stored encrypted with the report key; the view decrypts it for the
handler downloading the letter and passes it in, so the PDF is rendered, signed (PAdES, the same
key as pledge PDFs, marwah.pledges.pdf.sign_pdf) and sent, never stored. Its hash is kept
(`IssuedLetter`) so /verifikasi/ recognises the file; its QR code opens /verifikasi/<code>/.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marwah.cases.models import Case, Decision
from marwah.rules.sanctions import SANCTIONS
from marwah.rules.violations import CATEGORIES, KINDS


def verify_url(decision: Decision) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("verify:detail", args=[decision.verify_code])


def decision_letter(case: Case, decision: Decision, *, summary: str) -> bytes:
    from marwah.pledges import pdf as pdfmod

    kind = KINDS.get(case.kind)
    url = verify_url(decision)
    html = render_to_string("cases/letter.html", {
        "case": case,
        "decision": decision,
        "summary": summary,
        "kind": kind,
        "category": CATEGORIES.get(case.category),
        "sanctions": [SANCTIONS[c] for c in decision.sanctions if c in SANCTIONS],
        "signer": decision.decided_by,
        "date": timezone.localtime(decision.decided_at).date(),
        "qr": pdfmod.qr_svg(url),
        "url": url,
    })
    reason = _("Decision letter %(number)s") % {"number": decision.letter_number}
    return pdfmod.sign_pdf(pdfmod.render_pdf(html), reason=reason, location=case.handling_unit.name)
