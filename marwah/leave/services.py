"""Leave and permission requests, decisions, delegation and annual balances.

Every write runs in one transaction with its audit row. Audit `detail` holds codes and
counts only: the reason for leave and its proof stay on the request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import has_role
from marwah.audit.services import record
from marwah.leave.models import (
    WAITING,
    Balance,
    BalanceCorrection,
    Delegation,
    Kind,
    PermissionType,
    Request,
    RequestEvent,
    Status,
)
from marwah.people.models import Employee
from marwah.rules import leave as rules
from marwah.worktime.selectors import cuti_bersama_days
from marwah.worktime.services import working_days_between

MAX_PROOF = 10 * 1024 * 1024
PROOF_TYPES = (".pdf", ".jpg", ".jpeg", ".png")

# --- Balances ------------------------------------------------------------------------------------------


def collective_days(year: int) -> int:
    """Cuti bersama on weekdays of `year`: each is taken from annual leave."""
    return sum(1 for d in cuti_bersama_days(year) if d.weekday() < 5)


def _carried_from(previous: Balance | None) -> int:
    if previous is None:
        return 0
    unused = max(0, previous.available)
    # Leave left unused two years running may carry the larger cap (PP 11/2017 Pasal 313).
    years = 2 if previous.carried > 0 and previous.used == 0 else 1
    return rules.carry_over(unused=unused, unused_years_in_a_row=years)


def ensure_balance(employee: Employee, year: int) -> Balance:
    """The person's balance for `year`, created from last year's on first need."""
    found = Balance.objects.filter(employee=employee, year=year).first()
    if found is not None:
        return found
    previous = Balance.objects.filter(employee=employee, year=year - 1).first()
    annual = rules.annual_rules()
    balance, _created = Balance.objects.get_or_create(
        employee=employee, year=year,
        defaults={"unit_path": employee.unit_path, "entitlement": annual.days_per_year,
                  "carried": _carried_from(previous), "collective": collective_days(year)})
    return balance


def pending_annual_days(employee: Employee, year: int) -> int:
    leave_types = [t.code for t in rules.leave_types().values() if t.reduces_annual]
    total = (Request.objects.filter(employee=employee, status__in=WAITING, leave_type__in=leave_types,
                                    start__year=year).aggregate(n=Sum("working_days"))["n"])
    return int(total or 0)


@transaction.atomic
def correct_balance(*, actor: User, balance: Balance, delta: int, reason: str) -> Balance:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason for the correction."))
    if delta == 0:
        raise ValidationError(_("The correction must change the balance."))
    Balance.objects.filter(pk=balance.pk).update(adjustment=F("adjustment") + delta)
    balance.refresh_from_db()
    BalanceCorrection.objects.create(balance=balance, delta=delta, reason=reason[:300], actor=actor)
    refresh_carry(balance)
    record(actor=actor, action="leave.balance_corrected", target=balance.employee,
           detail={"year": balance.year, "delta": delta})
    return balance


def roll_over(*, year: int, batch: int = 5000) -> int:
    """Open `year`'s balance for every active PNS and PPPK, carrying last year's unused days.

    Idempotent: people who already have a balance are skipped. Cuti bersama is refreshed for all.
    """
    annual = rules.annual_rules()
    collective = collective_days(year)
    created = 0
    ids = list(Employee.objects.filter(is_active=True, employment_type__in=[rules.PNS, rules.PPPK])
               .values_list("id", flat=True).order_by("id"))
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        with transaction.atomic():
            have = set(Balance.objects.filter(year=year, employee_id__in=chunk).values_list("employee_id", flat=True))
            previous = {b.employee_id: b for b in Balance.objects.filter(year=year - 1, employee_id__in=chunk)}
            paths = dict(Employee.objects.filter(id__in=chunk).values_list("id", "unit_path"))
            rows = [Balance(employee_id=eid, year=year, unit_path=paths[eid], entitlement=annual.days_per_year,
                            carried=_carried_from(previous.get(eid)), collective=collective)
                    for eid in chunk if eid not in have]
            Balance.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
            created += len(rows)
    Balance.objects.filter(year=year).exclude(collective=collective).update(collective=collective)
    record(actor=None, action="leave.roll_over", detail={"year": year, "created": created})
    return created


# --- Who decides ---------------------------------------------------------------------------------------


def delegators(user: User, on: date | None = None) -> list[int]:
    """Users whose decisions `user` may take today because they delegated them."""
    on = on or timezone.localdate()
    return list(Delegation.objects.filter(to_user=user, is_active=True, start__lte=on, end__gte=on)
                .values_list("from_user_id", flat=True))


def _superior_user_id(request: Request) -> int | None:
    return request.superior.user_id if request.superior is not None else None


def superior_acting_for(user: User, request: Request) -> User | None | bool:
    """False when `user` may not decide as the superior; else whom they act for (None: themself)."""
    if request.status != Status.WAITING_SUPERIOR or request.employee.user_id == user.pk:
        return False
    principal = _superior_user_id(request)
    if principal is None:
        # No registered superior with an account: the unit's leader acts as superior.
        return None if has_role(user, Role.UNIT_LEADER, request.unit) else False
    if principal == user.pk:
        return None
    if principal in delegators(user):
        return User.objects.get(pk=principal)
    return False


def official_acting_for(user: User, request: Request) -> User | None | bool:
    if request.status != Status.WAITING_OFFICIAL or request.employee.user_id == user.pk:
        return False
    if has_role(user, Role.AUTHORISED_OFFICIAL, request.unit):
        return None
    for principal in User.objects.filter(pk__in=delegators(user)):
        if has_role(principal, Role.AUTHORISED_OFFICIAL, request.unit):
            return principal
    return False


def may_decide(user: User, request: Request) -> bool:
    return superior_acting_for(user, request) is not False or official_acting_for(user, request) is not False


# --- Requests --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """What the employee typed, checked before anything is written."""

    kind: str
    leave_type: rules.LeaveType | None
    permission_type: PermissionType | None
    start: date
    end: date
    working_days: int
    needs_official: bool
    needs_proof: bool
    balance_after: int | None  # annual days left after this request, when it uses annual leave


def count_working_days(start: date, end: date) -> int:
    return working_days_between(start - timedelta(days=1), end)


def _month_count(employee: Employee, permission_type: PermissionType, day: date, exclude: int | None = None) -> int:
    qs = Request.objects.filter(employee=employee, permission_type=permission_type, start__year=day.year,
                                start__month=day.month, status__in=[*WAITING, Status.APPROVED])
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.count()


def check_draft(*, employee: Employee, type_code: str, start: date, end: date,
                exclude: int | None = None) -> Draft:
    """Validate a request: type allowed for this person, dates, length, monthly limit, balance."""
    if end < start:
        raise ValidationError(_("The last day is before the first day."))
    if (end - start).days > 3 * 366:
        raise ValidationError(_("The period is too long."))
    days = count_working_days(start, end)
    if days <= 0:
        raise ValidationError(_("The chosen days are not working days."))
    if type_code.startswith("perm:"):
        ptype = PermissionType.objects.filter(pk=_int(type_code[5:]), institution_id=employee.institution_id,
                                              is_active=True).first()
        if ptype is None:
            raise ValidationError(_("Choose a type of leave or permission."))
        if ptype.max_per_month is not None and _month_count(employee, ptype, start, exclude) >= ptype.max_per_month:
            raise ValidationError(_("You already have %(n)s permissions of this type this month; the limit is "
                                    "%(n)s.") % {"n": ptype.max_per_month})
        return Draft(Kind.PERMISSION, None, ptype, start, end, days, ptype.needs_official, ptype.needs_document, None)
    ltype = rules.get_type(type_code)
    if ltype is None or not ltype.requestable or not rules.may_take(
            ltype, employment_type=employee.employment_type, gender=employee.gender):
        raise ValidationError(_("This type of leave is not available to you."))
    if ltype.max_working_days is not None and days > ltype.max_working_days and ltype.code != rules.ANNUAL:
        raise ValidationError(_("This leave is at most %(n)s working days.") % {"n": ltype.max_working_days})
    if ltype.max_calendar_months is not None and end > _add_months(start, ltype.max_calendar_months):
        raise ValidationError(_("This leave is at most %(n)s months.") % {"n": ltype.max_calendar_months})
    after = None
    if ltype.reduces_annual:
        if start.year != end.year:
            raise ValidationError(_("Annual leave cannot run into the next year; make two requests."))
        balance = ensure_balance(employee, start.year)
        after = balance.available - pending_annual_days(employee, start.year) - days
        if exclude:
            after += Request.objects.filter(pk=exclude).values_list("working_days", flat=True).first() or 0
        if ltype.code == rules.ANNUAL and after < 0:
            raise ValidationError(_("Not enough annual leave: %(left)s working days left, %(asked)s asked.")
                                  % {"left": after + days, "asked": days})
    needs_proof = ltype.needs_proof and days > ltype.proof_after_days
    return Draft(Kind.LEAVE, ltype, None, start, end, days, ltype.approval == rules.SUPERIOR_THEN_OFFICIAL,
                 needs_proof, after)


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _check_proof(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    name = (upload.name or "").lower()
    if not name.endswith(PROOF_TYPES):
        raise ValidationError(_("Attach a PDF, JPG or PNG file."))
    if (upload.size or 0) > MAX_PROOF:
        raise ValidationError(_("The document is larger than 10 MB."))


def _event(request: Request, actor: User | None, kind: str, note: str = "") -> None:
    RequestEvent.objects.create(request=request, actor=actor, kind=kind, note=note)


@transaction.atomic
def submit_request(*, actor: User, employee: Employee, type_code: str, start: date, end: date, reason: str,
                   proof: UploadedFile | None = None) -> Request:
    draft = check_draft(employee=employee, type_code=type_code, start=start, end=end)
    if draft.needs_proof and proof is None:
        raise ValidationError(_("This request needs a document: %(what)s.")
                              % {"what": draft.leave_type.proof if draft.leave_type else _("a supporting document")})
    _check_proof(proof)
    req = Request(institution_id=employee.institution_id, employee=employee, unit_id=employee.unit_id,
                  unit_path=employee.unit_path, kind=draft.kind,
                  leave_type=draft.leave_type.code if draft.leave_type else "",
                  permission_type=draft.permission_type, start=start, end=end, effective_end=end,
                  working_days=draft.working_days, reason=reason.strip()[:2000], needs_official=draft.needs_official,
                  superior_id=employee.superior_id, status=Status.WAITING_SUPERIOR)
    if proof is not None:
        req.proof_name = (proof.name or "")[:200]
        req.proof.save(f"{secrets.token_hex(8)}{_suffix(proof.name)}", proof,
                       save=False)
    req.save()
    _event(req, actor, "submitted")
    record(actor=actor, action="leave.requested", target=req, unit=req.unit_id,
           # The type (e.g. sick leave) stays on the request: the audit log holds no health data.
           detail={"kind": req.kind, "days": req.working_days, "proof": bool(proof)})
    return req


def _suffix(name: str | None) -> str:
    name = (name or "").lower()
    return next((s for s in PROOF_TYPES if name.endswith(s)), "")


APPROVE, CHANGE, REFUSE = "approve", "change", "refuse"


@transaction.atomic
def decide(*, actor: User, request: Request, action: str, note: str = "", start: date | None = None,
           end: date | None = None) -> Request:
    """The superior's or the official's decision: approve, change the dates and approve, or refuse."""
    request = (Request.objects.select_for_update(of=("self",)).select_related("employee", "superior", "unit")
               .get(pk=request.pk))
    as_superior = superior_acting_for(actor, request)
    as_official = official_acting_for(actor, request) if as_superior is False else False
    if as_superior is False and as_official is False:
        raise ValidationError(_("You may not decide this request."))
    principal = as_superior if as_superior is not False else as_official
    note = note.strip()
    if action in (REFUSE, CHANGE) and not note:
        raise ValidationError(_("Write the reason for your decision."))
    if action == CHANGE:
        if start is None or end is None:
            raise ValidationError(_("Give the new dates."))
        draft = check_draft(employee=request.employee,
                            type_code=request.leave_type or f"perm:{request.permission_type_id}",
                            start=start, end=end, exclude=request.pk)
        request.start, request.end, request.effective_end = start, end, end
        request.working_days = draft.working_days
    elif action not in (APPROVE, REFUSE):
        raise ValidationError(_("Choose a decision."))
    now = timezone.now()
    if as_superior is not False:
        request.superior_decided_by, request.superior_decided_at, request.superior_note = actor, now, note
    step = "superior" if as_superior is not False else "official"
    if action == REFUSE:
        request.status = Status.REFUSED
        _final(request, actor, principal, note, now)
    elif as_superior is not False and request.needs_official and not _is_official(actor, principal, request):
        request.status = Status.WAITING_OFFICIAL
    else:
        request.status = Status.APPROVED
        _final(request, actor, principal, note, now)
    request.save()
    _event(request, actor, f"{step}_{action}", note)
    record(actor=actor, action=f"leave.{step}_{action}", target=request, unit=request.unit_id,
           detail={"status": request.status, "days": request.working_days,
                   "on_behalf_of": principal.pk if isinstance(principal, User) else None})
    if request.status == Status.APPROVED:
        _use_balance(request, +1)
        from marwah.leave import letters

        letters.issue(request)
        _recount(request)
    return request


def _is_official(actor: User, principal: Any, request: Request) -> bool:
    """A superior who is also the authorised official (or its delegate) decides both steps at once."""
    who = principal if isinstance(principal, User) else actor
    return has_role(who, Role.AUTHORISED_OFFICIAL, request.unit)


def _final(request: Request, actor: User, principal: Any, note: str, now: Any) -> None:
    request.decided_by, request.decided_at, request.decision_note = actor, now, note
    request.decided_on_behalf_of = principal if isinstance(principal, User) else None


def _uses_annual(request: Request) -> bool:
    ltype = rules.get_type(request.leave_type) if request.leave_type else None
    return bool(ltype and ltype.reduces_annual)


def _use_balance(request: Request, sign: int, days: int | None = None) -> None:
    if not _uses_annual(request):
        return
    balance = ensure_balance(request.employee, request.start.year)
    n = request.working_days if days is None else days
    Balance.objects.filter(pk=balance.pk).update(used=F("used") + sign * n)
    refresh_carry(balance)


def refresh_carry(balance: Balance) -> None:
    """Next year's balance, if already opened, carries what this year leaves unused."""
    balance.refresh_from_db()
    carried = _carried_from(balance)
    Balance.objects.filter(employee_id=balance.employee_id, year=balance.year + 1).exclude(
        carried=carried).update(carried=carried)


