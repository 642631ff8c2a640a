"""Case and report statistics kept on write, and the reads the dashboard makes of them.

A receiver on `CaseEvent` creation (the cases app writes an event at every step: received,
status, decision, overdue) turns the step into counter deltas for the case's unit and every
ancestor (`CaseStat` rollup rows) and updates the case's `CaseFact`. `rebuild()` recomputes both
from scratch by replaying the events (command `rebuild_monitoring`). Only statistics columns
are read (category, kind, unit, dates, status, sanction codes), never encrypted content.

Durations (report → verification, report → decision) are kept as per-month histograms
(`tv:<bucket>`, `td:<bucket>`), so a median or 90th percentile over any period is read off a
few dozen counter rows instead of the cases.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from marwah.core.figures import Period
from marwah.monitoring.models import CaseFact, CaseStat
from marwah.orgs.models import decode_path

Delta = tuple[date, str, str, str, int]  # month, category, kind, measure, delta

OPEN = ("received", "verified", "examination", "decision", "follow_up")
CLOSED = ("rejected", "closed")


def month_of(day: date) -> date:
    return day.replace(day=1)


def bucket(days: int) -> int:
    """Histogram bucket (its lower bound): exact days up to 30, then 5-, 15- and 90-day steps."""
    days = max(days, 0)
    if days <= 30:
        return days
    if days <= 90:
        return days - (days - 31) % 5
    if days <= 365:
        return days - (days - 91) % 15
    return min(days - (days - 366) % 90, 1806)


@dataclass
class Step:
    """One case event, reduced to what statistics need."""

    kind: str
    status: str
    day: date
    stage_due: date | None = None
    outcome: str = ""
    sanctions: tuple[str, ...] = ()


def open_deltas(fact: CaseFact) -> list[Delta]:
    m = month_of(fact.reported_on)
    return [(m, fact.category, fact.kind, "reported", 1), (m, fact.category, fact.kind, f"status:{fact.status}", 1)]


def step_deltas(fact: CaseFact, step: Step) -> list[Delta]:
    """Counter deltas for `step`, and `fact` moved on (not saved)."""
    out: list[Delta] = []
    cat, kind = fact.category, fact.kind
    m = month_of(step.day)
    if step.status and step.status != fact.status:
        rep = month_of(fact.reported_on)
        out += [(rep, cat, kind, f"status:{fact.status}", -1), (rep, cat, kind, f"status:{step.status}", 1)]
        if step.status == "verified":
            fact.verified_on = step.day
            out += [(m, cat, kind, "verified", 1), (m, cat, "", f"tv:{bucket((step.day - fact.reported_on).days)}", 1)]
        elif step.status == "rejected":
            out.append((m, cat, kind, "rejected", 1))
        elif step.status == "decision":
            fact.decided_on = step.day
            out += [(m, cat, kind, "decided", 1), (m, cat, "", f"td:{bucket((step.day - fact.reported_on).days)}", 1)]
            if step.outcome:
                out.append((m, cat, kind, f"outcome:{step.outcome}", 1))
            out += [(m, cat, "", f"sanction:{code}", 1) for code in step.sanctions]
        elif step.status == "closed":
            out.append((m, cat, kind, "closed", 1))
        fact.status = step.status
        fact.is_open = step.status in OPEN
    if step.kind == "overdue":
        fact.missed_deadlines += 1
        out.append((m, cat, kind, "missed", 1))
    fact.stage_due = step.stage_due if fact.is_open else None
    return out


def _ancestors(path: str) -> list[tuple[int, int | None]]:
    ids = decode_path(path)
    return [(uid, ids[i - 1] if i else None) for i, uid in enumerate(ids)]


def _bump(path: str, deltas: Iterable[Delta]) -> None:
    merged = _merge(deltas)
    if connection.vendor == "postgresql":
        _upsert(path, merged)
        return
    for unit_id, parent_id in _ancestors(path):
        for (month, cat, kind, measure), d in merged.items():
            if not d:
                continue
            key = {"unit_id": unit_id, "month": month, "category": cat, "kind": kind, "measure": measure}
            if CaseStat.objects.filter(**key).update(value=F("value") + d):
                continue
            try:
                with transaction.atomic():
                    CaseStat.objects.create(parent_unit_id=parent_id, value=d, **key)
            except IntegrityError:  # created meanwhile by a concurrent writer
                CaseStat.objects.filter(**key).update(value=F("value") + d)


@dataclass
class _Upsert:
    """`INSERT INTO {into} VALUES {values} {conflict}` of counter rows, in parts (only table and
    column names and placeholders: every value is a parameter)."""

    into: str
    values: str
    conflict: str
    params: list[Any]


def _upsert_sql(path: str, merged: dict[tuple[date, str, str, str], int]) -> _Upsert | None:
    """Every counter row of the unit and its ancestors in one `INSERT … ON CONFLICT DO UPDATE`
    (a report used to cost one UPDATE per ancestor and measure); None when nothing moves."""
    rows = [(unit_id, parent_id, month, cat, kind, measure, d) for unit_id, parent_id in _ancestors(path)
            for (month, cat, kind, measure), d in merged.items() if d]
    if not rows:
        return None
    table = CaseStat._meta.db_table
    return _Upsert(
        into=f"{table} (unit_id, parent_unit_id, month, category, kind, measure, value)",
        values=", ".join(["(%s::bigint, %s::bigint, %s::date, %s, %s, %s, %s::integer)"] * len(rows)),
        conflict=(f"ON CONFLICT (unit_id, month, category, kind, measure) "
                  f"DO UPDATE SET value = {table}.value + EXCLUDED.value"),
        params=[v for row in rows for v in row])


def _upsert(path: str, merged: dict[tuple[date, str, str, str], int]) -> None:
    up = _upsert_sql(path, merged)
    if up is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {up.into} VALUES {up.values} {up.conflict}", up.params)  # noqa: S608


def _merge(deltas: Iterable[Delta]) -> dict[tuple[date, str, str, str], int]:
    merged: dict[tuple[date, str, str, str], int] = defaultdict(int)
    for month, cat, kind, measure, d in deltas:
        merged[(month, cat, kind, measure)] += d
    return merged


def _insert_new_fact(fact: CaseFact, deltas: list[Delta]) -> bool:
    """PostgreSQL: a new case's fact and its counters in one statement, the counters only if the
    fact row was new (`ON CONFLICT DO NOTHING`). False, with nothing written, when the case had
    its fact already: the caller then moves it on from what is stored."""
    fields = CaseFact._meta.concrete_fields
    params: list[Any] = [f.get_db_prep_save(getattr(fact, f.attname), connection) for f in fields]
    insert = (f"INSERT INTO {CaseFact._meta.db_table} ({', '.join(str(f.column) for f in fields)}) "  # noqa: S608
              f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT (case_id) DO NOTHING RETURNING case_id")
    up = _upsert_sql(fact.unit_path, _merge(deltas))
    if up is None:
        sql = f"WITH f AS ({insert}) SELECT count(*) FROM f"  # noqa: S608
    else:
        # The counters' VALUES become a SELECT that yields nothing when the fact was not new.
        sql = (f"WITH f AS ({insert}), s AS (INSERT INTO {up.into} SELECT v.* FROM (VALUES {up.values}) AS v "  # noqa: S608
               f"WHERE EXISTS (SELECT 1 FROM f) {up.conflict}) SELECT count(*) FROM f")
        params += up.params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bool(row and row[0])


def _local_day(moment: Any) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def on_case_event(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """post_save receiver for cases.CaseEvent: keep the counters in the same transaction."""
    if not created or raw:
        return
    # Case services write events inside their transaction; an event saved outside one (a data
    # migration, a script) still updates its counters atomically. No savepoint: a failure here
    # fails the case's write too.
    with transaction.atomic(savepoint=False):
        _count_event(instance)


def _new_fact(case: Any, instance: Any) -> tuple[CaseFact, list[Delta]] | None:
    """The fact of a case that has none yet, after `instance` (its first event), and the counter deltas."""
    from marwah.cases.monitoring import case_stats_row

    row = case_stats_row(case)
    if row is None:
        return None
    fact = CaseFact(case_id=case.pk, status="received", is_open=True, **row)
    deltas = open_deltas(fact)
    if instance.status and instance.status != "received":
        deltas += step_deltas(fact, Step(kind=instance.kind, status=instance.status, day=_local_day(instance.at),
                                         stage_due=case.stage_due))
    fact.stage_due = case.stage_due
    return fact, deltas


def _count_event(instance: Any) -> None:
    from marwah.cases.monitoring import decision_codes

    case = instance.case
    # A case's first event ("received", written as the case opens) finds no fact: on PostgreSQL the
    # fact and its counters are then written in one statement, without the locked read first.
    if instance.kind == "received" and connection.vendor == "postgresql":
        new = _new_fact(case, instance)
        if new is not None and _insert_new_fact(*new):
            return
    fact = CaseFact.objects.select_for_update().filter(pk=case.pk).first()
    if fact is None:
        new = _new_fact(case, instance)
        if new is None:
            return
        fact, deltas = new
        fact.save(force_insert=True)  # no row yet (locked read above): skip the UPDATE that save() tries first
        _bump(fact.unit_path, deltas)
        return
    outcome, sanctions = decision_codes(case) if instance.kind == "decision" else ("", ())
    step = Step(kind=instance.kind, status=instance.status, day=_local_day(instance.at), stage_due=case.stage_due,
                outcome=outcome, sanctions=sanctions)
    deltas = step_deltas(fact, step)
    fact.save()
    _bump(fact.unit_path, deltas)


def rebuild(*, chunk: int = 2000) -> dict[str, int]:
    """Recompute every fact and counter from the cases and their events."""
    from marwah.cases.monitoring import replay_rows

    totals: dict[tuple[int, int | None, date, str, str, str], int] = defaultdict(int)
    facts: list[CaseFact] = []
    with transaction.atomic():
        CaseStat.objects.all().delete()
        CaseFact.objects.all().delete()
        n = 0
        for row, steps in replay_rows():
            fact = CaseFact(status="received", is_open=True, **row)
            deltas = open_deltas(fact)
            for step in steps:
                deltas += step_deltas(fact, step)
            facts.append(fact)
            for unit_id, parent_id in _ancestors(fact.unit_path):
                for month, cat, kind, measure, d in deltas:
                    totals[(unit_id, parent_id, month, cat, kind, measure)] += d
            n += 1
            if len(facts) >= chunk:
                CaseFact.objects.bulk_create(facts)
                facts = []
        CaseFact.objects.bulk_create(facts)
        stats = [CaseStat(unit_id=u, parent_unit_id=p, month=m, category=c, kind=k, measure=ms, value=v)
                 for (u, p, m, c, k, ms), v in totals.items() if v]
        CaseStat.objects.bulk_create(stats, batch_size=chunk)
    return {"cases": n, "rows": len(stats)}


# --- Reads -------------------------------------------------------------------------------------------

def _months(period: Period) -> tuple[date, date]:
    return month_of(period.start), month_of(period.end)


def totals(unit_id: int, period: Period, categories: Iterable[str]) -> dict[tuple[str, str, str], int]:
    """{(category, kind, measure): value} of the subtree for the months of `period`."""
    first, last = _months(period)
    rows = (CaseStat.objects.filter(unit_id=unit_id, month__gte=first, month__lte=last, category__in=list(categories))
            .values_list("category", "kind", "measure").annotate(v=Sum("value")).order_by())
    return {(c, k, m): v for c, k, m, v in rows}


def child_totals(unit_id: int, period: Period, categories: Iterable[str],
                 measure: str) -> dict[int, dict[str, int]]:
    """{child unit id: {category: value}} of one measure."""
    first, last = _months(period)
    rows = (CaseStat.objects.filter(parent_unit_id=unit_id, month__gte=first, month__lte=last, measure=measure,
                                    category__in=list(categories))
            .values_list("unit_id", "category").annotate(v=Sum("value")).order_by())
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for uid, cat, v in rows:
        out[uid][cat] = v
    return out


def open_by_month(unit_id: int, categories: Iterable[str]) -> dict[tuple[date, str], int]:
    """Cases still open, by month reported and category (the stock, for ages)."""
    rows = (CaseStat.objects.filter(unit_id=unit_id, category__in=list(categories),
                                    measure__in=[f"status:{s}" for s in OPEN])
            .values_list("month", "category").annotate(v=Sum("value")).order_by())
    return {(m, c): v for m, c, v in rows if v}


def overdue_now(path: str, categories: Iterable[str], today: date) -> dict[tuple[str, date], int]:
    """Open cases past their stage deadline: {(category, due date): count}, from the partial index."""
    rows = (CaseFact.objects.filter(is_open=True, stage_due__lt=today, unit_path__startswith=path,
                                    category__in=list(categories))
            .values_list("category", "stage_due").annotate(n=Count("case_id")).order_by())
    return {(c, d): n for c, d, n in rows}


def percentile(hist: dict[int, int], q: float) -> int | None:
    """The q-quantile (0..1) of a bucketed histogram (lower bound of the bucket it falls in)."""
    n = sum(hist.values())
    if not n:
        return None
    rank = max(1, math.ceil(q * n - 1e-9))
    seen = 0
    for b in sorted(hist):
        seen += hist[b]
        if seen >= rank:
            return b
    return max(hist)
