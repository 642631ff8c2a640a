"""Writes to the people registry: the checked import, applied in one transaction."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from marwah.accounts.models import User
from marwah.audit import services as audit
from marwah.orgs.models import Unit
from marwah.people.importer import Row
from marwah.people.models import Employee, ImportJob

CHUNK = 5000
FIELDS = ["name", "position", "employment_type", "email", "phone", "unit_id", "unit_path", "institution_id",
          "birth_date", "gender", "is_active"]


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def units_by_code(root: Unit, codes: set[str]) -> dict[str, tuple[int, str, int]]:
    """code -> (id, path, institution id), only for units in root's subtree."""
    found: dict[str, tuple[int, str, int]] = {}
    for chunk in _chunks(sorted(codes)):
        for pk, code, path, inst in Unit.objects.filter(
            institution_id=root.institution_id, code__in=chunk, path__startswith=root.path
        ).values_list("id", "code", "path", "institution_id"):
            found[code] = (pk, path, inst)
    return found


def existing_refs(refs: set[str]) -> set[str]:
    found: set[str] = set()
    items = sorted(refs)
    for chunk in _chunks(items):
        found.update(n for n in Employee.objects.filter(nip__in=chunk).values_list("nip", flat=True) if n)
        found.update(n for n in Employee.objects.filter(employee_number__in=chunk)
                     .values_list("employee_number", flat=True) if n)
    return found