def _recount(request: Request) -> None:
    from marwah.leave import absence

    absence.recount(employee_ids=[request.employee_id], years={request.start.year, request.end.year})


@transaction.atomic
def cancel(*, actor: User, request: Request, note: str = "") -> Request:
    """The employee withdraws a request, or an approved leave that has not started."""
    request = Request.objects.select_for_update(of=("self",)).select_related("employee").get(pk=request.pk)
    if request.employee.user_id != actor.pk:
        raise ValidationError(_("Only the person who asked may cancel."))
    today = timezone.localdate()
    if not (request.is_waiting or (request.status == Status.APPROVED and request.start > today)):
        raise ValidationError(_("This request can no longer be cancelled; ask to be called back instead."))
    was_approved = request.status == Status.APPROVED
    request.status, request.closed_at = Status.CANCELLED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    _event(request, actor, "cancelled", note.strip())
    record(actor=actor, action="leave.cancelled", target=request, unit=request.unit_id,
           detail={"was_approved": was_approved})
    if was_approved:
        _use_balance(request, -1)
        _recount(request)
    return request


def may_recall(user: User, request: Request) -> bool:
    if request.status != Status.APPROVED or request.employee.user_id == user.pk:
        return False
    sup = _superior_user_id(request)
    return (sup == user.pk or (sup is not None and sup in delegators(user))
            or has_role(user, (Role.AUTHORISED_OFFICIAL, Role.UNIT_LEADER), request.unit))


