"""Reads of cases, each checking who may see what.

One source of truth for access: a user sees a case only as an active `CaseMember`, and
never when a `CaseBlock` token matches them (reported or involved people). Everyone
else — the accused, an outsider, a conflicted handler, a plain employee — gets a 404,
and listings and search are built on the same query so they cannot leak a case either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marwah.accounts.models import Role, User
from marwah.audit.services import record_read
from marwah.cases.models import (
    FIELD_DECISION,
    FIELD_ORGANISATION,
    FIELD_PROTECTION_NOTE,
    FIELD_PROVIDER,
    FIELD_REFERRAL_NOTE,
    FIELD_REJECTION,
    OPEN_STATUSES,
    Case,
    CaseBlock,
    CaseEvent,
    CaseMember,
    Decision,
    ProtectionMeasure,
    Referral,
    Status,
)
from marwah.cases.routing import MAX_CHAIN, employee_token, role_holders, unit_by_id, user_token
from marwah.core.prepared import Prepared
from marwah.people.models import Employee
from marwah.rules import deadlines as deadline_rules
from marwah.rules.violations import KINDS
from marwah.worktime.services import working_days_between

TEAM_ROLES = {"satgas": Role.SATGAS_PKS, "neutrality": Role.NEUTRALITY_TEAM, "ethics": Role.ETHICS,
              "superior": Role.UNIT_LEADER}


def _visible(user_id: int, token: str) -> QuerySet[Case]:
    """The one access rule: an active member, not purged, no block token of the user."""
    return (Case.objects.filter(members__user=user_id, members__is_active=True, purged_at__isnull=True)
            .exclude(blocks__token=token))


def visible_cases(user: User) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return _visible(user.pk, user_token(user.pk))


def has_cases(user: User) -> bool:
    return visible_cases(user).exists()


# The case page's reads are compiled once per process (core.prepared): the same query with other values.
# The decision comes with the case (a LEFT JOIN), instead of a statement of its own when the page shows it.
# The two units come from the per-process memory (core.memo), not from joins: with the units (a dozen
# indexes each) and the assignee joined too, PostgreSQL took 6-16 ms to plan the statement it then ran
# in 0.2 ms (EXPLAIN, bench_prof_cases); with the report and the decision only, 0.5 ms.
_CASE = Prepared(lambda public_id, user_id, token: _visible(user_id, token).filter(public_id=public_id).order_by()
                 .select_related("report", "decision")[:1],
                 public_id=str, user_id=int, token=str)


def get_case_for_user(user: User, public_id: str, *, audit: bool = True) -> Case:
    """The case, if `user` may handle it; Http404 otherwise. Every successful read is audited."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    found = _CASE.objects(public_id=public_id, user_id=user.pk, token=user_token(user.pk))
    if not found:
        raise Http404
    case = found[0]
    assert isinstance(case, Case)
    case.handling_unit = unit_by_id(case.handling_unit_id)
    if case.unit_id is not None:
        case.unit = unit_by_id(case.unit_id)
    if audit:
        record_read(actor=user, action="case.read", target=case, unit=case.handling_unit_id)
    return case


@dataclass
class InboxRow:
    case: Case
    days_left: int | None

    @property
    def badge(self) -> str:
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return "bad"
        return "warn" if self.days_left <= deadline_rules.REMINDER_WORKING_DAYS else "ok"

    @property
    def late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def kind_label(self) -> Any:
        kind = KINDS.get(self.case.kind)
        return kind.label if kind else self.case.kind

    # Row text prepared in Python: the inbox renders up to 100 rows, and template tags per row
    # (url, blocktranslate, with) were most of the page's time (docs/benchmarks/cases.md).
    @property
    def url(self) -> str:
        return reverse("cases:detail", args=[self.case.public_id])

    @property
    def title(self) -> str:
        return self.case.reference or self.case.public_id

    @property
    def unit_name(self) -> str:
        return self.case.unit.name if self.case.unit else "—"

    @property
    def handler_name(self) -> str:
        return self.case.assignee.display_name if self.case.assignee else "—"

    @property
    def deadline_text(self) -> str:
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return ngettext("%(n)s working day late", "%(n)s working days late", self.late) % {"n": self.late}
        return ngettext("%(n)s working day left", "%(n)s working days left", self.days_left) % {"n": self.days_left}


