"""The three ways of recording attendance, all through the HTTP views, and who may use them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from marwah.people.models import Employee, EmploymentType
from marwah.socialisation import services
from marwah.socialisation.models import AccessCode, Attendance, Reach, SessionTally

pytestmark = pytest.mark.django_db


def _qr_url(client: Client, session) -> str:
    page = client.get(reverse("socialisation:screen", args=[session.pk])).content.decode()
    return re.search(r'data-url="([^"]+)"', page).group(1).replace("http://testserver", "")


def test_qr_check_in_by_a_logged_in_participant(people, make_session, as_user):
    session = make_session()
    url = _qr_url(as_user(people.satgas_jateng), session)
    rina = as_user(people.employee)
    landing = rina.get(url)
    assert landing.status_code == 200 and "Rina" in landing.content.decode()
    done = rina.post(reverse("socialisation:checkin", args=[session.pk]))
    assert done.status_code == 200 and "checked-in" in done.content.decode()
    row = Attendance.objects.get(session=session, employee__user=people.employee)
    assert row.method == "qr" and not row.late
    # Scanning twice changes nothing.
    rina.post(reverse("socialisation:checkin", args=[session.pk]))
    assert Attendance.objects.filter(session=session).count() == 1
    assert sum(SessionTally.objects.filter(session=session, unit=session.host_unit).values_list("present", flat=True)) == 1


def test_late_check_in_is_marked(people, make_session, as_user):
    session = make_session(start=timezone.now() - dt.timedelta(minutes=40))
    url = _qr_url(as_user(people.satgas_jateng), session)
    rina = as_user(people.employee)
    rina.get(url)
    rina.post(reverse("socialisation:checkin", args=[session.pk]))
    assert Attendance.objects.get(session=session).late


def test_bad_or_old_qr_code_and_no_scan_are_refused(people, make_session, as_user):
    session = make_session()
    rina = as_user(people.employee)
    slot = services.current_slot()
    assert rina.get(reverse("socialisation:scan", args=[session.pk, slot, "0" * 20])).status_code == 410
    old = slot - services.QR_SLOTS_VALID
    assert rina.get(reverse("socialisation:scan", args=[session.pk, old, services.qr_token(session, old)])
                    ).status_code == 410
    # Without having scanned a valid code, the check-in itself refuses.
    assert rina.post(reverse("socialisation:checkin", args=[session.pk])).status_code == 410
    assert not Attendance.objects.exists()


def test_qr_outside_the_session_window_is_refused(people, make_session, as_user):
    session = make_session(start=timezone.now() + dt.timedelta(days=2))
    rina = as_user(people.employee)
    assert rina.get(services.qr_path(session)).status_code == 410


def test_person_outside_the_session_scope_is_not_recorded(people, make_session, as_user):
    session = make_session()
    outsider = as_user(people.outsider)  # KPU Surabaya: not in Jawa Tengah's session
    outsider.get(services.qr_path(session))
    assert outsider.post(reverse("socialisation:checkin", args=[session.pk])).status_code == 403
    assert not Attendance.objects.exists()


def test_anonymous_landing_is_safe_and_offers_login_and_code(make_session):
    session = make_session()
    page = Client().get(services.qr_path(session))
    text = page.content.decode()
    assert page.status_code == 200 and session.title in text
    assert "/akun/masuk/" in text and "id_code" in text
    assert "Rina" not in text


def test_ad_hoc_officer_checks_in_with_a_one_time_code(tree, people, make_session, as_user):
    officer = make_person(tree.grobogan, username="kpps1", name="Yuliana Bria",
                          employment_type=EmploymentType.AD_HOC).employee
    officer.user = None
    officer.save()
    session = make_session()
    leader = as_user(people.leader_grobogan)
    sheet = leader.post(reverse("socialisation:codes", args=[session.pk]), {"unit": tree.grobogan.pk})
    assert sheet.status_code == 200
    code = re.search(r"Yuliana Bria,[^,]*,[^,]*,[^,]*,([A-Z0-9-]+)", sheet.content.decode()).group(1)
    phone = Client()
    phone.get(services.qr_path(session))
    bad = phone.post(reverse("socialisation:checkin_code", args=[session.pk]), {"code": "AAAA-AAAA"})
    assert bad.status_code == 400 and "tidak berlaku" in bad.content.decode()
    ok = phone.post(reverse("socialisation:checkin_code", args=[session.pk]), {"code": code.lower()})
    assert ok.status_code == 200 and "Yuliana Bria" in ok.content.decode()
    assert Attendance.objects.get(session=session, employee=officer).method == "qr"
    assert AccessCode.objects.get(employee=officer).used_at is not None
    # The code works once.
    again = Client()
    again.get(services.qr_path(session))
    assert again.post(reverse("socialisation:checkin_code", args=[session.pk]), {"code": code}).status_code == 400


def test_organiser_ticks_attendance_at_an_apel(tree, people, pks, as_user):
    leader = as_user(people.leader_grobogan)
    start = leader.post(reverse("socialisation:apel_new"), {"topic": pks.pk, "unit": tree.grobogan.pk})
    assert start.status_code == 302 and "/absen/" in start["Location"]
    page = leader.get(start["Location"])
    assert page.status_code == 200 and "Rina" in page.content.decode()
    session_id = int(re.search(r"/sesi/(\d+)/", start["Location"]).group(1))
    rina = Employee.objects.get(user=people.employee)
    tick = leader.post(reverse("socialisation:tick_toggle", args=[session_id]),
                       {"unit": tree.grobogan.pk, "employee": rina.pk, "present": "1"}, HTTP_HX_REQUEST="true")
    assert tick.status_code == 200 and "is-present" in tick.content.decode()
    row = Attendance.objects.get(session_id=session_id, employee=rina)
    assert row.method == "ticked" and row.recorded_by == people.leader_grobogan
    assert Reach.objects.filter(employee=rina, topic=pks).count() == 2  # the year and the quarter
    # Search narrows the list (htmx partial).
    found = leader.get(reverse("socialisation:tick", args=[session_id]),
                       {"unit": tree.grobogan.pk, "q": "rin", "partial": "1"}, HTTP_HX_REQUEST="true")
    assert "Rina" in found.content.decode() and "<html" not in found.content.decode()
    # Unticking a mistake takes the person and the topic coverage back out.
    leader.post(reverse("socialisation:tick_toggle", args=[session_id]),
                {"unit": tree.grobogan.pk, "employee": rina.pk, "present": "0"})
    assert not Attendance.objects.filter(session_id=session_id).exists()
    assert not Reach.objects.filter(employee=rina).exists()
    # Everyone present at once.
    leader.post(reverse("socialisation:tick_all", args=[session_id]), {"unit": tree.grobogan.pk})
    assert Attendance.objects.filter(session_id=session_id).count() == Employee.objects.filter(
        unit=tree.grobogan).count()


def test_ticking_is_refused_out_of_scope(tree, people, make_session, as_user):
    session = make_session()
    rina = Employee.objects.get(user=people.employee)
    for user in (people.outsider, people.satgas_jatim):
        client = as_user(user)
        assert client.get(reverse("socialisation:tick", args=[session.pk])).status_code == 404
        assert client.post(reverse("socialisation:tick_toggle", args=[session.pk]),
                           {"employee": rina.pk, "present": "1"}).status_code == 404
    # A participant without a role sees the session but cannot tick.
    employee = as_user(people.employee)
    assert employee.get(reverse("socialisation:session", args=[session.pk])).status_code == 200
    assert employee.get(reverse("socialisation:tick", args=[session.pk])).status_code == 404
    # Grobogan's leader cannot tick someone outside Grobogan.
    mey = Employee.objects.get(user=people.satgas_jateng)
    leader = as_user(people.leader_grobogan)
    assert leader.post(reverse("socialisation:tick_toggle", args=[session.pk]),
                       {"unit": tree.grobogan.pk, "employee": mey.pk, "present": "1"}).status_code == 404
    assert leader.get(reverse("socialisation:tick", args=[session.pk]), {"unit": tree.jateng.pk}).status_code == 404
    assert not Attendance.objects.exists()


ZOOM_CSV = """Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Sosialisasi PKS,08/06/2025 09:00:00 AM,08/06/2025 11:00:00 AM,kiki@example.org,120,5

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Rina,,{join},08/06/2025 11:00:00 AM,120,No
KPU Grobogan - Leader Grobogan {nip},,{join},08/06/2025 11:00:00 AM,110,No
Aula KPU Grobogan,,{join},08/06/2025 11:00:00 AM,118,Yes
Rina,,{join},08/06/2025 11:00:00 AM,3,No
"""


def test_import_meeting_participants_with_manual_matching(tree, people, make_session, as_user):
    session = make_session()
    leader_emp = Employee.objects.get(user=people.leader_grobogan)
    join = timezone.localtime(session.starts_at).strftime("%m/%d/%Y %I:%M:%S %p")
    data = ZOOM_CSV.format(join=join, nip=leader_emp.nip).encode()
    leader = as_user(people.leader_grobogan)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = leader.post(reverse("socialisation:import_new", args=[session.pk]) + f"?unit={tree.grobogan.pk}",
                         {"file": SimpleUploadedFile("participants.csv", data, "text/csv"), "unit": tree.grobogan.pk})
    assert upload.status_code == 302
    page = leader.get(upload["Location"]).content.decode()
    assert "matched by name" not in page  # messages are in Indonesian
    assert "Aula KPU Grobogan" in page and "Tidak ada orang" in page  # the unmatched row, with its message
    batch = session.imports.get()
    statuses = [r["status"] for r in batch.rows]
    assert statuses == ["matched", "matched", "unmatched", "duplicate"]
    # The hall's row: the leader knows it was Rina's colleague; a wrong NIP is refused with a message.
    colleague = make_person(tree.grobogan, username="budi", name="Budi Santoso").employee
    wrong = leader.post(upload["Location"], {"action": "match", "line": 7, "who": "123"}, follow=True)
    assert "NIP" in wrong.content.decode()
    leader.post(upload["Location"], {"action": "match", "line": 7, "who": colleague.nip})
    leader.post(upload["Location"], {"action": "record"})
    recorded = set(Attendance.objects.filter(session=session).values_list("employee__name", flat=True))
    assert recorded == {"Rina", leader_emp.name, "Budi Santoso"}
    assert set(Attendance.objects.filter(session=session).values_list("method", flat=True)) == {"imported"}
    batch.refresh_from_db()
    assert [r["status"] for r in batch.rows] == ["recorded", "recorded", "recorded", "duplicate"]


def test_import_of_a_file_without_names_keeps_the_form_and_says_why(tree, people, make_session, as_user):
    session = make_session()
    from django.core.files.uploadedfile import SimpleUploadedFile

    leader = as_user(people.leader_grobogan)
    bad = leader.post(reverse("socialisation:import_new", args=[session.pk]),
                      {"file": SimpleUploadedFile("x.csv", b"foo,bar\n1,2\n", "text/csv"), "unit": tree.grobogan.pk})
    assert bad.status_code == 400 and "Tidak ada kolom" in bad.content.decode()
    assert not session.imports.exists()


def test_participant_sees_only_their_own_attendance_and_outsiders_get_404(people, make_session, as_user):
    session = make_session()
    services.record_attendance(session=session, employee=Employee.objects.get(user=people.leader_grobogan),
                               method="ticked")
    rina = as_user(people.employee)
    page = rina.get(reverse("socialisation:session", args=[session.pk])).content.decode()
    assert "Leader_Grobogan" not in page and "Tick attendance" not in page
    assert rina.get(reverse("socialisation:attendance_export", args=[session.pk, "csv"])).status_code == 404
    assert as_user(people.outsider).get(reverse("socialisation:session", args=[session.pk])).status_code == 404
    assert as_user(people.neutrality).get(reverse("socialisation:session", args=[session.pk])).status_code == 404


def test_home_panel_lists_upcoming_sessions_with_link_and_place(people, make_session, as_user):
    session = make_session(start=timezone.now() + dt.timedelta(days=1))
    home = as_user(people.employee).get("/").content.decode()
    assert session.title in home and "https://zoom.example/j/1" in home and "Aula" in home
    assert session.title not in as_user(people.outsider).get("/").content.decode()


def test_remind_absent_by_email_and_sms_list(tree, people, make_session, as_user, mailoutbox):
    session = make_session()
    leader = as_user(people.leader_grobogan)
    leader.post(reverse("socialisation:remind", args=[session.pk]), {"unit": tree.grobogan.pk})
    assert {m.to[0] for m in mailoutbox} == set(Employee.objects.filter(unit=tree.grobogan).values_list("email", flat=True))
    sms = leader.get(reverse("socialisation:absent_export", args=[session.pk]), {"unit": tree.grobogan.pk})
    assert sms.status_code == 200 and "Rina" in sms.content.decode()
    assert as_user(people.employee).post(reverse("socialisation:remind", args=[session.pk])).status_code == 404


# The statements of one QR check-in, once the session is in the per-process cache (a hall checking in at once):
# the browser session, the person, then the attendance with its counters (one statement on PostgreSQL, four on
# SQLite), the audit row (chain head locked, entry inserted, head moved: one statement on PostgreSQL, three on
# SQLite), inside a transaction (savepoint and release under the test's own transaction). A new statement here
# costs every person of a national rakor: raise the number consciously.
CHECKIN_STATEMENTS = {"postgresql": 6, "sqlite": 11}


def _code_phone(employee: Employee, session) -> Client:
    """A phone that redeemed a one-time code and scanned the room's QR code, as benchmarks/socialisation_bench.py."""
    import time

    from marwah.socialisation.selectors import CODE_SESSION_KEY, CODE_SESSION_UNTIL, GRANT_KEY

    phone = Client()
    store = phone.session
    until = time.time() + 3600
    store.update({CODE_SESSION_KEY: employee.pk, CODE_SESSION_UNTIL: until, GRANT_KEY: {str(session.pk): until},
                  "_touched": int(time.time()) + 3600})
    store.save()
    return phone


def test_qr_check_in_statement_count(tree, make_session, django_assert_num_queries):
    from django.db import connection

    from marwah.socialisation import selectors

    officers = [make_person(tree.grobogan, username=f"kpps{i}", name=f"Petugas {i}",
                            employment_type=EmploymentType.AD_HOC).employee for i in range(2)]
    session = make_session()
    selectors.forget_session(session.pk)
    first = _code_phone(officers[0], session).post(reverse("socialisation:checkin", args=[session.pk]))
    assert first.status_code == 200  # fills the per-process session cache
    phone = _code_phone(officers[1], session)
    with django_assert_num_queries(CHECKIN_STATEMENTS[connection.vendor]):
        done = phone.post(reverse("socialisation:checkin", args=[session.pk]))
    assert done.status_code == 200 and "Petugas 1, kehadiran Anda tercatat" in done.content.decode()
    assert Attendance.objects.filter(session=session).count() == 2
    assert sum(SessionTally.objects.filter(session=session, unit=session.host_unit).values_list("present", flat=True)) == 2