@transaction.atomic
def recall(*, actor: User, request: Request, on: date, note: str) -> Request:
    """Call someone back from leave from day `on`; the unused working days return to the balance."""
    request = (Request.objects.select_for_update(of=("self",)).select_related("employee", "superior", "unit")
               .get(pk=request.pk))
    if not may_recall(actor, request):
        raise ValidationError(_("You may not call this person back."))
    if not note.strip():
        raise ValidationError(_("Write the reason for the call-back."))
    if not (request.start < on <= request.end):
        raise ValidationError(_("The return day must fall after the first day and within the leave."))
    returned = count_working_days(on, request.end)
    request.status, request.effective_end, request.closed_at = Status.RECALLED, on - timedelta(days=1), timezone.now()
    request.save(update_fields=["status", "effective_end", "closed_at"])
    _event(request, actor, "recalled", note.strip())
    record(actor=actor, action="leave.recalled", target=request, unit=request.unit_id,
           detail={"on": on.isoformat(), "days_returned": returned})
    _use_balance(request, -1, returned)
    _recount(request)
    return request


# --- Delegation and permission types -------------------------------------------------------------------


@transaction.atomic
def delegate(*, actor: User, to_user: User, start: date, end: date, reason: str = "") -> Delegation:
    if to_user.pk == actor.pk:
        raise ValidationError(_("Choose someone else."))
    if end < start:
        raise ValidationError(_("The last day is before the first day."))
    row = Delegation.objects.create(from_user=actor, to_user=to_user, start=start, end=end, reason=reason[:200])
    record(actor=actor, action="leave.delegated", target=row,
           detail={"to": to_user.pk, "start": start.isoformat(), "end": end.isoformat()})
    return row