def _memberships(user_id: int, token: str) -> QuerySet[CaseMember]:
    """The user's active memberships of cases they may see: the inbox's starting point.

    Same rule as `visible_cases` (active member, not purged, no block token of the user), read from the
    membership side so that PostgreSQL walks `case_member_inbox` in the inbox's order and stops after
    one page, instead of scanning every open case in the country (docs/benchmarks/cases.md)."""
    blocked = CaseBlock.objects.filter(case_id=OuterRef("case_id"), token=token)
    return (CaseMember.objects.filter(user=user_id, is_active=True, case__purged_at__isnull=True)
            .exclude(Exists(blocked)))


def inbox(user: User, *, q: str = "", status: str = "", category: str = "", overdue: bool = False,
          limit: int = 100) -> list[InboxRow]:
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    if q.strip() or overdue:
        members = list(inbox_members(user, q=q, status=status, category=category, overdue=overdue,
                                     today=today)[:limit])
    else:
        values = {"status": status} if status and status != "open" else {}
        if category:
            values["category"] = category
        members = _prepared_inbox(status, bool(category), limit).objects(
            user_id=user.pk, token=user_token(user.pk), **values)
    left: dict[date, int] = {}  # many cases share a due date

    def days(due: date) -> int:
        if due not in left:
            left[due] = working_days_between(today, due)
        return left[due]

    return [InboxRow(m.case, days(m.case.stage_due) if m.case.stage_due and m.case.is_open else None)
            for m in members]


_INBOXES: dict[tuple[str, bool, bool, int], Prepared] = {}


def _prepared_inbox(status: str, category: bool, limit: int) -> Prepared:
    """The inbox query of `inbox_members` for this shape of filters, compiled once (core.prepared): the
    inbox without a search or the overdue filter, the page a handler opens most."""
    mode = "" if not status else "open" if status == "open" else "status"
    is_open = mode == "status" and status in OPEN_STATUSES
    key = (mode, is_open, category, limit)
    prepared = _INBOXES.get(key)
    if prepared is None:
        params: dict[str, type] = {"user_id": int, "token": str}
        if mode == "status":
            params["status"] = str
        if category:
            params["category"] = str

        def build(user_id: int, token: str, status: str = "", category: str = "") -> QuerySet[CaseMember]:
            qs = _inbox_members(user_id, token, status="open" if mode == "open" else "", category=category,
                                today=timezone.localdate())
            if mode == "status":  # as in _inbox_members: the status and whether it is an open one
                qs = qs.filter(case_open=is_open, case__status=status)
            return qs[:limit]

        prepared = _INBOXES[key] = Prepared(build, **params)
    return prepared


def inbox_members(user: User, *, q: str = "", status: str = "", category: str = "", overdue: bool = False,
                  today: date) -> QuerySet[CaseMember]:
    """The inbox's one query: memberships with their cases, most urgent first (slice it)."""
    return _inbox_members(user.pk, user_token(user.pk), q=q, status=status, category=category, overdue=overdue,
                          today=today)


def _inbox_members(user_id: int, token: str, *, q: str = "", status: str = "", category: str = "",
                   overdue: bool = False, today: date) -> QuerySet[CaseMember]:
    qs = _memberships(user_id, token)
    if status == "open":
        qs = qs.filter(case_open=True)
    elif status:
        qs = qs.filter(case_open=status in OPEN_STATUSES, case__status=status)
    if category:
        qs = qs.filter(case__category=category)
    if overdue:
        qs = qs.filter(case_open=True, case_due__lt=today)
    q = q.strip()
    if q:
        kinds = [code for code, k in KINDS.items() if q.lower() in str(k.label).lower()]
        with translation.override("en"):
            kinds += [code for code, k in KINDS.items() if q.lower() in str(k.label).lower()]
        qs = qs.filter(Q(case__public_id__istartswith=q) | Q(case__reference__istartswith=q)
                       | Q(case__unit__name__icontains=q) | Q(case__kind__in=kinds))
    # case_due/case_created mirror the case's stage_due/created_at (Case.sync_members). Only the columns
    # the rows show are loaded: building 100 wide Case and User rows was a good part of the page's CPU.
    return (qs.select_related("case__unit", "case__assignee")
            .only(*INBOX_COLUMNS).order_by("case_due", "-case_created"))


