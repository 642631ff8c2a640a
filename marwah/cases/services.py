"""Case handling: every write, each in one transaction with its audit row.

Audit `detail` carries codes only (status, category, counts), never report content or names.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marwah.accounts.models import User
from marwah.audit.services import record
from marwah.cases import routing
from marwah.cases.models import (
    FIELD_DECISION,
    FIELD_ORGANISATION,
    FIELD_PROTECTION_NOTE,
    FIELD_PROVIDER,
    FIELD_REFERRAL_NOTE,
    FIELD_REJECTION,
    REFERENCE_PREFIXES,
    Case,
    CaseBlock,
    CaseEmail,
    CaseEvent,
    CaseMember,
    CaseSequence,
    DeadlinePolicy,
    Decision,
    IssuedLetter,
    ProtectionMeasure,
    Referral,
    Status,
)
from marwah.core import memo, rows
from marwah.core.tasks import enqueue_on_commit
from marwah.rules import deadlines as deadline_rules
from marwah.rules.overrides import version_for
from marwah.rules.sanctions import SANCTIONS, not_proven_sanctions, suggest_sanctions
from marwah.worktime.services import add_working_days, working_days_between

# Allowed moves; DECISION is reached only through `decide`.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.RECEIVED: (Status.VERIFIED, Status.REJECTED),
    Status.VERIFIED: (Status.EXAMINATION, Status.REJECTED),
    Status.EXAMINATION: (),
    Status.DECISION: (Status.FOLLOW_UP,),
    Status.FOLLOW_UP: (Status.CLOSED,),
    Status.REJECTED: (),
    Status.CLOSED: (),
}


def _vault() -> Any:
    from marwah.reporting import vault

    return vault


def _encrypt(request: HttpRequest | None, case: Case, field: str, text: str) -> str:
    """Ciphertext of staff-written text under the report key; `vault.ReportLocked` when the
    session cannot open the key. There is no plaintext fallback."""
    vault = _vault()
    if not text:
        return ""
    if request is None:
        raise vault.ReportLocked("locked")
    return str(vault.encrypt_for_report(request=request, report=case.report, field=field, text=text))


def _notify(case: Case, user_ids: Iterable[int], reason: str) -> None:
    from marwah.cases.tasks import send_case_email_task

    ids = sorted(set(user_ids))
    if ids:  # the notification's id makes a retried task send no second email
        enqueue_on_commit(send_case_email_task, case.pk, ids, reason, uuid.uuid4().hex)


def retention_days() -> int:
    return int(getattr(settings, "MARWAH_CASE_RETENTION_DAYS", deadline_rules.RETENTION_DAYS_DEFAULT))


def deadline_for(category: str, stage: str, institution_id: int | None = None) -> tuple[int, str] | None:
    """(days, day kind) for a stage: the institution's catalog override, else the older global
    DeadlinePolicy (working days), else the catalog default."""
    from marwah.rules.catalog import effective

    default = deadline_rules.default_for(category, stage)
    if default is None:
        return None
    value = effective(default.key, institution_id) if institution_id is not None else None
    if value and value != {"days": default.days, "day_kind": default.day_kind}:
        return int(value["days"]), str(value.get("day_kind", deadline_rules.WORKING))
    policy = memo.get("deadline-policy", (category, stage),
                      lambda: DeadlinePolicy.objects.filter(category=category, stage=stage).first())
    if policy:
        return policy.working_days, deadline_rules.WORKING
    return default.days, default.day_kind


def deadline_days(category: str, stage: str) -> int | None:
    found = deadline_for(category, stage)
    return found[0] if found else None


def _start_stage(case: Case, today: date | None = None) -> None:
    today = today or timezone.localdate()
    stage = deadline_rules.STAGE_FOR_STATUS.get(case.status, "")
    found = deadline_for(case.category, stage, case.institution_id) if stage else None
    case.stage = stage
    case.stage_started = today if stage else None
    case.stage_due = None
    if found is not None:
        days, day_kind = found
        case.stage_due = (today + timedelta(days=days) if day_kind == deadline_rules.CALENDAR
                          else add_working_days(today, days))
    case.stage_catalog_version = version_for(case.institution_id) if stage else ""
    case.reminded_at = None
    case.escalated_at = None


def allocate_reference(category: str, year: int) -> str:
    """The next human reference for a category and year, e.g. KS-2026-000123.

    The counter row is incremented and read back with one `UPDATE … RETURNING` (a row lock on
    PostgreSQL, the database write lock on SQLite), inside the caller's transaction: two cases opened at once can
    never get the same number. The row is created on first use; a concurrent creator loses on the
    unique constraint and simply retries the UPDATE.
    """
    prefix = REFERENCE_PREFIXES.get(category, "LP")
    table = CaseSequence._meta.db_table
    for _attempt in range(3):
        with connection.cursor() as cursor:  # increment and read back in one statement (both databases)
            cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE prefix = %s AND year = %s "  # noqa: S608
                           "RETURNING last", [prefix, year])
            row = cursor.fetchone()
        if row is not None:
            return f"{prefix}-{year}-{row[0]:06d}"
        try:
            with transaction.atomic():
                CaseSequence.objects.create(prefix=prefix, year=year, last=1)
            return f"{prefix}-{year}-{1:06d}"
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a case reference")


def _event(case: Case, *, actor: User | None, kind: str, visible: bool = False) -> CaseEvent:
    # Events carry codes only; any text lives encrypted on the case, decision or checklist row.
    event = CaseEvent(case=case, actor=actor, kind=kind, status=case.status, reporter_visible=visible)
    rows.insert([event], signals=True)  # the monitoring counters follow its post_save
    return event


@transaction.atomic(savepoint=False)  # inside the submission's transaction: no savepoint of its own
def open_case(*, report: Any, report_key: bytes | None, accused_employee_ids: list[int],
              involved_employee_ids: list[int], actor: User | None = None,
              lead_filer: User | None = None,
              seal_identity_share: Callable[[set[int]], object] | None = None) -> Case:
    """Route a newly submitted report to its team, block conflicted people, seal the key.

    `seal_identity_share` (from the submission) is called with the ids of the users the report
    key is sealed to, right after sealing it: the identity's custodian share goes to the
    custodians who are not among them (see reporting/identity.py)."""
    unit = report.unit
    if unit is None:
        from marwah.orgs.models import Unit

        unit = Unit.objects.filter(institution_id=report.institution_id, parent=None).order_by("path").first()
    result = routing.route(category=report.category, unit=unit, accused_ids=list(accused_employee_ids),
                           involved_ids=list(involved_employee_ids), lead=lead_filer is not None)
    if lead_filer is not None and lead_filer.pk not in result.blocked_user_ids and \
            lead_filer.pk not in {u.pk for u, _, _ in result.members}:
        result.members.append((lead_filer, "team", False))
    case = Case(report=report, public_id=report.public_id, category=report.category, kind=report.kind,
                institution_id=report.institution_id, unit=report.unit, handling_unit=result.handling_unit,
                team_kind=result.team_kind, escalated_for_conflict=result.escalated_for_conflict,
                accused_employment_type=result.accused_employment_type, status=Status.RECEIVED,
                internal=lead_filer is not None)
    submitted = timezone.localtime(report.submitted_at) if report.submitted_at else timezone.localtime()
    _start_stage(case)
    key_holders = {u.pk for u in result.recipients}
    if report_key:
        from marwah.reporting.escrow import holders_above

        # No report depends on one person: the holders above the team keep the key too.
        above = holders_above(team_kind=case.team_kind, handling_unit=case.handling_unit,
                              accused_ids=accused_employee_ids, involved_ids=involved_employee_ids,
                              team_user_ids={u.pk for u, reason, _ in result.members if reason == "team"})
        _vault().seal_report_key(report=report, report_key=report_key, users=result.recipients,
                                 escrow_users=above, new_report=True)
        key_holders |= {u.pk for u in above}
    if seal_identity_share is not None:
        # Everyone the key was meant for: those without a key pair got no copy, and get no share either.
        seal_identity_share(key_holders)
    # Rows every new case shares (the year's counter; the monitoring counters the "received" event
    # bumps) are locked until commit: touched last, after the Python work above. The case row is
    # written with its number (and, on PostgreSQL, its members) in one statement.
    members = [(u.pk, reason, chair) for u, reason, chair in result.members]
    _insert_numbered(case, members=members, year=submitted.year)
    tokens = {routing.user_token(uid) for uid in result.blocked_user_ids}
    tokens |= {routing.employee_token(eid) for eid in result.accused_employee_ids}
    if tokens:
        CaseBlock.objects.bulk_create([CaseBlock(case=case, token=t) for t in sorted(tokens)])
    _notify(case, [u.pk for u in result.recipients], "new")
    _event(case, actor=None, kind="received", visible=True)
    record(actor=actor, action="case.opened", target=case, unit=case.handling_unit,
           detail={"category": case.category, "team": case.team_kind, "members": len(result.members),
                   "escalated_for_conflict": case.escalated_for_conflict, "reference": case.reference})
    return case


_MEMBER_COLUMNS = ["user_id", "reason", "is_chair", "is_active", "added_at", "case_open", "case_due", "case_created"]


@functools.cache
def _numbered_insert_sql() -> tuple[str, list[Any]]:
    """`_insert_numbered`'s statement (PostgreSQL) and the case fields its parameters follow:
    the year's prefix and year, one per case field, one array per member column."""
    meta = Case._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.pk]
    select = ["%s || lpad(s.last::text, greatest(6, length(s.last::text)), '0')" if f.attname == "reference"
              else f"CAST(%s AS {f.db_type(connection)})" for f in fields]
    member_fields = {f.attname: f for f in CaseMember._meta.concrete_fields}
    arrays = ", ".join(f"CAST(%s AS {member_fields[c].db_type(connection)}[])" for c in _MEMBER_COLUMNS)
    # Only table and column names are interpolated; every value is a parameter.
    sql = (f"WITH s AS (UPDATE {CaseSequence._meta.db_table} SET last = last + 1 "  # noqa: S608
           "WHERE prefix = %s AND year = %s RETURNING last), "
           f"c AS (INSERT INTO {meta.db_table} ({', '.join(str(f.column) for f in fields)}) SELECT {', '.join(select)} "
           "FROM s RETURNING id, reference), "
           f"m AS (INSERT INTO {CaseMember._meta.db_table} (case_id, {', '.join(_MEMBER_COLUMNS)}) "
           f"SELECT c.id, u.* FROM c, UNNEST({arrays}) AS u) "
           "SELECT id, reference FROM c")
    return sql, fields


