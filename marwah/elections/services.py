"""Writes for elections: load or import stages and participants, edit weights, watch tasks, stage tags.

Every write runs in a transaction with its audit row (marwah.audit.services.record).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marwah.audit.services import record
from marwah.elections.importer import StageRow
from marwah.elections.models import (
    Election,
    ElectionTag,
    Participant,
    Stage,
    VulnerablePoint,
    WatchStatus,
    WatchTask,
)
from marwah.elections.suggester import DATA

SHIPPED = ("pemilu-2024", "pilkada-2024", "pemilu-2029-draft")
PERIOD_WORDS = {"sebelum": "before", "selama": "during", "sesudah": "after"}


@dataclass(frozen=True)
class ElectionSpec:
    code: str
    name: str
    kind: str
    level: str = "national"
    area: str = ""
    source: str = ""
    is_draft: bool = False


def _shipped_rows(code: str) -> list[StageRow]:
    from marwah.elections.importer import _points

    path = DATA / f"{code}-stages.csv"
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line, r in enumerate(csv.DictReader(handle), start=2):
            rows.append(StageRow(line, r["kode"], r["nama"], r["mulai"], r["selesai"], PERIOD_WORDS[r["periode"]],
                                 _points(r["bentuk_rawan"]) or [], r["yang_diawasi"]))
    return rows


@transaction.atomic
def load_shipped(*, actor: Any = None, codes: Iterable[str] = SHIPPED) -> list[Election]:
    """Load the elections shipped as data files (idempotent: existing ones are left as edited)."""
    out = []
    for code in codes:
        meta = json.loads((DATA / f"{code}.json").read_text(encoding="utf-8"))
        election = Election.objects.filter(code=meta["code"]).first()
        if election is None:
            election = create_election(actor=actor, spec=ElectionSpec(
                code=meta["code"], name=meta["name"], kind=meta["kind"], level=meta.get("level", "national"),
                area=meta.get("area", ""), source=meta.get("source", ""), is_draft=bool(meta.get("is_draft"))))
            replace_stages(actor=actor, election=election, rows=_shipped_rows(code))
            replace_participants(actor=actor, election=election, participants=meta["participants"])
        out.append(election)
    return out


@transaction.atomic
def create_election(*, actor: Any, spec: ElectionSpec) -> Election:
    if Election.objects.filter(code=spec.code).exists():
        raise ValidationError(_("An election with this code already exists."))
    election = Election(code=spec.code, name=spec.name, kind=spec.kind, level=spec.level, area=spec.area,
                        source=spec.source, is_draft=spec.is_draft)
    election.full_clean()
    election.save()
    record(actor=actor, action="elections.create", target=election, detail={"code": spec.code})
    return election


@transaction.atomic
def replace_stages(*, actor: Any, election: Election, rows: list[StageRow]) -> int:
    """Replace the election's stages (and their vulnerable points) with the checked rows.

    Stage tags already given to cases keep their stage only if its code survives.
    """
    old = {s.code: s for s in election.stages.all()}
    keep: set[str] = set()
    for order, row in enumerate(rows):
        stage = old.get(row.code) or Stage(election=election, code=row.code)
        stage.name, stage.period, stage.watch, stage.order = row.name, row.period, row.watch, order
        stage.starts, stage.ends = date.fromisoformat(row.starts), date.fromisoformat(row.ends)
        stage.save()
        keep.add(row.code)
        stage.points.all().delete()
        VulnerablePoint.objects.bulk_create(
            [VulnerablePoint(stage=stage, form=form, weight=Decimal(weight)) for form, weight in row.points])
    gone = [s.pk for code, s in old.items() if code not in keep]
    Stage.objects.filter(pk__in=gone).delete()
    record(actor=actor, action="elections.stages_replaced", target=election,
           detail={"stages": len(rows), "removed": len(gone)})
    return len(rows)


@transaction.atomic
def replace_participants(*, actor: Any, election: Election, participants: list[dict[str, Any]]) -> int:
    election.participants.all().delete()
    objs = []
    for p in participants:
        obj = Participant(election=election, kind=p["kind"], number=str(p.get("number") or ""), name=p["name"],
                          area=p.get("area", ""), aliases=list(p.get("aliases", [])),
                          slogans=list(p.get("slogans", [])), hashtags=list(p.get("hashtags", [])),
                          teams=list(p.get("teams", [])), symbols=list(p.get("symbols", [])))
        obj.full_clean(exclude=["election"])
        objs.append(obj)
    Participant.objects.bulk_create(objs)
    record(actor=actor, action="elections.participants_replaced", target=election,
           detail={"participants": len(objs)})
    return len(objs)


@transaction.atomic
def update_stage(*, actor: Any, stage: Stage, name: str, starts: date, ends: date, period: str,
                 watch: str, weights: dict[int, Decimal]) -> Stage:
    if ends < starts:
        raise ValidationError(_("The stage ends before it starts."))
    stage.name, stage.starts, stage.ends, stage.period, stage.watch = name, starts, ends, period, watch
    stage.save(update_fields=["name", "starts", "ends", "period", "watch"])
    for point in stage.points.all():
        if point.form in weights and weights[point.form] != point.weight:
            point.weight = weights[point.form]
            point.save(update_fields=["weight"])
    record(actor=actor, action="elections.stage_updated", target=stage,
           detail={"starts": starts, "ends": ends, "period": period})
    return stage


@transaction.atomic
def update_participant(*, actor: Any, participant: Participant, data: dict[str, Any]) -> Participant:
    for key in ("kind", "number", "name", "area", "aliases", "slogans", "hashtags", "teams", "symbols"):
        setattr(participant, key, data[key])
    participant.full_clean()
    participant.save()
    record(actor=actor, action="elections.participant_updated", target=participant,
           detail={"election": participant.election_id})
    return participant


@transaction.atomic
def add_participant(*, actor: Any, election: Election, data: dict[str, Any]) -> Participant:
    participant = Participant(election=election, kind=data["kind"])
    return update_participant(actor=actor, participant=participant, data=data)


@transaction.atomic
def create_watch_tasks(*, actor: Any, stage: Stage, units: Iterable[Any], top: int = 3) -> int:
    """One task per unit for each of the stage's `top` heaviest vulnerable points (existing ones kept)."""
    forms = [p.form for p in stage.points.order_by("-weight", "form")[:top]]
    rows = [WatchTask(stage=stage, unit=unit, form=form) for unit in units for form in forms]
    created = WatchTask.objects.bulk_create(rows, ignore_conflicts=True)
    record(actor=actor, action="elections.watch_tasks_created", target=stage,
           detail={"units": len({r.unit.pk for r in rows}), "forms": forms})
    return len(created)


