"""Coverage from the counters equals what the database says; drill-down, export, questions, monitoring."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from marwah.core.figures import Period
from marwah.people.models import Employee
from marwah.socialisation import monitoring, selectors, services
from marwah.socialisation.models import Attendance, Outreach, Question

pytestmark = pytest.mark.django_db


def _truth(topic, bucket, unit) -> int:
    """People under `unit` with an attendance at a session on `topic` in the bucket: straight from the rows."""
    start, end = services.bucket_range(bucket)
    return (Attendance.objects.filter(unit_path__startswith=unit.path, session__topics=topic,
                                      session__starts_at__date__gte=start, session__starts_at__date__lte=end)
            .values("employee").distinct().count())


@pytest.fixture
def attended(tree, people, pks, make_session):
    """Two sessions on the topic; Rina attends both (counted once), two others attend one."""
    for i in range(3):
        make_person(tree.grobogan, username=f"staf{i}", name=f"Staf Grobogan {i}")
    first, second = make_session(), make_session(host=tree.jateng)
    rina = Employee.objects.get(user=people.employee)
    for employee in (rina, Employee.objects.get(name="Staf Grobogan 0")):
        services.record_attendance(session=first, employee=employee, method="ticked")
    for employee in (rina, Employee.objects.get(user=people.leader_jateng)):
        services.record_attendance(session=second, employee=employee, method="qr")
    services.refresh_headcounts(institution=tree.kpu)
    return first, second


def test_counters_match_the_database(tree, pks, attended):
    bucket = services.buckets_for(timezone.localdate(attended[0].starts_at))
    for b in bucket:
        for unit in (tree.ri, tree.jateng, tree.grobogan, tree.jatim):
            cov = selectors.coverage(pks, b, unit)
            assert cov.reached == _truth(pks, b, unit)
            assert cov.in_scope == Employee.objects.filter(unit_path__startswith=unit.path, is_active=True).count()
    assert selectors.coverage(pks, bucket[0], tree.jateng).reached == 3
    # Removing one of Rina's two attendances leaves her covered; removing both uncovers her.
    rina = Attendance.objects.filter(session=attended[0], employee__name="Rina").get().employee
    services.remove_attendance(session=attended[0], employee=rina, actor=None)
    assert selectors.coverage(pks, bucket[0], tree.jateng).reached == 3
    services.remove_attendance(session=attended[1], employee=rina, actor=None)
    assert selectors.coverage(pks, bucket[0], tree.jateng).reached == 2 == _truth(pks, bucket[0], tree.jateng)


def test_coverage_drill_down_and_who_has_not(tree, people, pks, attended, as_user):
    bucket = str(timezone.localdate(attended[0].starts_at).year)
    leader = as_user(people.leader_jateng)
    page = leader.get(reverse("socialisation:coverage"), {"topic": pks.pk, "period": bucket})
    text = page.content.decode()
    assert page.status_code == 200 and "KPU Kabupaten Grobogan" in text
    grobogan = leader.get(reverse("socialisation:coverage"),
                          {"topic": pks.pk, "period": bucket, "unit": tree.grobogan.pk})
    assert grobogan.status_code == 200
    rest = leader.get(reverse("socialisation:not_reached"),
                      {"topic": pks.pk, "period": bucket, "unit": tree.grobogan.pk}).content.decode()
    assert "Staf Grobogan 1" in rest and "Staf Grobogan 2" in rest
    assert ">Rina<" not in rest and "Staf Grobogan 0" not in rest
    csv = leader.get(reverse("socialisation:coverage_export", args=["csv"]),
                     {"topic": pks.pk, "period": bucket, "unit": tree.grobogan.pk})
    assert csv.status_code == 200 and "KPU Kabupaten Grobogan" in csv.content.decode()
    xlsx = leader.get(reverse("socialisation:coverage_export", args=["xlsx"]),
                      {"topic": pks.pk, "period": bucket, "unit": tree.grobogan.pk})
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    names = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert "Staf Grobogan 1" in names and "Rina" not in names


def test_coverage_is_refused_out_of_scope(tree, people, pks, attended, as_user):
    outsider = as_user(people.outsider)
    assert outsider.get(reverse("socialisation:coverage"), {"unit": tree.grobogan.pk}).status_code == 404
    assert outsider.get(reverse("socialisation:not_reached"),
                        {"unit": tree.grobogan.pk, "topic": pks.pk}).status_code == 404
    assert as_user(people.employee).get(reverse("socialisation:coverage")).status_code == 404
    # Another institution's topic is not readable either.
    kum_topic = services.ensure_default_topics(institution=tree.ministry)[0]
    assert as_user(people.leader_jateng).get(reverse("socialisation:not_reached"),
                                              {"topic": kum_topic.pk}).status_code == 404
    assert as_user(people.leader_jateng).post(reverse("socialisation:refresh_headcounts")).status_code == 404


def test_anonymous_question_stores_nothing_identifying_and_offers_the_report_channel(people, make_session, as_user):
    session = make_session()
    rina = as_user(people.employee)
    sent = rina.post(reverse("socialisation:ask", args=[session.pk]),
                     {"text": "Atasan saya mengirim pesan bermuatan seksual dan memegang saya tanpa persetujuan",
                      "anonymous": "on"})
    assert sent.status_code == 200
    assert reverse("reporting:start") in sent.content.decode()
    question = Question.objects.get()
    assert question.asker is None and question.describes_violation
    assert question.created_at.minute == 0 and question.created_at.second == 0
    from marwah.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(action="social.question_asked").get()
    assert entry.actor_id is None and entry.unit_id is None
    # Named question.
    rina.post(reverse("socialisation:ask", args=[session.pk]), {"text": "Kapan materi dibagikan?"})
    assert Question.objects.filter(asker__user=people.employee).count() == 1
    # The organiser sees them live; a participant and an outsider do not.
    board = as_user(people.satgas_jateng).get(reverse("socialisation:questions", args=[session.pk]),
                                              HTTP_HX_REQUEST="true")
    assert board.status_code == 200 and "Anonim" in board.content.decode()
    assert rina.get(reverse("socialisation:questions", args=[session.pk])).status_code == 404
    assert as_user(people.outsider).post(reverse("socialisation:ask", args=[session.pk]),
                                         {"text": "x"}).status_code == 404
    assert rina.post(reverse("socialisation:question_answer", args=[session.pk, question.pk])).status_code == 404
    as_user(people.satgas_jateng).post(reverse("socialisation:question_answer", args=[session.pk, question.pk]))
    question.refresh_from_db()
    assert question.status == "answered"


def test_empty_question_keeps_the_form(people, make_session, as_user):
    session = make_session()
    bad = as_user(people.employee).post(reverse("socialisation:ask", args=[session.pk]), {"text": "   "})
    assert bad.status_code == 400 and not Question.objects.exists()


def test_outreach_and_monitoring_sections(tree, people, pks, attended, as_user):
    leader = as_user(people.leader_jateng)
    today = timezone.localdate()
    made = leader.post(reverse("socialisation:outreach"), {
        "unit": tree.jateng.pk, "date": today.isoformat(), "channel": "social", "topic": pks.pk,
        "title": "Poster Stop Kekerasan Seksual", "link": "https://instagram.com/kpujateng/p/1", "reach": "1200"})
    assert made.status_code == 302 and Outreach.objects.count() == 1
    bad = leader.post(reverse("socialisation:outreach"), {"unit": tree.jateng.pk, "title": "Tanpa tanggal"})
    assert bad.status_code == 400 and "Tanpa tanggal" in bad.content.decode()
    assert as_user(people.outsider).post(reverse("socialisation:outreach"), {
        "unit": tree.jateng.pk, "date": today.isoformat(), "channel": "poster", "title": "x"}).status_code == 400
    services.start_apel(actor=people.leader_grobogan, unit=tree.grobogan, topic=pks)
    period = Period(start=today.replace(month=1, day=1), end=today.replace(month=12, day=31))
    found = monitoring.sections(user=people.leader_jateng, unit=tree.jateng, period=period)
    assert [s.strategy_point for s in found] == [1, 2]
    apel, social = found
    values = {f.key: f.value for f in social.figures}
    assert values["socialisation.sessions"] == 2 and values["socialisation.attendance"] == 4
    assert values["socialisation.coverage.pks-1341"] == round(100 * 3 / Employee.objects.filter(
        unit_path__startswith=tree.jateng.path).count())
    assert values["socialisation.outreach"] == 1
    assert {f.key: f.value for f in apel.figures}["socialisation.apel_sessions"] == 1
    table = next(t for t in social.tables if t.key == "socialisation.coverage_by_unit")
    assert table.rows[0][0] == "KPU Kabupaten Grobogan"
    assert monitoring.section(user=people.outsider, unit=tree.jateng, period=period) is None
    assert monitoring.bucket_for(Period(dt.date(2025, 7, 1), dt.date(2025, 9, 30))) == "2025-Q3"


def test_public_views_are_safe_for_anonymous_visitors(make_session):
    session = make_session()
    anon = Client()
    for url in (reverse("socialisation:session", args=[session.pk]), reverse("socialisation:ask", args=[session.pk])):
        assert anon.get(url).status_code == 302
    assert anon.get(reverse("socialisation:checkin", args=[session.pk])).status_code == 410
    assert anon.get(reverse("socialisation:coverage")).status_code == 302
    assert anon.get(reverse("socialisation:scan", args=[session.pk + 99, 1, "x"])).status_code == 404