def _insert_numbered(case: Case, *, members: list[tuple[int, str, bool]], year: int) -> None:
    """Save a new case with its reference and its members; called last in the opening transaction.

    The year's counter row stays locked until the transaction commits, so every other case opened
    meanwhile waits for it: taken first, it serialised whole submissions (routing, key sealing,
    audit) behind each other; taken last, only the commit. On PostgreSQL one statement increments
    the counter and inserts the case, numbered, and its members (the case row used to be inserted
    early and updated with its number: a second write to each of its 13 indexes). Elsewhere, or for
    the year's first case (no counter row yet), `allocate_reference` takes the number first."""
    from django.db.models.signals import post_save, pre_save

    prefix = REFERENCE_PREFIXES.get(case.category, "LP")
    if connection.vendor == "postgresql":
        pre_save.send(sender=Case, instance=case, raw=False, using=connection.alias, update_fields=None)
        sql, fields = _numbered_insert_sql()
        params: list[Any] = [prefix, year]
        for f in fields:
            value = f.pre_save(case, True)  # sets created_at / updated_at, like save() does
            params.append(f"{prefix}-{year}-" if f.attname == "reference" else f.get_db_prep_save(value, connection))
        now = timezone.now()
        keys = case.member_sort_keys()
        rows = [(uid, reason, chair, True, now, keys["case_open"], keys["case_due"], keys["case_created"])
                for uid, reason, chair in members]
        member_fields = {f.attname: f for f in CaseMember._meta.concrete_fields}
        params += [[member_fields[c].get_db_prep_save(row[i], connection) for row in rows]
                   for i, c in enumerate(_MEMBER_COLUMNS)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is not None:
            case.pk, case.reference = row
            case._state.adding = False
            case._state.db = connection.alias
            post_save.send(sender=Case, instance=case, created=True, update_fields=None, raw=False,
                           using=connection.alias)
            return
    case.reference = allocate_reference(case.category, year)  # SQLite, or the year's first case
    case.save()
    CaseMember.objects.bulk_create([CaseMember(case=case, user_id=uid, reason=reason, is_chair=chair,
                                               **case.member_sort_keys()) for uid, reason, chair in members])


def _require_member(case: Case, actor: User) -> CaseMember:
    member = case.members.filter(user=actor, is_active=True).first()
    if member is None:
        raise ValidationError(_("You do not handle this case."))
    return member


def can_manage(case: Case, user: User) -> bool:
    """The team chair, the leader and the direct superior (in superior cases) may assign and reassign."""
    from django.db.models import Q

    return case.members.filter(Q(reason__in=["leader", "superior"]) | Q(is_chair=True), user=user,
                               is_active=True).exists()


@transaction.atomic
def change_status(*, case: Case, actor: User, to: str, reason: str = "",
                  request: HttpRequest | None = None) -> Case:
    """Move the case on. A rejection's reason is encrypted with the report key (needs `request`
    with an unlocked key; `vault.ReportLocked` otherwise)."""
    _require_member(case, actor)
    case = Case.objects.select_for_update().select_related("report").get(pk=case.pk)
    if to not in TRANSITIONS.get(case.status, ()):
        raise ValidationError(_("This step is not possible from the current status."))
    if to == Status.REJECTED and not reason.strip():
        raise ValidationError(_("Write the reason the reporter will see."))
    old = case.status
    case.status = to
    if to == Status.REJECTED:
        case.rejection_reason_enc = _encrypt(request, case, FIELD_REJECTION, reason.strip())
    if to in (Status.REJECTED, Status.CLOSED):
        case.closed_at = timezone.now()
        case.expires_at = case.closed_at + timedelta(days=retention_days())
    _start_stage(case)
    case.save()
    case.sync_members()
    _event(case, actor=actor, kind="status", visible=True)
    record(actor=actor, action="case.status", target=case, unit=case.handling_unit_id,
           detail={"from": old, "to": to})
    return case


@transaction.atomic
def assign(*, case: Case, actor: User, assignee: User, request: HttpRequest | None = None) -> Case:
    """Make `assignee` the case handler. A newcomer to the case gets access (the key is re-sealed)."""
    if not can_manage(case, actor):
        raise ValidationError(_("Only the team chair or the leader can assign this case."))
    from marwah.cases.selectors import eligible_handlers

    if assignee not in eligible_handlers(case):
        raise ValidationError(_("This person cannot handle the case."))
    member, created = CaseMember.objects.get_or_create(case=case, user=assignee,
                                                       defaults={"reason": CaseMember.Reason.ADDED,
                                                                 **case.member_sort_keys()})
    if not member.is_active:
        member.is_active = True
        member.save(update_fields=["is_active"])
        created = True
    previous = case.assignee_id
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    _event(case, actor=actor, kind="assigned")
    record(actor=actor, action="case.assigned", target=case, unit=case.handling_unit_id,
           detail={"assignee_id": assignee.pk, "previous_id": previous, "new_member": created})
    if created and request is not None:
        _vault().share_access(request=request, report=case.report, users=[assignee])
    if assignee.pk != actor.pk:
        _notify(case, [assignee.pk], "assigned")
    return case


@transaction.atomic
def remove_member(*, case: Case, actor: User, user: User) -> None:
    """A handler who leaves the team loses access to the case (the chair reassigns it)."""
    if not can_manage(case, actor):
        raise ValidationError(_("Only the team chair or the leader can change the team."))
    if user.pk == actor.pk:
        raise ValidationError(_("Ask another chair or the leader to take you off the case."))
    CaseMember.objects.filter(case=case, user=user).update(is_active=False)
    if case.assignee_id == user.pk:
        case.assignee = None
        case.save(update_fields=["assignee", "updated_at"])
    record(actor=actor, action="case.member_removed", target=case, unit=case.handling_unit_id,
           detail={"user_id": user.pk})


@transaction.atomic
def share_with_team(*, case: Case, actor: User, request: HttpRequest) -> int:
    """After the first handler unlocks the report, re-seal its key for members who lack it."""
    users = [m.user for m in case.members.filter(is_active=True).select_related("user")]
    vault = _vault()
    missing = [u for u in users if not vault.user_can_decrypt(u, case.report)]
    count = vault.share_access(request=request, report=case.report, users=missing) if missing else 0
    if count:
        record(actor=actor, action="case.access_shared", target=case, detail={"users": count})
    return count


@transaction.atomic
def add_protection(*, case: Case, actor: User, item: str, provider: str, provided_on: date,
                   note: str = "", request: HttpRequest | None = None) -> ProtectionMeasure:
    """Record a victim right provided; who provided it and the note are encrypted with the report key."""
    _require_member(case, actor)
    if not provider.strip():
        raise ValidationError(_("Write who provided it."))
    measure = ProtectionMeasure(case=case, item=item, provided_on=provided_on, recorded_by=actor,
                                provider_enc=_encrypt(request, case, FIELD_PROVIDER, provider.strip()),
                                note_enc=_encrypt(request, case, FIELD_PROTECTION_NOTE, note.strip()))
    measure.full_clean()
    measure.save()
    _event(case, actor=actor, kind="protection")
    record(actor=actor, action="case.protection", target=case, detail={"item": item})
    return measure


@transaction.atomic
def add_referral(*, case: Case, actor: User, kind: str, organisation: str, referred_on: date,
                 state: str = Referral.State.OFFERED, note: str = "",
                 request: HttpRequest | None = None) -> Referral:
    """Record a referral; the organisation and the note are encrypted with the report key."""
    _require_member(case, actor)
    referral = Referral(case=case, kind=kind, referred_on=referred_on, state=state, recorded_by=actor,
                        organisation_enc=_encrypt(request, case, FIELD_ORGANISATION, organisation.strip()),
                        note_enc=_encrypt(request, case, FIELD_REFERRAL_NOTE, note.strip()))
    referral.full_clean()
    referral.save()
    _event(case, actor=actor, kind="referral")
    record(actor=actor, action="case.referral", target=case, detail={"kind": kind, "state": state})
    return referral


def _letter_number(case: Case, when: date) -> str:
    seq = Decision.objects.filter(case__handling_unit=case.handling_unit, decided_at__year=when.year).count() + 1
    return f"{seq:03d}/PKS-KEP/{case.handling_unit.code}/{when:%m}/{when:%Y}"


@transaction.atomic
def decide(*, case: Case, actor: User, outcome: str, sanctions: list[str], summary: str,
           request: HttpRequest | None = None) -> Decision:
    """Record the decision; the summary the reporter reads is encrypted with the report key."""
    _require_member(case, actor)
    case = Case.objects.select_for_update().select_related("handling_unit", "report").get(pk=case.pk)
    if case.status != Status.EXAMINATION:
        raise ValidationError(_("A decision can be recorded only during examination."))
    unknown = [s for s in sanctions if s not in SANCTIONS]
    if unknown:
        raise ValidationError(_("Choose sanctions from the catalog."))
    if outcome == Decision.Outcome.PROVEN and not sanctions:
        raise ValidationError(_("Choose at least one sanction or recommendation."))
    if outcome == Decision.Outcome.NOT_PROVEN:
        # Rehabilitation only where DKPP supports it (election organizers); otherwise no sanction.
        sanctions = not_proven_sanctions(case.accused_employment_type)
    if not summary.strip():
        raise ValidationError(_("Write a short summary for the reporter."))
    today = timezone.localdate()
    suggested = [s.sanction.code for s in suggest_sanctions(case.kind, employment_type=case.accused_employment_type,
                                                            institution_id=case.institution_id)]
    version = version_for(case.institution_id)
    decision = Decision.objects.create(case=case, outcome=outcome, sanctions=sanctions,
                                       summary_enc=_encrypt(request, case, FIELD_DECISION, summary.strip()),
                                       decided_by=actor, letter_number=_letter_number(case, today),
                                       catalog_version=version, suggested=suggested)
    case.status = Status.DECISION
    _start_stage(case)
    case.save()
    case.sync_members()
    _event(case, actor=actor, kind="decision", visible=True)
    record(actor=actor, action="case.decided", target=case, unit=case.handling_unit_id,
           detail={"outcome": outcome, "sanctions": sanctions, "catalog": version, "reference": case.reference})
    return decision


def _new_verify_code() -> str:
    import base64
    import secrets

    return base64.b32encode(secrets.token_bytes(10)).decode()


def issue_letter(*, case: Case, decision: Decision, actor: User, summary: str) -> bytes:
    """Render and sign the decision letter; keep its hash so /verifikasi/ recognises it (issue 9.8)."""
    import hashlib

    from marwah.cases.pdf import decision_letter

    if not decision.verify_code:
        Decision.objects.filter(pk=decision.pk, verify_code__isnull=True).update(verify_code=_new_verify_code())
        decision.refresh_from_db(fields=["verify_code"])
    pdf = decision_letter(case, decision, summary=summary)  # slow (render + sign): outside the transaction
    with transaction.atomic():
        IssuedLetter.objects.create(decision=decision, sha256=hashlib.sha256(pdf).hexdigest(), issued_by=actor)
        record(actor=actor, action="case.letter_downloaded", target=case, unit=case.handling_unit_id,
               detail={"reference": case.reference, "code": decision.verify_code})
    return pdf


@transaction.atomic
def set_deadline_policy(*, actor: User, category: str, stage: str, working_days: int | None,
                        note: str = "") -> DeadlinePolicy | None:
    """Override a default deadline; `None` goes back to the default."""
    if working_days is None:
        DeadlinePolicy.objects.filter(category=category, stage=stage).delete()
        record(actor=actor, action="case.deadline_policy_reset", detail={"category": category, "stage": stage})
        return None
    policy, _created = DeadlinePolicy.objects.update_or_create(
        category=category, stage=stage,
        defaults={"working_days": working_days, "note": note, "updated_by": actor})
    record(actor=actor, action="case.deadline_policy", target=policy,
           detail={"category": category, "stage": stage, "working_days": working_days})
    return policy


def _managers(case: Case) -> list[int]:
    return list(case.members.filter(is_active=True, reason__in=["leader", "superior"])
                .values_list("user_id", flat=True)) + \
        list(case.members.filter(is_active=True, is_chair=True).values_list("user_id", flat=True))


def check_deadlines(today: date | None = None) -> dict[str, int]:
    """Remind handlers before a deadline; escalate to the leader (and chair) when it is missed."""
    today = today or timezone.localdate()
    reminded = escalated = 0
    open_cases = Case.objects.filter(status__in=[s.value for s in
                                                 (Status.RECEIVED, Status.VERIFIED, Status.EXAMINATION,
                                                  Status.DECISION, Status.FOLLOW_UP)],
                                     stage_due__isnull=False, escalated_at__isnull=True)
    for case in open_cases.iterator():
        due = case.stage_due
        if due is None:  # excluded by the query; keeps the type checker informed
            continue
        left = working_days_between(today, due)
        # Each step is claimed by a conditional UPDATE: a second run (a retried task, or two
        # workers at once) finds it taken and neither records nor emails it again.
        with transaction.atomic():
            if today > due:
                case.escalated_at = timezone.now()
                if not Case.objects.filter(pk=case.pk, escalated_at__isnull=True).update(
                        escalated_at=case.escalated_at):
                    continue
                _event(case, actor=None, kind="overdue")
                record(actor=None, action="case.overdue", target=case, unit=case.handling_unit_id,
                       detail={"stage": case.stage, "due": due.isoformat()})
                _notify(case, _managers(case) + ([case.assignee_id] if case.assignee_id else []), "overdue")
                escalated += 1
            elif left <= deadline_rules.REMINDER_WORKING_DAYS and case.reminded_at is None:
                case.reminded_at = timezone.now()
                if not Case.objects.filter(pk=case.pk, reminded_at__isnull=True).update(reminded_at=case.reminded_at):
                    continue
                targets = [case.assignee_id] if case.assignee_id else list(
                    case.members.filter(is_active=True).values_list("user_id", flat=True))
                record(actor=None, action="case.reminder", target=case, detail={"stage": case.stage})
                _notify(case, targets, "reminder")
                reminded += 1
    return {"reminded": reminded, "escalated": escalated}


@transaction.atomic
def flag_repeat(*, reports: list[Any]) -> int:
    """A second, independent reporter named the same person: flag the cases and tell the chairs."""
    cases = list(Case.objects.filter(report__in=reports))
    for case in cases:
        if not case.repeat_flag:
            case.repeat_flag = True
            case.save(update_fields=["repeat_flag", "updated_at"])
            _event(case, actor=None, kind="repeat")
        record(actor=None, action="case.repeat_match", target=case, detail={"matched": len(cases)})
        chairs = list(case.members.filter(is_active=True, is_chair=True).values_list("user_id", flat=True))
        _notify(case, chairs or _managers(case), "repeat")
    return len(cases)


def purge_expired(now: Any = None) -> int:
    """Closed cases past their retention period lose their content; statistics stay."""
    now = now or timezone.now()
    ids = list(Case.objects.filter(expires_at__lte=now, purged_at__isnull=True).values_list("pk", flat=True))
    for pk in ids:
        purge_case(case=Case.objects.select_related("report").get(pk=pk))
    return len(ids)


@transaction.atomic
def purge_case(*, case: Case) -> None:
    from marwah.reporting import services as reporting_services

    reporting_services.purge_report_content(report=case.report)
    case.rejection_reason_enc = ""
    case.purged_at = timezone.now()
    case.save(update_fields=["rejection_reason_enc", "purged_at", "updated_at"])
    ProtectionMeasure.objects.filter(case=case).update(note_enc="", provider_enc="")
    Referral.objects.filter(case=case).update(note_enc="", organisation_enc="")
    Decision.objects.filter(case=case).update(summary_enc="")
    CaseBlock.objects.filter(case=case).delete()
    CaseEmail.objects.filter(case=case).delete()
    CaseMember.objects.filter(case=case).update(is_active=False)
    record(actor=None, action="case.purged", target=case, detail={"category": case.category})


def file_neutrality_lead(*, actor: User, employee: Any, kind: str, text: str, link: str = "",
                         files: list[Any] | None = None) -> Case:
    """Journey 6: a neutrality-team member logs what social-media monitoring found.

    The lead is stored like any report (encrypted, through the reporting service) and becomes a
    case for the employee's direct superior and HR, with the filing member on the team.
    """
    from marwah.cases.receivers import LEAD_FILER
    from marwah.reporting.services import Submission, submit_report
    from marwah.rules.violations import NEUTRALITY, category_of

    if category_of(kind) != NEUTRALITY:
        raise ValidationError(_("Choose a form of neutrality violation."))
    narrative = text.strip() + (f"\n\n{link.strip()}" if link.strip() else "")
    submission = Submission(
        category=NEUTRALITY, kind=kind, institution=employee.institution, unit=employee.unit,
        narrative=narrative, accused=[employee], accused_text=employee.name, files=list(files or []),
        is_anonymous=False, reporter_user=actor, reporter_source=f"user:{actor.pk}",
    )
    token = LEAD_FILER.set(actor)
    try:
        report, _receipt = submit_report(submission=submission)
    finally:
        LEAD_FILER.reset(token)
    case = Case.objects.get(report=report)
    record(actor=actor, action="case.neutrality_lead", target=case, unit=case.handling_unit_id,
           detail={"kind": kind, "files": len(files or [])})
    return case


@transaction.atomic
def end_memberships(*, user: User, actor: User | None) -> int:
    """A leaver's account is switched off: they leave every case team and lose its assignments."""
    case_ids = list(CaseMember.objects.filter(user=user, is_active=True).values_list("case_id", flat=True))
    CaseMember.objects.filter(user=user, is_active=True).update(is_active=False)
    Case.objects.filter(assignee=user).update(assignee=None, updated_at=timezone.now())
    for case_id in case_ids:
        record(actor=actor, action="case.member_removed", target=("cases.case", case_id),
               detail={"user_id": user.pk, "reason": "account_deactivated"})
    return len(case_ids)