INBOX_COLUMNS = ("case_id", "case_due", "case_created", "case__public_id", "case__reference", "case__repeat_flag",
                 "case__created_at", "case__kind", "case__category", "case__status", "case__stage_due",
                 "case__unit__name", "case__assignee__username", "case__assignee__first_name",
                 "case__assignee__last_name")


def attention_counts(user: User) -> dict[str, int]:
    """Open cases, overdue ones and repeat-perpetrator flags, for the home page (one query)."""
    from django.db.models import Count

    if not getattr(user, "is_authenticated", False):
        return {"open": 0, "overdue": 0, "repeat": 0}
    today = timezone.localdate()
    row = _memberships(user.pk, user_token(user.pk)).filter(case_open=True).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(case_due__lt=today)),
        repeat=Count("pk", filter=Q(case__repeat_flag=True)))
    return {k: v or 0 for k, v in row.items()}


def days_left(case: Case, today: date | None = None) -> int | None:
    if not case.stage_due or not case.is_open:
        return None
    return working_days_between(today or timezone.localdate(), case.stage_due)


_BLOCKS = Prepared(lambda case_id: CaseBlock.objects.filter(case_id=case_id).order_by().values_list("token"),
                   case_id=int)


def block_tokens(case: Case) -> set[str]:
    return {token for (token,) in _BLOCKS.rows(case_id=case.pk)}


def eligible_handlers(case: Case, current: list[Any] | None = None) -> list[User]:
    """Members, plus holders of the team's role at the handling unit — never blocked or conflicted people."""
    blocked = block_tokens(case)
    current = current if current is not None else members(case)
    candidates = {m.user for m in current}
    # Active holders of the role at the unit (routing.role_holders: remembered per process, core.memo).
    role = TEAM_ROLES.get(case.team_kind)
    if role is not None:
        candidates |= {u for u, _chair in role_holders(role, [case.handling_unit_id]).get(case.handling_unit_id, [])}
    bad = conflicted_users(list(candidates), blocked)
    return sorted((u for u in candidates if u.pk not in bad), key=lambda u: u.display_name)


def conflicted_users(users: list[User], blocked_tokens: set[str]) -> set[int]:
    """Blocked users, and (transitive) subordinates of a reported employee, found through keyed tokens."""
    out = {u.pk for u in users if user_token(u.pk) in blocked_tokens}
    rest = [u.pk for u in users if u.pk not in out]
    if not blocked_tokens or not rest:
        return out  # nobody reported or involved: nobody can be conflicted
    for user_id, chain in _employee_chains(rest).items():
        if any(employee_token(eid) in blocked_tokens for eid in chain):
            out.add(user_id)
    return out


def _employee_chains(user_ids: list[int]) -> dict[int, set[int]]:
    """{user id: their employee id and the ids of their superiors, up to MAX_CHAIN levels}, one statement
    for everyone (a recursive query, on PostgreSQL and SQLite alike) instead of one per level."""
    table = Employee._meta.db_table
    marks = ", ".join(["%s"] * len(user_ids))
    sql = (f"WITH RECURSIVE chain (user_id, employee_id, depth) AS ("  # noqa: S608  (no user input)
           f"SELECT user_id, id, 0 FROM {table} WHERE user_id IN ({marks}) "
           f"UNION ALL SELECT chain.user_id, e.superior_id, chain.depth + 1 FROM chain "
           f"JOIN {table} e ON e.id = chain.employee_id WHERE e.superior_id IS NOT NULL AND chain.depth < %s) "
           "SELECT user_id, employee_id FROM chain")
    out: dict[int, set[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*user_ids, MAX_CHAIN])
        for user_id, employee_id in cursor.fetchall():
            out.setdefault(user_id, set()).add(employee_id)
    return out


def is_conflicted(user: User, blocked_tokens: set[str]) -> bool:
    return user.pk in conflicted_users([user], blocked_tokens)


_MEMBERS = Prepared(lambda case_id: CaseMember.objects.filter(case_id=case_id, is_active=True).select_related("user")
                    .order_by("reason", "user__username"), case_id=int)