@transaction.atomic
def record_watch(*, actor: Any, task: WatchTask, checked: str, found: str) -> WatchTask:
    task.checked, task.found = checked.strip(), found.strip()
    task.status, task.done_by, task.done_at = WatchStatus.DONE, actor, timezone.now()
    task.save(update_fields=["checked", "found", "status", "done_by", "done_at"])
    record(actor=actor, action="elections.watch_recorded", target=task, unit=task.unit_id,
           detail={"stage": task.stage_id, "form": task.form, "found": bool(task.found)})
    return task


def tag_case(*, case: Any, is_lead: bool = False, day: date | None = None) -> ElectionTag:
    """Tag a neutrality case with the stage and period of the day it was logged."""
    from marwah.elections.catalog import KIND_FORMS
    from marwah.elections.selectors import stage_on

    if day is None:
        day = timezone.localdate(case.created_at) if case.created_at else timezone.localdate()
    found = stage_on(day)
    tag, _created = ElectionTag.objects.update_or_create(case=case, defaults={
        "election": found.election if found else None,
        "stage": found.stage if found else None,
        "period": found.period if found else "",
        "form": KIND_FORMS.get(case.kind),
        "is_lead": is_lead,
        "unit_path": case.handling_unit.path,
        "logged_on": day,
    })
    return tag