def import_employees(*, actor: User | None, root: Unit, rows: list[Row]) -> ImportSummary:
    """Create or update every row (keyed by NIP, else by employee number); never duplicates."""
    summary = ImportSummary()
    units = units_by_code(root, {r.unit_code for r in rows})
    with transaction.atomic():
        by_nip: dict[str, Employee] = {}
        by_number: dict[str, Employee] = {}
        nips = [r.nip for r in rows if r.nip]
        numbers = [r.employee_number for r in rows if not r.nip and r.employee_number]
        for chunk in _chunks(nips):
            for e in Employee.objects.filter(nip__in=chunk).only("id", "nip", *[f for f in FIELDS if f != "unit_id"],
                                                                 "unit_id"):
                by_nip[e.nip or ""] = e
        for chunk in _chunks(numbers):
            for e in Employee.objects.filter(institution_id=root.institution_id, employee_number__in=chunk):
                by_number[e.employee_number or ""] = e
        to_create: list[Employee] = []
        to_update: list[Employee] = []
        for row in rows:
            unit_id, path, inst = units[row.unit_code]
            values = {
                "name": row.name, "position": row.position, "employment_type": row.employment_type,
                "email": row.email, "phone": row.phone, "unit_id": unit_id, "unit_path": path,
                "institution_id": inst, "birth_date": date.fromisoformat(row.birth_date) if row.birth_date else None,
                "gender": row.gender, "is_active": True,
            }
            current = by_nip.get(row.nip) if row.nip else by_number.get(row.employee_number or "")
            if current is None:
                to_create.append(Employee(nip=row.nip, employee_number=row.employee_number, **values))
                continue
            if row.nip and row.employee_number and current.employee_number != row.employee_number:
                values["employee_number"] = row.employee_number
            changed = False
            for name, value in values.items():
                if getattr(current, name) != value:
                    setattr(current, name, value)
                    changed = True
            if changed:
                to_update.append(current)
            else:
                summary.unchanged += 1
        Employee.objects.bulk_create(to_create, batch_size=2000)
        _update_rows(to_update, FIELDS + ["employee_number"])
        summary.created, summary.updated = len(to_create), len(to_update)
        _link_superiors(rows)
        audit.record(actor=actor, action="people.import", target=root, unit=root,
                     detail={"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged})
    return summary


def _update_rows(employees: list[Employee], fields: list[str]) -> None:
    """Write changed people with one UPDATE … FROM (VALUES …) per 1,000 rows.

    Django's bulk_update builds a CASE per field whose cost grows with the square of
    the batch; this is linear and measured in benchmarks/people_import.py.
    """
    if not employees:
        return
    meta = Employee._meta
    table = meta.db_table
    fields = [*fields, "updated_at"]
    columns = ["id"] + [str(getattr(meta.get_field(f), "column", f)) for f in fields]
    pg = connection.vendor == "postgresql"
    types = ["bigint"] + [meta.get_field(f).db_type(connection) or "text" for f in fields]
    now = timezone.now()
    for employee in employees:
        employee.updated_at = now
    with connection.cursor() as cursor:
        for chunk in _chunks(employees, 1000):
            # PostgreSQL infers VALUES column types from the first row, so that row carries casts.
            first = "(" + ", ".join(f"%s::{t}" if pg else "%s" for t in types) + ")"
            other = "(" + ", ".join(["%s"] * len(types)) + ")"
            values = ", ".join([first] + [other] * (len(chunk) - 1))
            params: list[Any] = []
            for e in chunk:
                params.append(e.pk)
                for f in fields:
                    value = getattr(e, f)
                    params.append(value.isoformat() if isinstance(value, date) and not pg else value)
            sets = ", ".join(f"{c} = v.{c}" for c in columns[1:])
            cursor.execute(
                f"WITH v({', '.join(columns)}) AS (VALUES {values}) "  # noqa: S608
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.id = v.id",
                params,
            )


def _link_superiors(rows: list[Row]) -> None:
    """Point each row at its superior; only rows whose superior actually changes are written."""
    wanted = [r for r in rows if r.superior]
    if not wanted:
        return
    refs = sorted({r.superior for r in wanted if r.superior})
    ids: dict[str, int] = {}
    for chunk in _chunks(refs):
        ids.update((nip or "", pk) for pk, nip in Employee.objects.filter(nip__in=chunk).values_list("id", "nip"))
        ids.update((number or "", pk) for pk, number in Employee.objects.filter(employee_number__in=chunk)
                   .values_list("id", "employee_number"))
    current: dict[str, tuple[int, int | None]] = {}
    for chunk in _chunks([r.nip for r in wanted if r.nip]):
        current.update((nip or "", (pk, boss)) for pk, nip, boss in
                       Employee.objects.filter(nip__in=chunk).values_list("id", "nip", "superior_id"))
    for chunk in _chunks([r.employee_number for r in wanted if not r.nip and r.employee_number]):
        current.update((num or "", (pk, boss)) for pk, num, boss in
                       Employee.objects.filter(employee_number__in=chunk).values_list("id", "employee_number",
                                                                                      "superior_id"))
    pairs: list[tuple[int, int]] = []
    for row in wanted:
        own = current.get(row.nip or row.employee_number or "")
        boss = ids.get(row.superior or "")
        if own and boss and own[0] != boss and own[1] != boss:
            pairs.append((own[0], boss))
    table = Employee._meta.db_table
    with connection.cursor() as cursor:
        for chunk in _chunks(pairs, 2000):
            values = ", ".join(["(%s, %s)"] * len(chunk))
            params = [v for pair in chunk for v in pair]
            # One statement per 2,000 people instead of Django's CASE-per-row bulk_update.
            cursor.execute(
                f"WITH v(id, boss) AS (VALUES {values}) "  # noqa: S608
                f"UPDATE {table} SET superior_id = v.boss FROM v WHERE {table}.id = v.id",
                params,
            )


# --- Pending imports: the checked rows wait in a private file between preview and confirm. -----------

def _pending_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def save_pending(rows: list[Row]) -> str:
    token = secrets.token_urlsafe(18)
    fd = os.open(_pending_dir() / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump([r.__dict__ for r in rows], handle)
    return token


def load_pending(token: str) -> list[Row] | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _pending_dir() / f"{token}.json"
    if not path.exists():
        return None
    return [Row(**item) for item in json.loads(path.read_text())]


def drop_pending(token: str) -> None:
    path = _pending_dir() / f"{token}.json"
    path.unlink(missing_ok=True)


def link_account(*, employee: Employee, user: User) -> None:
    """Tie a newly activated account to its person in the registry."""
    with transaction.atomic():
        Employee.objects.filter(pk=employee.pk, user__isnull=True).update(user=user)
        employee.user = user
        audit.record(actor=user, action="employee.account_linked", target=employee, unit=employee.unit_id)


# --- Background imports: check and apply run in the worker; the page polls the job. -------------------

def _upload_path(job: ImportJob) -> Path:
    return _pending_dir() / f"job-{job.pk}.upload"


def start_import(*, actor: User, root: Unit, upload: Any, language: str = "") -> ImportJob:
    """Keep the uploaded file privately and queue its check; nothing is written to the registry."""
    from marwah.core.tasks import enqueue_on_commit
    from marwah.people.tasks import check_import_task

    with transaction.atomic():
        job = ImportJob.objects.create(created_by=actor, root=root, filename=upload.name[:255], language=language)
        fd = os.open(_upload_path(job), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            for piece in upload.chunks():
                handle.write(piece)
        audit.record(actor=actor, action="people.import_started", target=root, unit=root,
                     detail={"file": job.filename})
        enqueue_on_commit(check_import_task, job.pk)
    return job


def check_import(*, job: ImportJob) -> ImportJob:
    """Read and validate the whole file, reporting progress on the job; keep the clean rows aside."""
    from marwah.people.importer import ImportFileError, check_file, estimate_rows

    path = _upload_path(job)
    root = job.root
    with translation.override(job.language or settings.LANGUAGE_CODE), path.open("rb") as handle:
        total = estimate_rows(handle, job.filename)
        ImportJob.objects.filter(pk=job.pk).update(total=total, done=0)

        def progress(done: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(done=done)

        try:
            result = check_file(handle, job.filename,
                                resolve_units=lambda codes: set(units_by_code(root, codes)),
                                resolve_superiors=existing_refs, progress=progress)
        except ImportFileError as exc:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, message=str(exc))
            path.unlink(missing_ok=True)
            job.refresh_from_db()
            return job
    token = save_pending(result.rows) if not result.error_count else ""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.REJECTED if result.error_count else ImportJob.Status.CHECKED,
        done=total, row_count=len(result.rows), error_count=result.error_count, errors=result.errors,
        preview=[r.__dict__ for r in result.rows[:20]], pending_token=token)
    path.unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def request_apply(*, actor: User, job: ImportJob) -> bool:
    """Queue the import of a clean, checked file. False if it is not (or no longer) waiting."""
    from marwah.core.tasks import enqueue_on_commit
    from marwah.people.tasks import apply_import_task

    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, created_by=actor, status=ImportJob.Status.CHECKED).update(
            status=ImportJob.Status.APPLYING, done=0, total=job.row_count)
        if claimed:
            enqueue_on_commit(apply_import_task, job.pk)
    return bool(claimed)


def apply_import(*, job: ImportJob) -> ImportJob:
    rows = load_pending(job.pending_token)
    if rows is None:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
        job.refresh_from_db()
        return job
    summary = import_employees(actor=job.created_by, root=job.root, rows=rows)
    drop_pending(job.pending_token)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, done=len(rows), summary=summary.__dict__,
                                               pending_token="")
    job.refresh_from_db()
    return job
