"""Socialisation figures for the monitoring report (contract: marwah/core/figures.py).

`section` gives strategy point 2 (socialisation: sessions, attendance, coverage per topic per sub-unit,
outreach by channel); `sections` adds point 1 (internalisation at roll-calls) as its own section. Every
figure comes from counters (SessionTally, TopicTally, Headcount) or from the small session and outreach
tables, never from the attendance rows.

Coverage is counted per period bucket (a year or a quarter): a report period that is exactly a quarter
uses that quarter's bucket; any other period uses the year its last day falls in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from marwah.accounts.selectors import has_role
from marwah.core.figures import Figure, Period, Section, Table
from marwah.socialisation.models import Headcount, Outreach, Session, SessionTally, Topic, TopicTally
from marwah.socialisation.selectors import READERS, prefixes
from marwah.socialisation.services import bucket_range, buckets_for


def bucket_for(period: Period) -> str:
    year, quarter = buckets_for(period.end)
    return quarter if bucket_range(quarter) == (period.start, period.end) else year


def _sessions(unit: Any, period: Period, apel: bool) -> Any:
    kind = Q(kind=Session.Kind.APEL) if apel else ~Q(kind=Session.Kind.APEL)
    reaching = Q(host_path__startswith=unit.path) | Q(participating__unit_path__startswith=unit.path) | Q(
        participating__unit_path__in=prefixes(unit.path)[:-1])
    return (Session.objects.filter(kind, reaching, institution_id=unit.institution_id,
                                   starts_at__date__gte=period.start, starts_at__date__lte=period.end)
            .values_list("pk", flat=True).distinct())


def _attendance(unit: Any, period: Period, apel: bool) -> tuple[int, int, int]:
    ids = list(_sessions(unit, period, apel))
    row = SessionTally.objects.filter(session_id__in=ids, unit=unit).aggregate(p=Sum("present"), late=Sum("late"))
    return len(ids), row["p"] or 0, row["late"] or 0


def _topic_table(unit: Any, bucket: str, topics: list[Topic]) -> Table:
    heads = dict(Headcount.objects.filter(parent_unit_id=unit.pk).values_list("unit_id", "people"))
    from marwah.orgs.models import Unit

    children = list(Unit.objects.filter(pk__in=heads).order_by("name"))
    reached: dict[tuple[int, int], int] = {}
    for row in (TopicTally.objects.filter(topic__in=topics, bucket=bucket, parent_unit_id=unit.pk)
                .values("topic_id", "unit_id").annotate(n=Sum("reached")).order_by()):
        reached[(row["topic_id"], row["unit_id"])] = row["n"] or 0
    rows = []
    for child in children:
        people = heads.get(child.pk, 0)
        rows.append([child.name, people] + [round(100 * reached.get((t.pk, child.pk), 0) / people) if people else 0
                                            for t in topics])
    return Table(key="socialisation.coverage_by_unit", title=_("Coverage per topic per sub-unit (%%, %(p)s)")
                 % {"p": bucket}, columns=[_("Unit"), _("People")] + [t.title for t in topics], rows=rows)


def _outreach_table(unit: Any, period: Period) -> tuple[int, Table]:
    labels = dict(Outreach.Channel.choices)
    rows = list(Outreach.objects.filter(unit_path__startswith=unit.path, date__gte=period.start, date__lte=period.end)
                .values("channel").annotate(n=Count("pk"), reach=Sum("reach")).order_by("channel"))
    total = sum(r["n"] for r in rows)
    return total, Table(key="socialisation.outreach_by_channel", title=_("Outreach items by channel"),
                        columns=[_("Channel"), _("Items"), _("Known reach")],
                        rows=[[str(labels.get(r["channel"], r["channel"])), r["n"], r["reach"] or 0] for r in rows])


def _socialisation(unit: Any, period: Period) -> Section:
    held, present, late = _attendance(unit, period, apel=False)
    before = _attendance(unit, period.previous(), apel=False)
    bucket = bucket_for(period)
    topics = list(Topic.objects.filter(institution_id=unit.institution_id, is_active=True).order_by("title"))
    head = Headcount.objects.filter(unit=unit).values_list("people", flat=True).first() or 0
    figures = [
        Figure("socialisation.sessions", _("Socialisation sessions held"), held, before[0]),
        Figure("socialisation.attendance", _("Attendance at socialisation sessions"), present, before[1]),
        Figure("socialisation.late", _("Of which late"), late, before[2]),
    ]
    for topic in topics:
        n = TopicTally.objects.filter(topic=topic, bucket=bucket, unit=unit).aggregate(n=Sum("reached"))["n"] or 0
        if n:
            figures.append(Figure(f"socialisation.coverage.{topic.key}",
                                  _("Coverage: %(topic)s") % {"topic": topic.title},
                                  round(100 * n / head) if head else 0, kind="percent"))
    outreach, outreach_table = _outreach_table(unit, period)
    figures.append(Figure("socialisation.outreach", _("Posters, circulars and posts"), outreach))
    return Section(key="socialisation", title=_("Socialisation"), strategy_point=2, figures=figures,
                   tables=[_topic_table(unit, bucket, topics), outreach_table])


def _apel(unit: Any, period: Period) -> Section:
    held, present, late = _attendance(unit, period, apel=True)
    before = _attendance(unit, period.previous(), apel=True)
    return Section(key="socialisation_apel", title=_("Internalisation at roll-calls (apel)"), strategy_point=1,
                   figures=[Figure("socialisation.apel_sessions", _("Roll-calls with an internalisation item"), held,
                                   before[0]),
                            Figure("socialisation.apel_attendance", _("Attendance at those roll-calls"), present,
                                   before[1])])


def section(*, user: Any, unit: Any, period: Period) -> Section | None:
    if unit is None or not has_role(user, READERS, unit):
        return None
    return _socialisation(unit, period)


def sections(*, user: Any, unit: Any, period: Period) -> list[Section]:
    if unit is None or not has_role(user, READERS, unit):
        return []
    return [_apel(unit, period), _socialisation(unit, period)]
