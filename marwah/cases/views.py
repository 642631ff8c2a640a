"""Staff case handling: inbox, case page and its actions, decision letter, deadline settings.

Every case is loaded through `selectors.get_case_for_user` (404 for anyone outside the
handling team, the reported and involved people included; each read is audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import has_role
from marwah.cases import selectors, services
from marwah.cases.forms import (
    AssignForm,
    DeadlinePolicyForm,
    DecisionForm,
    InboxFilterForm,
    ProtectionForm,
    ReferralForm,
    StatusForm,
)
from marwah.cases.models import Case, Status
from marwah.reporting.vault import ReportLocked
from marwah.rules import catalog
from marwah.rules.protection import GROUPS, ITEMS, REFERRAL_CITATION
from marwah.rules.sanctions import suggest_sanctions
from marwah.rules.violations import CATEGORIES, KINDS

STATUS_ACTIONS: dict[str, list[tuple[Status, str]]] = {
    Status.RECEIVED: [(Status.VERIFIED, "verify")],
    Status.VERIFIED: [(Status.EXAMINATION, "examine")],
    Status.DECISION: [(Status.FOLLOW_UP, "follow_up")],
    Status.FOLLOW_UP: [(Status.CLOSED, "close")],
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters: dict[str, Any] = {"status": "open"} if not request.GET else {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    rows = selectors.inbox(_user(request), **filters)
    return render(request, "cases/inbox.html", {"form": form, "rows": rows})


def _content(request: HttpRequest, case: Case) -> Any:
    try:
        from marwah.reporting.selectors import open_report
    except ImportError:
        return None
    return open_report(request=request, report=case.report)


def _detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    decision = getattr(case, "decision", None) if case.status in (Status.DECISION, Status.FOLLOW_UP,
                                                                  Status.CLOSED) else None
    suggestions = suggest_sanctions(case.kind, employment_type=case.accused_employment_type,
                                    institution_id=case.institution_id)
    team = selectors.members(case)
    if case.assignee_id is not None and not Case.assignee.is_cached(case):
        # The handler is nearly always on the team, whose users are loaded already.
        on_team = next((m.user for m in team if m.user_id == case.assignee_id), None)
        if on_team is not None:
            case.assignee = on_team
    can_manage = any(m.user_id == user.pk and (m.is_chair or m.reason in ("leader", "superior")) for m in team)
    handlers = selectors.eligible_handlers(case, team) if can_manage else []
    # Victim protection and referrals exist and are shown for sexual-violence cases only.
    is_sexual_violence = case.category == "sexual_violence"
    protection = selectors.protection_records(case, request) if is_sexual_violence else []
    given = {p.measure.item for p in protection}
    can_reject = case.status in (Status.RECEIVED, Status.VERIFIED)
    can_decide = case.status == Status.EXAMINATION
    content = _content(request, case)
    return {
        "case": case,
        "content": content,
        # Handler-written text is encrypted with the report key: without it, nothing can be written.
        "locked": content is None,
        "unlock_url": _unlock_url(case),
        "kind": KINDS.get(case.kind),
        "category": CATEGORIES.get(case.category),
        "days_left": selectors.days_left(case),
        "members": team,
        "team": _team_rows(case, team, can_manage, user),
        "events": _timeline_rows(case),
        "actions": STATUS_ACTIONS.get(case.status, []),
        "can_reject": can_reject,
        "can_decide": can_decide,
        "can_manage": can_manage,
        "decision": decision,
        "decision_summary": selectors.decision_summary(case, decision, request) if decision else "",
        "rejection_reason": selectors.rejection_reason(case, request) if case.status == Status.REJECTED else "",
        "decision_sanctions": _sanctions(decision),
        "suggestions": suggestions,
        "suggested_codes": {s.sanction.code for s in suggestions},
        "protection": protection,
        "checklist": _checklist(given) if is_sexual_violence else "",
        "referrals": selectors.referrals(case, request) if is_sexual_violence else [],
        "referral_citation": REFERRAL_CITATION,
        # Only the forms the page shows for this case and user are built (each copies its fields).
        "status_form": forms.get("status_form") or (StatusForm(initial={"to": Status.REJECTED}) if can_reject else None),
        "assign_form": forms.get("assign_form") or (AssignForm(handlers=handlers, initial={"assignee": case.assignee_id})
                                                    if can_manage else None),
        # Text written about the case is stored encrypted: while locked, the page offers to unlock instead.
        "protection_form": forms.get("protection_form") or (ProtectionForm() if is_sexual_violence and content
                                                            is not None else None),
        "referral_form": forms.get("referral_form") or (ReferralForm() if is_sexual_violence and content
                                                        is not None else None),
        "decision_form": forms.get("decision_form") or (DecisionForm(
            initial={"sanctions": [s.sanction.code for s in suggestions[:1]]}) if can_decide else None),
        "is_sexual_violence": is_sexual_violence,
        # Issue 9.16: a case logged by staff (a neutrality lead) has no reporter to talk to or identify.
        "conversation_url": "" if case.internal else _reverse_or_empty("reporting_staff:conversation",
                                                                       case.public_id),
        "identity_url": "" if case.internal else _reverse_or_empty("identity:request", case.public_id),
        "superior_duty": _superior_duty(case),
        "catalog_version": catalog.catalog_version(),
    }


EVENT_LABELS: dict[str, Any] = {
    "received": gettext_lazy("Report received"),
    "decision": gettext_lazy("Decision recorded"),
    "assigned": gettext_lazy("Handler assigned"),
    "protection": gettext_lazy("Protection recorded"),
    "referral": gettext_lazy("Referral recorded"),
    "overdue": gettext_lazy("Deadline missed: leader alerted"),
    "repeat": gettext_lazy("Same person named in another report"),
}


_DONE = mark_safe(' class="done"')  # noqa: S308  (a constant)


def _checklist(given: set[str]) -> SafeString:
    """The victim-rights checklist, each right marked when recorded. Written here rather than in a
    template loop over ~20 rights, which cost ~0.4 ms of every sexual-violence case page (issue 14)."""
    return format_html_join("", '<h3>{} <span class="small muted">({})</span></h3><ul class="checklist">{}</ul>', (
        (label, cit, format_html_join("", "<li{}>{}</li>", ((_DONE if i.code in given else "", i.label)
                                                            for i in ITEMS.values() if i.group == g)))
        for g, (label, cit) in GROUPS.items()))


def _timeline_rows(case: Case) -> list[tuple[Any, Any]]:
    """(event, what happened): the label chosen here, not by a chain of {% if %} per event in the template."""
    return [(e, e.get_status_display() if e.kind == "status" else EVENT_LABELS.get(e.kind, e.kind))
            for e in selectors.timeline(case)]


def _team_rows(case: Case, team: list[Any], can_manage: bool, user: User) -> list[tuple[Any, str]]:
    """(member, the URL that takes them off the case, or "" when this user cannot): one reversed URL for all."""
    if not can_manage:
        return [(m, "") for m in team]
    head, _sep, tail = reverse("cases:remove_member", args=[case.public_id, 0]).rpartition("/0/")
    return [(m, "" if m.user_id == user.pk else f"{head}/{m.user_id}/{tail}") for m in team]


@catalog.applies("sanctions.superior_must_examine")
def _superior_duty(case: Case) -> Any:
    """PP 94/2021 Pasal 26(1), 28: shown to the direct superior on discipline cases they handle."""
    return catalog.get("sanctions.superior_must_examine") if case.team_kind == "superior" else None


def _sanctions(decision: Any) -> list[Any]:
    from marwah.rules.sanctions import SANCTIONS

    return [SANCTIONS[c] for c in decision.sanctions if c in SANCTIONS] if decision else []


def _reverse_or_empty(name: str, *args: Any) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


SHARED_KEY = "mw_cases_shared"


@login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.get_case_for_user(_user(request), public_id)
    context = _detail_context(request, case)
    shared = request.session.get(SHARED_KEY, [])
    if context["content"] is not None and case.pk not in shared:
        # The first time a handler with an unlocked key opens the case in this session, team members
        # still without a sealed copy of the report key get one (new members, reassignments).
        services.share_with_team(case=case, actor=_user(request), request=request)
        request.session[SHARED_KEY] = [*shared[-50:], case.pk]
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def remove_member(request: HttpRequest, public_id: str, user_id: int) -> HttpResponse:
    """A handler who left the team is taken off the case; the chair then assigns someone else."""
    case = selectors.get_case_for_user(_user(request), public_id)
    member = next((m for m in selectors.members(case) if m.user_id == user_id), None)
    if member is None:
        raise Http404
    try:
        services.remove_member(case=case, actor=_user(request), user=member.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(case, "team")
    messages.success(request, _("Removed from the case. Assign another handler if needed."))
    return _back(case, "team")


def _unlock_url(case: Case, anchor: str = "") -> str:
    unlock = _reverse_or_empty("keys:unlock")
    if not unlock:
        return ""
    target = reverse("cases:detail", args=[case.public_id]) + (f"#{anchor}" if anchor else "")
    return f"{unlock}?{urlencode({'next': target})}"


def _locked(request: HttpRequest, case: Case, anchor: str = "") -> HttpResponse:
    """The session cannot open the report key: unlock first. Nothing is ever stored in plaintext."""
    messages.warning(request, _("Unlock your key first: what you write about a case is stored encrypted "
                                "with the report. Then write it again."))
    return redirect(_unlock_url(case, anchor) or reverse("cases:detail", args=[case.public_id]))


def _back(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("cases:detail", args=[case.public_id]) + (f"#{anchor}" if anchor else ""))


def _invalid(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    messages.error(request, _("Please check the form below."))
    return render(request, "cases/detail.html", _detail_context(request, case, **forms), status=400)


@login_required
@require_POST
def change_status(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.get_case_for_user(_user(request), public_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, status_form=form)
    try:
        services.change_status(case=case, actor=_user(request), to=form.cleaned_data["to"],
                               reason=form.cleaned_data["reason"], request=request)
    except ReportLocked:
        return _locked(request, case, "steps")
    except ValidationError as exc:
        form.add_error("reason", exc)
        return _invalid(request, case, status_form=form)
    messages.success(request, _("Status updated. The reporter sees the new step."))
    return _back(case)


@login_required
@require_POST
def assign(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.get_case_for_user(_user(request), public_id)
    handlers = selectors.eligible_handlers(case)
    form = AssignForm(request.POST, handlers=handlers)
    if not form.is_valid():
        return _invalid(request, case, assign_form=form)
    assignee = next(u for u in handlers if str(u.pk) == form.cleaned_data["assignee"])
    try:
        services.assign(case=case, actor=_user(request), assignee=assignee, request=request)
    except ValidationError as exc:
        form.add_error("assignee", exc)
        return _invalid(request, case, assign_form=form)
    messages.success(request, _("The case was assigned."))
    return _back(case, "team")


@login_required
@require_POST
def share(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.get_case_for_user(_user(request), public_id)
    count = services.share_with_team(case=case, actor=_user(request), request=request)
    messages.success(request, _("Access shared with %(n)d team members.") % {"n": count})
    return _back(case, "team")


@login_required
@require_POST
def add_protection(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.get_case_for_user(_user(request), public_id)
    form = ProtectionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, protection_form=form)
    try:
        services.add_protection(case=case, actor=_user(request), request=request, **form.cleaned_data)
    except ReportLocked:
        return _locked(request, case, "protection")
    except ValidationError as exc:
        form.add_error(None, exc)
        return _invalid(request, case, protection_form=form)
    messages.success(request, _("Recorded."))
    return _back(case, "protection")


@login_required
@require_POST
def add_referral(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.get_case_for_user(_user(request), public_id)
    form = ReferralForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, referral_form=form)
    try:
        services.add_referral(case=case, actor=_user(request), request=request, **form.cleaned_data)
    except ReportLocked:
        return _locked(request, case, "protection")
    except ValidationError as exc:
        form.add_error(None, exc)
        return _invalid(request, case, referral_form=form)
    messages.success(request, _("Referral recorded."))
    return _back(case, "protection")


@login_required
@require_POST
def decide(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.get_case_for_user(_user(request), public_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, decision_form=form)
    try:
        services.decide(case=case, actor=_user(request), outcome=form.cleaned_data["outcome"],
                        sanctions=form.cleaned_data["sanctions"], summary=form.cleaned_data["summary"],
                        request=request)
    except ReportLocked:
        return _locked(request, case, "decision")
    except ValidationError as exc:
        form.add_error(None, exc)
        return _invalid(request, case, decision_form=form)
    messages.success(request, _("The decision was recorded. The letter can be downloaded now."))
    return _back(case, "decision")


@login_required
def letter(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    case = selectors.get_case_for_user(user, public_id)
    decision = getattr(case, "decision", None)
    if decision is None:
        raise PermissionDenied
    summary = selectors.decision_summary(case, decision, request)
    if summary is None:  # the summary is encrypted with the report key
        return _locked(request, case, "decision")
    with translation.override("id"):
        pdf = services.issue_letter(case=case, decision=decision, actor=user, summary=summary)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="keputusan-{case.reference or case.public_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def deadline_settings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_role(user, Role.ADMIN):
        raise PermissionDenied
    form = DeadlinePolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.set_deadline_policy(actor=user, category=d["category"], stage=d["stage"],
                                     working_days=d["working_days"], note=d["note"])
        messages.success(request, _("Deadline saved. It applies to stages that start from now on."))
        return redirect("cases:deadlines")
    return render(request, "cases/deadlines.html", {"form": form, "rows": selectors.deadline_table()},
                  status=400 if form.errors else 200)


@login_required
def neutrality_lead(request: HttpRequest) -> HttpResponse:
    """Journey 6: log a lead from social-media monitoring; the election watch suggests the form.

    The screenshot is checked and kept (encrypted, as report drafts) from the first step, so
    the suggestion step never loses it.
    """
    from marwah.cases.forms import NeutralityLeadForm
    from marwah.elections.catalog import LEAD_CHECK_MESSAGE
    from marwah.elections.selectors import suggest_for_lead
    from marwah.elections.services import tag_case
    from marwah.reporting import drafts
    from marwah.reporting.evidence import clean_upload

    user = _user(request)
    if not selectors.can_file_leads(user):
        raise PermissionDenied
    if request.method != "POST":
        drafts.clear(request)  # a new lead starts without an earlier lead's files
    form = NeutralityLeadForm(request.POST or None, request.FILES or None)
    suggestion = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        suggestion = suggest_for_lead(data["text"], data.get("action") or None)
        employee = selectors.find_employee_for_lead(user, data["employee"])
        if employee is None:
            form.add_error("employee", _("No employee with this NIP in your institution."))
        if data["screenshot"]:
            try:
                drafts.stage(request, clean_upload(data["screenshot"]))
            except ValidationError as exc:
                form.add_error("screenshot", exc)
        if not form.errors and not data["kind"]:
            # First step: show the suggestion with its reasons; the member confirms or changes it.
            form = NeutralityLeadForm(initial={**{k: v for k, v in data.items() if k != "screenshot"},
                                               "kind": suggestion.kind.code if suggestion.kind else ""})
            messages.info(request, LEAD_CHECK_MESSAGE)
        elif not form.errors:
            files = [f for f in (drafts.load(request, s.token) for s in drafts.staged(request)) if f is not None]
            case = services.file_neutrality_lead(actor=user, employee=employee, kind=data["kind"],
                                                 text=data["text"], link=data["link"], files=files)
            drafts.clear(request)
            tag_case(case=case, is_lead=True)
            messages.success(request, _("The lead is now a case for the employee's superior and HR."))
            return redirect("cases:detail", public_id=case.public_id)
    return render(request, "cases/lead.html", {"form": form, "suggestion": suggestion,
                                               "staged": drafts.staged(request)},
                  status=400 if form.errors else 200)


@login_required
def access_check(request: HttpRequest) -> HttpResponse:
    """Journey 8: the auditor confirms that nobody outside a handling team ever opened a case."""
    from marwah.audit.selectors import can_read_audit

    user = _user(request)
    if not can_read_audit(user):
        raise PermissionDenied
    check = selectors.case_reads_outside_team(user)
    return render(request, "cases/access_check.html", {"check": check})