@transaction.atomic
def end_delegation(*, actor: User, delegation: Delegation) -> None:
    if delegation.from_user_id != actor.pk:
        raise ValidationError(_("Only the person who delegated may end it."))
    delegation.is_active = False
    delegation.save(update_fields=["is_active"])
    record(actor=actor, action="leave.delegation_ended", target=delegation)


@transaction.atomic
def save_permission_type(*, actor: User, institution_id: int, name: str, max_per_month: int | None,
                         needs_document: bool, needs_official: bool, pk: int | None = None) -> PermissionType:
    from django.utils.text import slugify

    row = PermissionType.objects.filter(pk=pk, institution_id=institution_id).first() if pk else None
    if row is None:
        row = PermissionType(institution_id=institution_id, code=slugify(name)[:40] or "izin")
        if PermissionType.objects.filter(institution_id=institution_id, code=row.code).exists():
            raise ValidationError(_("A permission type with this name already exists."))
    row.name, row.max_per_month, row.needs_document, row.needs_official = name, max_per_month, needs_document, \
        needs_official
    row.save()
    record(actor=actor, action="leave.permission_type_saved", target=row,
           detail={"max_per_month": max_per_month, "needs_document": needs_document})
    return row


@transaction.atomic
def set_permission_type_active(*, actor: User, permission_type: PermissionType, active: bool) -> None:
    permission_type.is_active = active
    permission_type.save(update_fields=["is_active"])
    record(actor=actor, action="leave.permission_type_active", target=permission_type, detail={"active": active})


