"""Signal receivers: a submitted report becomes a case; a repeat match flags the cases."""

from __future__ import annotations

from typing import Any


def on_report_submitted(sender: Any, report: Any, report_key: bytes | None = None,
                        accused_employee_ids: list[int] | None = None,
                        involved_employee_ids: list[int] | None = None, **kwargs: Any) -> None:
    from marwah.cases.services import open_case

    open_case(report=report, report_key=report_key, accused_employee_ids=list(accused_employee_ids or []),
              involved_employee_ids=list(involved_employee_ids or []))


def on_repeat_match(sender: Any, reports: list[Any], **kwargs: Any) -> None:
    from marwah.cases.services import flag_repeat

    flag_repeat(reports=list(reports))


def connect() -> None:
    from marwah.reporting import signals

    signals.report_submitted.connect(on_report_submitted, dispatch_uid="cases.report_submitted")
    signals.repeat_match.connect(on_repeat_match, dispatch_uid="cases.repeat_match")