def members(case: Case) -> list[Any]:
    return _MEMBERS.objects(case_id=case.pk)


# --- Handler-written text, decrypted with the report key of this session -----------------------------
# Each value is the text, "" when nothing was written, or None while the session cannot open the
# report key (the page then says the text is encrypted and offers to unlock).

def _open(request: HttpRequest, case: Case, field: str, blob: str) -> str | None:
    from marwah.reporting import vault

    return vault.decrypt_for_report(request=request, report=case.report, field=field, blob=blob)


@dataclass
class ProtectionView:
    measure: ProtectionMeasure
    provider: str | None
    note: str | None


@dataclass
class ReferralView:
    referral: Referral
    organisation: str | None
    note: str | None


_PROTECTION = Prepared(lambda case_id: ProtectionMeasure.objects.filter(case_id=case_id)
                       .select_related("recorded_by"), case_id=int)
_REFERRALS = Prepared(lambda case_id: Referral.objects.filter(case_id=case_id).select_related("recorded_by"),
                      case_id=int)
_EVENTS = Prepared(lambda case_id: CaseEvent.objects.filter(case_id=case_id).select_related("actor")
                   .order_by("at", "id"), case_id=int)


def protection_records(case: Case, request: HttpRequest) -> list[ProtectionView]:
    return [ProtectionView(m, _open(request, case, FIELD_PROVIDER, m.provider_enc),
                           _open(request, case, FIELD_PROTECTION_NOTE, m.note_enc))
            for m in _PROTECTION.objects(case_id=case.pk)]


def referrals(case: Case, request: HttpRequest) -> list[ReferralView]:
    return [ReferralView(r, _open(request, case, FIELD_ORGANISATION, r.organisation_enc),
                         _open(request, case, FIELD_REFERRAL_NOTE, r.note_enc))
            for r in _REFERRALS.objects(case_id=case.pk)]


def decision_summary(case: Case, decision: Decision, request: HttpRequest) -> str | None:
    return _open(request, case, FIELD_DECISION, decision.summary_enc)


def rejection_reason(case: Case, request: HttpRequest) -> str | None:
    return _open(request, case, FIELD_REJECTION, case.rejection_reason_enc)


def timeline(case: Case) -> list[CaseEvent]:
    return _EVENTS.objects(case_id=case.pk)


@dataclass
class PublicStatus:
    status: str
    status_label: Any
    steps: list[tuple[Any, Any]] = field(default_factory=list)
    rejection_reason: str = ""
    decision_summary: str = ""
    next_step_text: Any = ""
    team_label: Any = ""


NEXT_STEP: dict[str, str | Promise] = {
    Status.RECEIVED: _("The team will check your report. You can come back with your receipt to see "
                       "questions from the team."),
    Status.VERIFIED: _("The team will examine the report. They may ask you questions here."),
    Status.EXAMINATION: _("The team is examining the report and will decide."),
    Status.DECISION: _("A decision was made; it will now be carried out."),
    Status.FOLLOW_UP: _("The decision is being carried out."),
    Status.CLOSED: _("The case is closed. Thank you for reporting."),
    Status.REJECTED: _("The report was not followed up. You can read the reason above."),
}


def public_status(report: Any, *, report_key: bytes) -> PublicStatus | None:
    """What the reporter may see: status, dated steps, a rejection reason, a decision summary.

    The two texts are stored encrypted with the report key; `report_key` is the key the reporter's
    session opened with the receipt (`reporting.selectors.reporter_report`).
    """
    from marwah.reporting import vault

    case = (Case.objects.filter(report=report).select_related("decision", "handling_unit").first()
            if report else None)
    if case is None:
        return None

    def text(field: str, blob: str) -> str:
        opened = vault.decrypt_with_key(report_key, report=report, field=field, blob=blob)
        return opened if opened is not None else str(_("(this text cannot be read)"))

    events = case.events.filter(reporter_visible=True).order_by("at", "id")
    steps = [(Status(e.status).label if e.status else e.kind, e.at) for e in events]
    decision = getattr(case, "decision", None)
    team = {"satgas": _("Satgas PKS"), "neutrality": _("Internal neutrality team"),
            "ethics": _("Ethics handlers"), "superior": _("Direct superior and HR")}.get(case.team_kind, "")
    return PublicStatus(
        status=case.status, status_label=Status(case.status).label, steps=steps,
        rejection_reason=text(FIELD_REJECTION, case.rejection_reason_enc) if case.status == Status.REJECTED else "",
        decision_summary=text(FIELD_DECISION, decision.summary_enc) if decision else "",
        next_step_text=NEXT_STEP.get(case.status, ""),
        team_label=f"{team}, {case.handling_unit.name}" if team else case.handling_unit.name,
    )