def ensure_permission_types(institution_id: int) -> None:
    """Give an institution the default permission types the first time it is used."""
    if PermissionType.objects.filter(institution_id=institution_id).exists():
        return
    PermissionType.objects.bulk_create([
        PermissionType(institution_id=institution_id, code=d.code, name=str(d.label), max_per_month=d.max_per_month,
                       needs_document=d.needs_document)
        for d in rules.PERMISSION_DEFAULTS], ignore_conflicts=True)


def approvers_waiting_q(user: User) -> Q:
    """Requests waiting for `user` (or for someone who delegated to them)."""
    from marwah.accounts.selectors import path_q, role_paths

    principals = [user.pk, *delegators(user)]
    q = Q(status=Status.WAITING_SUPERIOR, superior__user_id__in=principals)
    q |= Q(status=Status.WAITING_SUPERIOR, superior__user__isnull=True) & path_q(
        "unit_path", role_paths(user, [Role.UNIT_LEADER]))
    official_paths = role_paths(user, [Role.AUTHORISED_OFFICIAL])
    for principal in User.objects.filter(pk__in=principals[1:]):
        official_paths += role_paths(principal, [Role.AUTHORISED_OFFICIAL])
    if official_paths:
        q |= Q(status=Status.WAITING_OFFICIAL) & path_q("unit_path", official_paths)
    return q & ~Q(employee__user_id=user.pk)
