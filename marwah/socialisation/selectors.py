"""Socialisation: reads, each checking who may see what (404 for anyone out of scope)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404, HttpRequest
from django.utils import timezone

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import grants, has_role, path_q, role_paths
from marwah.core.params import parse_id
from marwah.orgs.models import SEGMENT, Unit
from marwah.people.models import Employee
from marwah.socialisation.models import (
    Attendance,
    AttendanceImport,
    Headcount,
    Outreach,
    Programme,
    Question,
    Reach,
    Session,
    SessionTally,
    SessionUnit,
    Topic,
    TopicTally,
)

ORGANISERS = (Role.ADMIN, Role.HR, Role.UNIT_LEADER, Role.SATGAS_PKS)
READERS = (*ORGANISERS, Role.AUDITOR)
SEG = SEGMENT + 1
CODE_SESSION_KEY = "social_employee_id"
CODE_SESSION_UNTIL = "social_until"
GRANT_KEY = "social_checkin"  # {session id: unix time until which a scanned code lets this browser check in}


def prefixes(path: str) -> list[str]:
    return [path[:i] for i in range(SEG, len(path) + 1, SEG)]


# --- Who is the participant ------------------------------------------------------------------------

BRIEF_FIELDS = ("id", "unit_id", "unit_path", "name")  # what a check-in reads and shows


def participant(request: HttpRequest, *, brief: bool = False) -> Employee | None:
    """The logged-in user's employee record, or the one a one-time code opened in this browser.
    brief: only the fields a check-in needs (id, unit, unit path, name), the row read by primary key."""
    user = request.user
    people = Employee.objects.filter(is_active=True)
    if brief:
        people = people.only(*BRIEF_FIELDS)
    if user.is_authenticated:
        return people.filter(user=user).first()
    employee_id = request.session.get(CODE_SESSION_KEY)
    if employee_id and request.session.get(CODE_SESSION_UNTIL, 0) > time.time():
        return people.filter(pk=employee_id).first()
    return None


# --- Sessions --------------------------------------------------------------------------------------

_SESSIONS: dict[int, tuple[float, Session, list[str]]] = {}
SESSION_CACHE_SECONDS = 5.0


def cached_session(pk: int) -> tuple[Session, list[str]]:
    """A session and its participating paths, re-read at most every few seconds per process (the check-in burst)."""
    now = time.monotonic()
    hit = _SESSIONS.get(pk)
    if hit is None or hit[0] < now:
        session = Session.objects.filter(pk=pk).first()
        if session is None:
            raise Http404
        paths = list(SessionUnit.objects.filter(session=session).values_list("unit_path", flat=True))
        session._topic_ids = sorted(session.topics.values_list("pk", flat=True))  # type: ignore[attr-defined]
        if len(_SESSIONS) > 1000:
            _SESSIONS.clear()
        _SESSIONS[pk] = hit = (now + SESSION_CACHE_SECONDS, session, paths)
    return hit[1], hit[2]


def forget_session(pk: int) -> None:
    _SESSIONS.pop(pk, None)


def in_scope(paths: list[str], employee: Employee) -> bool:
    return any(employee.unit_path.startswith(p) for p in paths)


@dataclass
class Access:
    """What the user may do with one session."""

    session: Session
    paths: list[str]
    manage: bool = False  # organiser: edit, room screen, codes, remind
    record_units: list[Unit] = field(default_factory=list)  # units whose attendance they record
    moderate: bool = False  # see and answer questions
    employee: Employee | None = None
    expected: bool = False

    @property
    def can_record(self) -> bool:
        return bool(self.record_units)


def _record_units(user: User, paths: list[str]) -> list[Unit]:
    """Where the user records attendance: their organiser units inside the session's scope, or the
    participating units inside their organiser scope."""
    wanted: set[str] = set()
    for path in role_paths(user, ORGANISERS):
        for scope in paths:
            if path.startswith(scope):
                wanted.add(path)
            elif scope.startswith(path):
                wanted.add(scope)
    return list(Unit.objects.filter(path__in=wanted).order_by("path"))


def session_access(request: HttpRequest, pk: int) -> Access:
    """The session if the user organises it, records for part of it, speaks at it or is expected at it."""
    session, paths = cached_session(pk)
    user = request.user
    access = Access(session=session, paths=paths)
    if user.is_authenticated:
        assert isinstance(user, User)
        access.manage = session.organiser_id == user.pk or has_role(user, ORGANISERS, _host(session))
        access.record_units = _record_units(user, paths)
        access.moderate = access.manage or session.speakers.filter(user=user).exists()
    access.employee = participant(request)
    access.expected = access.employee is not None and in_scope(paths, access.employee)
    if not (access.manage or access.record_units or access.moderate or access.expected):
        raise Http404
    return access


def _host(session: Session) -> Unit:
    unit = getattr(session, "_host", None)
    if unit is None:
        unit = Unit.objects.get(pk=session.host_unit_id)
        session._host = unit  # type: ignore[attr-defined]
    return unit


def record_unit(access: Access, unit_id: Any) -> Unit:
    """The unit to record for: one of the user's, or a unit under it; 404 otherwise."""
    if not access.record_units:
        raise Http404
    if not unit_id:
        return access.record_units[0]
    number = parse_id(unit_id)
    unit = Unit.objects.filter(pk=number).first() if number else None
    if unit is None or not any(unit.path.startswith(u.path) for u in access.record_units):
        raise Http404
    return unit