@dataclass
class DeadlineRow:
    category: Any
    stage: Any
    default_days: int
    days: int
    overridden: bool
    citation: Any
    confirmed: bool
    note: str = ""
    day_kind: Any = ""


def deadline_table() -> list[DeadlineRow]:
    from marwah.cases.models import DeadlinePolicy
    from marwah.rules.violations import CATEGORIES

    overrides = {(p.category, p.stage): p for p in DeadlinePolicy.objects.all()}
    rows = []
    for (category, stage), default in deadline_rules.DEFAULTS.items():
        policy = overrides.get((category, stage))
        rows.append(DeadlineRow(CATEGORIES[category].label, deadline_rules.STAGES[stage], default.working_days,
                                policy.working_days if policy else default.working_days, policy is not None,
                                default.citation, default.confirmed, policy.note if policy else "",
                                deadline_rules.DAY_KINDS[deadline_rules.WORKING if policy else default.day_kind]))
    return rows


def deadline_policies() -> dict[str, str]:
    """Catalog rule key -> the global deadline override (cases.DeadlinePolicy), for the /aturan/ page."""
    from marwah.cases.models import DeadlinePolicy

    return {deadline_rules.rule_key(p.category, p.stage): f"{p.working_days} "
            f"{deadline_rules.DAY_KINDS[deadline_rules.WORKING]}{'; ' + p.note if p.note else ''}"
            for p in DeadlinePolicy.objects.all()}


def references_for(ids: list[str]) -> dict[str, str]:
    """Case pk (as text, as the audit log stores it) -> human reference, for the audit log."""
    pks = [int(i) for i in ids if str(i).isdigit()]
    return {str(pk): ref for pk, ref in Case.objects.filter(pk__in=pks).values_list("pk", "reference") if ref}


def case_pk_for_reference(text: str) -> str | None:
    """The case pk for a human reference (KS-2026-000123) or a public id, for the audit log filter."""
    text = text.strip()
    pk = (Case.objects.filter(Q(reference__iexact=text) | Q(public_id=text)).values_list("pk", flat=True).first()
          if text else None)
    return str(pk) if pk is not None else None


def can_file_leads(user: User) -> bool:
    from marwah.accounts.selectors import has_role

    return has_role(user, Role.NEUTRALITY_TEAM)


def find_employee_for_lead(user: User, query: str) -> Employee | None:
    """An employee (by NIP or employee number) inside the neutrality team member's scope."""
    from marwah.accounts.selectors import path_q, role_paths

    query = query.strip()
    if not query:
        return None
    paths = role_paths(user, [Role.NEUTRALITY_TEAM])
    return (Employee.objects.filter(path_q("unit_path", paths), is_active=True)
            .filter(Q(nip=query) | Q(employee_number=query)).select_related("unit", "institution").first())


@dataclass
class AccessCheck:
    reads: int
    outside: list[Any]


def case_reads_outside_team(user: User, *, limit: int = 200) -> AccessCheck:
    """For auditors (journey 8): every audited read of a case, in the auditor's scope, by someone who
    was never on that case's team. A healthy system returns none."""
    from django.db.models import BigIntegerField, Exists, OuterRef
    from django.db.models.functions import Cast

    from marwah.audit.selectors import entries_for_user

    reads = entries_for_user(user, action="case.read").filter(target_type="cases.case")
    member = CaseMember.objects.filter(
        case_id=Cast(OuterRef("target_id"), BigIntegerField()), user_id=OuterRef("actor_id")
    )
    outside = reads.exclude(Exists(member)).order_by("-created_at", "-id")
    return AccessCheck(reads=reads.count(), outside=list(outside[:limit]))
