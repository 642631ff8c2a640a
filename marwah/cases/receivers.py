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


def _has_tables() -> bool:
    # Until the reporting app ships its first migration, cases has none either: stay disconnected
    # so other apps' tests do not hit a missing table.
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    module = getattr(settings, "MIGRATION_MODULES", {}).get("cases")
    if module:
        return True
    return bool(MigrationLoader.migrations_module("cases")[0]) and any(
        (__import__("pathlib").Path(__file__).parent / "migrations").glob("0*.py"))


def connect() -> None:
    from marwah.reporting import signals

    if not _has_tables():
        return

    signals.report_submitted.connect(on_report_submitted, dispatch_uid="cases.report_submitted")
    signals.repeat_match.connect(on_repeat_match, dispatch_uid="cases.repeat_match")
