"""Reads for elections: the running stage, the stage of a day, the watch's election data, scoped tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import has_role, path_q, role_paths
from marwah.elections.models import Election, Participant, Stage, WatchTask
from marwah.elections.suggester import Lexicon, shipped_lexicon

# Who sees the calendar and the running stage (the home panel): seed 004's internal team,
# leaders who supervise their staff, HR who enforce, administrators, auditors (read-only).
CALENDAR_ROLES = (Role.NEUTRALITY_TEAM, Role.UNIT_LEADER, Role.HR, Role.ADMIN, Role.AUDITOR)
PANEL_ROLES = (Role.NEUTRALITY_TEAM, Role.UNIT_LEADER, Role.HR)
WATCH_ROLES = (Role.NEUTRALITY_TEAM, Role.UNIT_LEADER)
MANAGE_ROLES = (Role.ADMIN,)


def can_view_calendar(user: User) -> bool:
    return has_role(user, CALENDAR_ROLES)


def can_manage(user: User) -> bool:
    return has_role(user, MANAGE_ROLES)


def can_plan_watch(user: User) -> bool:
    return has_role(user, (Role.NEUTRALITY_TEAM, Role.ADMIN))


@dataclass(frozen=True)
class Running:
    election: Election
    stage: Stage | None  # None between stages
    next_stage: Stage | None
    days_to_next: int | None
    period: str
    points: list[Any]


def _most_specific(stages: list[Stage]) -> Stage | None:
    # Stages overlap (voter data runs through registration); the shortest one says most.
    return min(stages, key=lambda s: (s.days, -s.order)) if stages else None


@dataclass(frozen=True)
class StageOn:
    election: Election
    stage: Stage | None
    period: str


def stage_on(day: date) -> StageOn | None:
    """The election stage running on `day` (official elections first, then drafts)."""
    stages = list(Stage.objects.select_related("election").filter(starts__lte=day, ends__gte=day)
                  .order_by("election__is_draft", "starts"))
    if stages:
        official = [s for s in stages if not s.election.is_draft] or stages
        best = _most_specific(official)
        assert best is not None
        return StageOn(best.election, best, best.period)
    # Between two stages of one election: still "during" that election's span.
    around = (Election.objects.filter(stages__starts__lte=day).filter(stages__ends__gte=day).distinct()
              .order_by("is_draft").first())
    if around is not None:
        return StageOn(around, None, "during")
    return None


def running(day: date | None = None) -> list[Running]:
    """For each election with a stage on `day` (or spanning it), the stage and what comes next."""
    day = day or timezone.localdate()
    elections = (Election.objects.filter(stages__starts__lte=day).filter(stages__ends__gte=day).distinct()
                 .order_by("is_draft", "code"))
    out = []
    for election in elections:
        stages = list(election.stages.prefetch_related("points"))
        current = _most_specific([s for s in stages if s.starts <= day <= s.ends])
        upcoming = [s for s in stages if s.starts > day]
        nxt = min(upcoming, key=lambda s: s.starts) if upcoming else None
        out.append(Running(election, current, nxt, (nxt.starts - day).days if nxt else None,
                           current.period if current else "during",
                           list(current.points.all()) if current else []))
    return out


def upcoming(day: date | None = None) -> Stage | None:
    day = day or timezone.localdate()
    return Stage.objects.select_related("election").filter(starts__gt=day).order_by("starts").first()


def elections() -> QuerySet[Election]:
    return Election.objects.all()


def get_election(code: str) -> Election:
    election = Election.objects.filter(code=code).first()
    if election is None:
        raise Http404
    return election


def get_stage(pk: int) -> Stage:
    stage = Stage.objects.select_related("election").filter(pk=pk).first()
    if stage is None:
        raise Http404
    return stage


def get_participant(pk: int) -> Participant:
    p = Participant.objects.select_related("election").filter(pk=pk).first()
    if p is None:
        raise Http404
    return p


def lexicon(day: date | None = None) -> Lexicon:
    """The watch's election data: the running elections' participants (with their ballot numbers).

    With no running election that has participants, every election that has them; with
    none in the database (a fresh install), the shipped Pemilu 2024 and Pilkada 2024.
    """
    day = day or timezone.localdate()
    ids = list(Election.objects.filter(stages__starts__lte=day, stages__ends__gte=day,
                                       participants__isnull=False).values_list("pk", flat=True).distinct())
    if not ids:
        ids = list(Election.objects.filter(participants__isnull=False).values_list("pk", flat=True).distinct())
    if not ids:
        return shipped_lexicon()
    parts: dict[int, list[dict[str, Any]]] = {}
    names: dict[int, str] = {}
    for p in Participant.objects.filter(election_id__in=ids).select_related("election"):
        parts.setdefault(p.election_id, []).append(p.as_data())
        names[p.election_id] = p.election.name
    # Names of earlier elections' participants still mean something (a former candidate), but
    # only the running elections' ballot numbers do.
    older = [p.as_data() | {"number": ""}
             for p in Participant.objects.exclude(election_id__in=ids).exclude(kind="party")]
    lexicons = [Lexicon.from_participants(names[i], rows) for i, rows in parts.items()]
    lexicons.append(Lexicon.from_participants("", older))
    return Lexicon.merge(" / ".join(names.values()), lexicons)


def watch_units_q(user: User) -> Q:
    return path_q("unit__path", role_paths(user, (*WATCH_ROLES, Role.ADMIN)))


def tasks_for_user(user: User, stage: Stage) -> QuerySet[WatchTask]:
    return WatchTask.objects.filter(watch_units_q(user), stage=stage).select_related("unit", "done_by")


def get_task_for_user(user: User, pk: int) -> WatchTask:
    task = WatchTask.objects.filter(watch_units_q(user), pk=pk).select_related("unit", "stage__election").first()
    if task is None:
        raise Http404
    return task


MATCH_LABELS = {
    "name": _("candidate name"), "party": _("party"), "slogan": _("slogan"), "hashtag": _("hashtag"),
    "team": _("campaign team"), "symbol": _("symbol"), "number": _("ballot number"), "gesture": _("finger gesture"),
    "warning": _("warning or negation"), "news": _("news or official wording"), "cue": _("sign of a form"),
}


PLACEHOLDERS = {
    "ENT:name": _("[candidate name]"), "ENT:party": _("[party]"), "ENT:slogan": _("[slogan]"),
    "ENT:hashtag": _("[hashtag]"), "ENT:team": _("[campaign team]"), "ENT:symbol": _("[symbol]"),
    "NUM:ballot": _("[ballot number]"), "GESTURE": _("[finger gesture]"),
}
FEATURES = {
    "ENTITY": _("mentions a participant"), "WARN": _("warning words"), "NEWS": _("news wording"),
    "WARN&ENTITY": _("warning about a participant"), "NEWS&ENTITY": _("news about a participant"),
    "TITLE&ENTITY": _("an office before a name"), "HASHTAG": _("a hashtag"),
}


def _feature_text(name: str) -> str:
    """A model feature in words the team member can read (the command keeps the raw codes)."""
    if name in FEATURES:
        return str(FEATURES[name])
    head, _sep, rest = name.partition(":")
    if head == "ENTITY&act":
        return str(_("mentions a participant, action %(a)s") % {"a": rest})
    if head == "act":
        return str(_("action %(a)s") % {"a": rest})
    if head == "CUE":
        form, _s, act = rest.partition("&act:")
        return str(_("signs of form %(n)s") % {"n": form}) + (f" + {act}" if act else "")
    words = [str(PLACEHOLDERS.get(w, w)) for w in rest.split("_")] if head == "b" else [str(PLACEHOLDERS.get(rest, rest))]
    return "“" + " ".join(words) + "”"


@dataclass(frozen=True)
class LeadSuggestion:
    partisan: bool
    form: int | None
    kind: Any  # marwah.rules.violations.Kind or None
    probability: int  # percent
    matches: list[tuple[str, str, str]]  # (what, matched text, participant)
    features: list[str]


def suggest_for_lead(text: str, action: str | None = None) -> LeadSuggestion:
    """The suggester's answer for a lead, with its reasons ready to show."""
    from marwah.elections.catalog import FORM_KINDS
    from marwah.elections.suggester import suggest
    from marwah.rules.violations import KINDS

    s = suggest(text, action, lexicon=lexicon())
    kind = KINDS[FORM_KINDS[s.form]] if s.form else None
    matches = [(str(MATCH_LABELS.get(m.kind, m.kind)), m.text,
                str(_("form %(n)s") % {"n": m.label.split()[-1]}) if m.kind == "cue" else m.label)
               for m in s.matches]
    features = [f"{_feature_text(name)} ({weight:+.1f})" for name, weight in dict(s.features).items()]
    return LeadSuggestion(s.partisan, s.form, kind, round(s.probability * 100), matches, features)