def sessions_for_user(user: User) -> QuerySet[Session]:
    """Sessions the user organises or records for: hosted in their scope, or reaching into it."""
    paths = role_paths(user, READERS)
    if not paths:
        return Session.objects.none()
    above = sorted({p for path in paths for p in prefixes(path)})
    reach = SessionUnit.objects.filter(path_q("unit_path", paths) | Q(unit_path__in=above))
    return (Session.objects.filter(path_q("host_path", paths) | Q(pk__in=reach.values("session_id"))
                                   | Q(organiser=user))
            .select_related("host_unit").distinct())


def upcoming_for(employee: Employee, *, days: int = 30) -> list[Session]:
    """Sessions this person is expected at, from those still running to the next `days` days."""
    now = timezone.now()
    ids = SessionUnit.objects.filter(unit_path__in=prefixes(employee.unit_path)).values("session_id")
    return list(Session.objects.filter(pk__in=ids, ends_at__gte=now, starts_at__lte=now + timedelta(days=days))
                .select_related("host_unit").order_by("starts_at")[:10])


def my_attendance(employee: Employee) -> QuerySet[Attendance]:
    return Attendance.objects.filter(employee=employee).select_related("session", "session__host_unit").order_by("-at")


def session_counts(session: Session, unit: Unit) -> tuple[int, int]:
    row = SessionTally.objects.filter(session=session, unit=unit).aggregate(p=Sum("present"), late=Sum("late"))
    return row["p"] or 0, row["late"] or 0


def session_children(session: Session, unit: Unit) -> list[tuple[Unit, int, int]]:
    rows = (SessionTally.objects.filter(session=session, parent_unit_id=unit.pk).values("unit_id")
            .annotate(p=Sum("present"), late=Sum("late")).order_by())
    by_id = {r["unit_id"]: (r["p"] or 0, r["late"] or 0) for r in rows}
    units = Unit.objects.filter(pk__in=by_id).order_by("name") if by_id else []
    return [(u, *by_id[u.pk]) for u in units]


def people_to_tick(session: Session, unit: Unit, *, query: str = "", limit: int = 200) -> list[tuple[Employee, Any]]:
    """Active people directly in `unit` (or matching the search under it), with their attendance if any."""
    qs = Employee.objects.filter(is_active=True)
    query = query.strip()
    if query:
        qs = qs.filter(unit_path__startswith=unit.path)
        qs = qs.filter(Q(nip__startswith=query) if query.isdigit() else Q(name__icontains=query))
    else:
        qs = qs.filter(unit=unit)
    people = list(qs.select_related("unit").order_by("name", "id")[:limit])
    marks = {a.employee_id: a for a in Attendance.objects.filter(session=session, employee__in=people)}
    return [(e, marks.get(e.pk)) for e in people]


def employee_in(unit: Unit, pk: Any) -> Employee:
    number = parse_id(pk)
    employee = Employee.objects.select_related("unit").filter(pk=number, unit_path__startswith=unit.path,
                                                               is_active=True).first() if number else None
    if employee is None:
        raise Http404
    return employee


def scope_employees(access: Access, unit: Unit) -> QuerySet[Employee]:
    """People under `unit` who are expected at the session."""
    return Employee.objects.filter(path_q("unit_path", access.paths), unit_path__startswith=unit.path,
                                   is_active=True)


def absent(access: Access, unit: Unit) -> QuerySet[Employee]:
    present = Attendance.objects.filter(session=access.session, employee=OuterRef("pk"))
    return (scope_employees(access, unit).filter(~Exists(present)).select_related("unit")
            .order_by("unit_path", "name"))


def attendance_list(session: Session, unit: Unit) -> QuerySet[Attendance]:
    return (Attendance.objects.filter(session=session, unit_path__startswith=unit.path)
            .select_related("employee", "unit").order_by("unit_path", "employee__name"))


def questions(session: Session) -> QuerySet[Question]:
    return Question.objects.filter(session=session).select_related("asker")


def get_question(access: Access, pk: int) -> Question:
    if not access.moderate:
        raise Http404
    question = Question.objects.filter(pk=pk, session=access.session).first()
    if question is None:
        raise Http404
    return question


def get_import(access: Access, pk: int) -> AttendanceImport:
    batch = AttendanceImport.objects.select_related("unit", "session").filter(pk=pk, session=access.session).first()
    if batch is None or not any(batch.unit.path.startswith(u.path) for u in access.record_units):
        raise Http404
    return batch


# --- Topics, programmes, outreach ------------------------------------------------------------------

