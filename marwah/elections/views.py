"""Election calendar, stage import, participants and the neutrality watch tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import has_role, units_for_user
from marwah.cases.selectors import can_file_leads
from marwah.elections import selectors, services
from marwah.elections.catalog import WATCH_HINTS, form_choices, form_label
from marwah.elections.forms import ParticipantForm, StageForm, StageImportForm, WatchRecordForm
from marwah.elections.importer import check_file, rows_from_json
from marwah.elections.models import ElectionKind, Level
from marwah.people.importer import ImportFileError

SESSION_IMPORT = "elections_import"
MAX_WATCH_UNITS = 200


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _calendar_user(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.can_view_calendar(user):
        raise PermissionDenied
    return user


def _admin(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.can_manage(user):
        raise PermissionDenied
    return user


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    user = _calendar_user(request)
    today = timezone.localdate()
    return render(request, "elections/calendar.html", {
        "running": selectors.running(today), "upcoming": selectors.upcoming(today), "today": today,
        "elections": selectors.elections(), "can_manage": selectors.can_manage(user),
        "can_watch": selectors.can_plan_watch(user) or has_role(user, selectors.WATCH_ROLES),
        "hints": WATCH_HINTS, "forms": form_choices(), "can_file_leads": can_file_leads(user),
    })


@login_required
def election_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _calendar_user(request)
    election = selectors.get_election(code)
    stages = election.stages.prefetch_related("points")
    return render(request, "elections/election.html", {
        "election": election, "stages": stages, "participants": election.participants.all(),
        "can_manage": selectors.can_manage(user), "today": timezone.localdate(),
    })


@login_required
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    stage = selectors.get_stage(pk)
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_stage(actor=user, stage=stage, name=d["name"], starts=d["starts"], ends=d["ends"],
                                  period=d["period"], watch=d["watch"], weights=form.weights())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Stage saved."))
            return redirect("elections:detail", code=stage.election.code)
    return render(request, "elections/stage_edit.html", {"form": form, "stage": stage},
                  status=400 if form.errors else 200)


@login_required
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    participant = selectors.get_participant(pk)
    form = ParticipantForm.for_participant(participant, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_participant(actor=user, participant=participant, data=form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Participant saved. The suggester uses it from now on."))
            return redirect("elections:detail", code=participant.election.code)
    return render(request, "elections/participant_edit.html", {"form": form, "participant": participant},
                  status=400 if form.errors else 200)


@login_required
def participant_add(request: HttpRequest, code: str) -> HttpResponse:
    user = _admin(request)
    election = selectors.get_election(code)
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_participant(actor=user, election=election, data=form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Participant saved. The suggester uses it from now on."))
            return redirect("elections:detail", code=election.code)
    return render(request, "elections/participant_edit.html", {"form": form, "election": election},
                  status=400 if form.errors else 200)


@login_required
def stage_import(request: HttpRequest) -> HttpResponse:
    _admin(request)
    choices = [(e.code, e.name) for e in selectors.elections()]
    form = StageImportForm(request.POST or None, request.FILES or None, election_choices=choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if not d["election"] and selectors.elections().filter(code=d["code"]).exists():
            form.add_error("code", _("An election with this code already exists."))
        else:
            upload = d["file"]
            try:
                result = check_file(upload.file, upload.name)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                if not result.errors:
                    request.session[SESSION_IMPORT] = {
                        "rows": result.as_json(), "election": d["election"], "filename": upload.name,
                        "new": {k: d[k] for k in ("code", "name", "kind", "level", "area", "is_draft")},
                    }
                return render(request, "elections/import_preview.html", {
                    "result": result, "filename": upload.name, "can_apply": not result.errors,
                    "target": d["election"] or d["name"],
                }, status=400 if result.errors else 200)
    return render(request, "elections/import.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@login_required
def stage_import_apply(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    pending = request.session.pop(SESSION_IMPORT, None)
    if not pending:
        messages.error(request, _("This import has expired or was already applied. Upload the file again."))
        return redirect("elections:import")
    if pending["election"]:
        election = selectors.get_election(pending["election"])
    else:
        new = pending["new"]
        try:
            election = services.create_election(actor=user, spec=services.ElectionSpec(
                code=new["code"], name=new["name"], kind=new["kind"] or ElectionKind.PEMILU,
                level=new["level"] or Level.NATIONAL, area=new["area"], is_draft=bool(new["is_draft"])))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("elections:import")
    count = services.replace_stages(actor=user, election=election, rows=rows_from_json(pending["rows"]))
    messages.success(request, _("%(count)s stages imported for %(election)s.") % {"count": count,
                                                                                    "election": election.name})
    return redirect("elections:detail", code=election.code)


def _watch_units(user: User) -> list:
    units = list(units_for_user(user, (Role.NEUTRALITY_TEAM, Role.ADMIN)).order_by("depth", "path")[:1000])
    if not units:
        return []
    top = units[0].depth
    return [u for u in units if u.depth <= top + 1][:MAX_WATCH_UNITS]


@login_required
def watch(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_role(user, (*selectors.WATCH_ROLES, Role.ADMIN)):
        raise PermissionDenied
    running = [r for r in selectors.running() if r.stage is not None]
    blocks = [(r, list(selectors.tasks_for_user(user, r.stage))) for r in running if r.stage]
    return render(request, "elections/watch.html", {
        "blocks": blocks, "can_plan": selectors.can_plan_watch(user), "hints": WATCH_HINTS,
    })


@require_POST
@login_required
def watch_plan(request: HttpRequest, stage_pk: int) -> HttpResponse:
    user = _user(request)
    if not selectors.can_plan_watch(user):
        raise PermissionDenied
    stage = selectors.get_stage(stage_pk)
    count = services.create_watch_tasks(actor=user, stage=stage, units=_watch_units(user))
    messages.success(request, _("%(count)s watch tasks created.") % {"count": count})
    return redirect("elections:watch")


@login_required
def watch_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = selectors.get_task_for_user(user, pk)
    form = WatchRecordForm(request.POST or None, initial={"checked": task.checked, "found": task.found})
    if request.method == "POST" and form.is_valid():
        services.record_watch(actor=user, task=task, checked=form.cleaned_data["checked"],
                              found=form.cleaned_data["found"])
        messages.success(request, _("Recorded."))
        return redirect("elections:watch")
    return render(request, "elections/watch_record.html", {
        "form": form, "task": task, "form_label": form_label(task.form), "hint": WATCH_HINTS.get(task.form, ""),
    }, status=400 if form.errors else 200)
