"""Signal receivers: a submitted report becomes a case; a repeat match flags the cases."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

# Set while the neutrality team files a lead through the reporting service, so the receiver
# routes it to the employee's superior and HR and keeps the filing member on the case.
LEAD_FILER: ContextVar[Any] = ContextVar("marwah_cases_lead_filer", default=None)


def on_report_submitted(sender: Any, report: Any, report_key: bytes | None = None,
                        accused_employee_ids: list[int] | None = None,
                        involved_employee_ids: list[int] | None = None, seal_identity_share: Any = None,
                        **kwargs: Any) -> None:
    from marwah.cases.services import open_case

    open_case(report=report, report_key=report_key, accused_employee_ids=list(accused_employee_ids or []),
              involved_employee_ids=list(involved_employee_ids or []), lead_filer=LEAD_FILER.get(),
              seal_identity_share=seal_identity_share)


def on_repeat_match(sender: Any, reports: list[Any], **kwargs: Any) -> None:
    from marwah.cases.services import flag_repeat

    flag_repeat(reports=list(reports))


def connect() -> None:
    from marwah.reporting import signals

    signals.report_submitted.connect(on_report_submitted, dispatch_uid="cases.report_submitted")
    signals.repeat_match.connect(on_repeat_match, dispatch_uid="cases.repeat_match")