def institution_ids(user: User, roles: tuple[str, ...] = READERS) -> set[int]:
    return {g.institution_id for g in grants(user) if g.role in roles}


def topics_for_user(user: User) -> QuerySet[Topic]:
    return Topic.objects.filter(institution_id__in=institution_ids(user), is_active=True).order_by("title")


def get_topic_for_user(user: User, pk: Any) -> Topic:
    number = parse_id(pk)
    topic = Topic.objects.filter(pk=number, institution_id__in=institution_ids(user)).first() if number else None
    if topic is None:
        raise Http404
    return topic


def get_topic_for_participant(user: User, employee: Employee | None, pk: Any) -> Topic:
    """A topic with a quiz, for its institution's employees and readers."""
    number = parse_id(pk)
    allowed = institution_ids(user) | ({employee.institution_id} if employee else set())
    topic = Topic.objects.filter(pk=number, institution_id__in=allowed).exclude(quiz=[]).first() if number else None
    if topic is None:
        raise Http404
    return topic


def organiser_units(user: User) -> QuerySet[Unit]:
    """Units a session may be hosted at or opened to: the user's organiser roots and two levels below."""
    q = Q(pk__in=[])
    for path in role_paths(user, ORGANISERS):
        q |= Q(path__startswith=path, depth__lte=path.count("/") + 1)
    return Unit.objects.filter(q).select_related("institution").order_by("path")


def organiser_role_at(user: User, unit: Unit) -> str:
    for g in grants(user):
        if g.role in ORGANISERS and unit.path.startswith(g.path):
            return g.role
    raise Http404


def programmes_for_user(user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(path_q("unit_path", role_paths(user, READERS))).select_related("unit", "organiser")


def outreach_for_user(user: User) -> QuerySet[Outreach]:
    return Outreach.objects.filter(path_q("unit_path", role_paths(user, READERS))).select_related("unit", "topic")


# --- Coverage --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Coverage:
    in_scope: int
    reached: int

    @property
    def not_reached(self) -> int:
        return max(self.in_scope - self.reached, 0)

    @property
    def percent(self) -> int:
        return min(round(100 * self.reached / self.in_scope), 100) if self.in_scope else 0


def coverage_unit(user: User, unit_id: Any = None) -> Unit:
    """The unit to show: inside the user's reader scope; defaults to their widest root."""
    if unit_id:
        number = parse_id(unit_id)
        unit = Unit.objects.filter(pk=number).first() if number else None
        if unit is None or not has_role(user, READERS, unit):
            raise Http404
        return unit
    unit = Unit.objects.filter(path__in=role_paths(user, READERS)).order_by("path").first()
    if unit is None:
        raise Http404
    return unit


def coverage(topic: Topic, bucket: str, unit: Unit) -> Coverage:
    reached = TopicTally.objects.filter(topic=topic, bucket=bucket, unit=unit).aggregate(n=Sum("reached"))["n"]
    head = Headcount.objects.filter(unit=unit).values_list("people", flat=True).first()
    return Coverage(head or 0, reached or 0)


def coverage_children(topic: Topic, bucket: str, unit: Unit) -> list[tuple[Unit, Coverage]]:
    """Each child unit with people under it, and how many of them the topic reached (counters only)."""
    heads = dict(Headcount.objects.filter(parent_unit_id=unit.pk).values_list("unit_id", "people"))
    tallies = dict(TopicTally.objects.filter(topic=topic, bucket=bucket, parent_unit_id=unit.pk).values("unit_id")
                   .annotate(n=Sum("reached")).order_by().values_list("unit_id", "n"))
    ids = set(heads) | set(tallies)
    units = Unit.objects.filter(pk__in=ids).order_by("name") if ids else []
    return [(u, Coverage(heads.get(u.pk, 0), tallies.get(u.pk, 0) or 0)) for u in units]


def not_reached(topic: Topic, bucket: str, unit: Unit) -> QuerySet[Employee]:
    """People under `unit` the topic has not reached in the bucket, in tree order."""
    reached = Reach.objects.filter(topic=topic, bucket=bucket, employee=OuterRef("pk"))
    return (Employee.objects.filter(unit_path__startswith=unit.path, institution_id=unit.institution_id,
                                    is_active=True)
            .filter(~Exists(reached)).select_related("unit").order_by("unit_path", "name", "id"))


def latest_topic_id(unit: Unit) -> int | None:
    """The topic most recently followed by anyone under the unit (the coverage page's default)."""
    return (TopicTally.objects.filter(unit=unit).exclude(bucket__contains="-").order_by("-bucket", "-id")
            .values_list("topic_id", flat=True).first())


def latest_year(topic: Topic, unit: Unit) -> str | None:
    years = (TopicTally.objects.filter(topic=topic, unit=unit).exclude(bucket__contains="-")
             .order_by("-bucket").values_list("bucket", flat=True)[:1])
    return next(iter(years), None)


def headcount_refreshed_at(unit: Unit) -> Any:
    return Headcount.objects.filter(unit=unit).values_list("refreshed_at", flat=True).first()
