from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from marwah.audit.models import AuditEntry
from marwah.worktime import services
from marwah.worktime.models import Holiday


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    services.clear_cache()
    yield
    services.clear_cache()


@pytest.fixture
def y2025(db):
    services.load_holidays(years=[2025])


def test_load_2025_from_package(y2025):
    assert Holiday.objects.filter(date__year=2025).count() == 28
    idul_fitri_leave = Holiday.objects.get(date=date(2025, 4, 2))
    assert idul_fitri_leave.kind == Holiday.Kind.CUTI_BERSAMA
    assert "Idul Fitri" in idul_fitri_leave.name
    assert Holiday.objects.get(date=date(2025, 3, 31)).kind == Holiday.Kind.PUBLIC
    assert AuditEntry.objects.filter(action="worktime.holidays_loaded").count() == 1


def test_reload_is_idempotent_and_keeps_admin_cancellations(y2025, people):
    day = Holiday.objects.get(date=date(2025, 4, 7))
    services.remove_holiday(actor=people.admin, holiday=day)
    result = services.load_holidays(years=[2025])
    assert result == {"created": 0, "updated": 0}
    day.refresh_from_db()
    assert not day.is_active
    assert services.is_working_day(date(2025, 4, 7))


def test_add_working_days_over_idul_fitri_2025(y2025):
    # Thu 27 Mar 2025 + 3 working days: 28 Mar cuti Nyepi, 29-30 weekend, 31 Mar-4 Apr Idul Fitri + cuti,
    # 5-6 weekend, 7 Apr cuti -> 8, 9, 10 April.
    assert services.add_working_days(date(2025, 3, 27), 3) == date(2025, 4, 10)
    assert services.add_working_days(date(2025, 3, 27), 0) == date(2025, 3, 27)
    assert services.working_days_between(date(2025, 3, 27), date(2025, 4, 10)) == 3
    assert services.working_days_between(date(2025, 4, 10), date(2025, 3, 27)) == -3


def test_without_holidays_only_weekends_are_skipped(db):
    assert services.add_working_days(date(2025, 3, 27), 3) == date(2025, 4, 1)


def test_holidays_are_read_once_per_year(y2025, django_assert_max_num_queries, django_assert_num_queries):
    services.clear_cache()
    with django_assert_max_num_queries(16):  # two years: cache read, one select, cache write (db cache: ~7)
        services.add_working_days(date(2025, 1, 2), 300)
    with django_assert_num_queries(0):
        services.add_working_days(date(2025, 1, 2), 300)
        services.working_days_between(date(2025, 1, 2), date(2026, 6, 1))


def test_command_loads_several_years(db):
    call_command("load_holidays", "2025", "2026")
    assert Holiday.objects.filter(date__year=2026).exists()
    assert Holiday.objects.filter(date__year=2025).count() == 28


def test_admin_adds_and_cancels_a_day_through_the_page(people, as_user, y2025):
    client = as_user(people.admin)
    page = client.get("/hari-kerja/?tahun=2025")
    assert page.status_code == 200
    assert "Cuti Bersama Hari Raya Idul Fitri" in page.content.decode()
    # a late decree adds a cuti bersama on Monday 8 December 2025
    response = client.post("/hari-kerja/?tahun=2025", {"date": "2025-12-08", "name": "Cuti bersama tambahan",
                                                       "kind": "cuti_bersama", "note": "SKB 3 Menteri"})
    assert response.status_code == 302
    assert not services.is_working_day(date(2025, 12, 8))
    added = Holiday.objects.get(date=date(2025, 12, 8))
    assert AuditEntry.objects.filter(action="worktime.holiday_added", target_id=str(added.pk)).exists()
    client.post(f"/hari-kerja/{added.pk}/ubah/")
    assert services.is_working_day(date(2025, 12, 8))
    assert AuditEntry.objects.filter(action="worktime.holiday_removed").exists()


def test_bad_date_keeps_what_was_typed(people, as_user, db):
    client = as_user(people.admin)
    response = client.post("/hari-kerja/", {"date": "bukan-tanggal", "name": "Libur daerah", "kind": "public"})
    assert response.status_code == 400
    assert "Libur daerah" in response.content.decode()


def test_load_page_form(people, as_user, db):
    client = as_user(people.admin)
    assert client.post("/hari-kerja/muat/", {"years": "2027"}).status_code == 302
    assert Holiday.objects.filter(date__year=2027).exists()
    client.post("/hari-kerja/muat/", {"years": "abc"})
    assert not Holiday.objects.filter(date__year__lt=2025).exists()


def test_plain_employee_and_leader_are_refused(people, as_user, y2025):
    day = Holiday.objects.first()
    for user in (people.employee, people.outsider):
        client = as_user(user)
        assert client.get("/hari-kerja/").status_code == 403
        assert client.post(f"/hari-kerja/{day.pk}/ubah/").status_code == 403
        assert client.post("/hari-kerja/muat/", {"years": "2026"}).status_code == 403
    # HR may read but not change
    hr = as_user(people.hr)
    assert hr.get("/hari-kerja/?tahun=2025").status_code == 200
    assert hr.post("/hari-kerja/", {"date": "2025-12-08", "name": "x", "kind": "public"}).status_code == 403
    assert Holiday.objects.get(pk=day.pk).is_active


def test_working_days_between_matches_counting_day_by_day(y2025):
    from datetime import timedelta

    start = date(2024, 12, 20)
    for offset in range(0, 420, 7):
        for extra in range(7):
            end = start + timedelta(days=offset + extra)
            slow = sum(1 for i in range(1, (end - start).days + 1)
                       if services.is_working_day(start + timedelta(days=i)))
            assert services.working_days_between(start, end) == slow, end
