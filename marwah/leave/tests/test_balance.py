"""Balance arithmetic: carry-over within the caps, cuti bersama, holidays, roll-over, HR corrections."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from marwah.audit.models import AuditEntry
from marwah.leave import services
from marwah.leave.models import Balance, BalanceCorrection
from marwah.rules import leave as rules

pytestmark = pytest.mark.django_db


def test_carry_over_caps():
    assert rules.carry_over(unused=11) == 6
    assert rules.carry_over(unused=4) == 4
    assert rules.carry_over(unused=20, unused_years_in_a_row=2) == 12
    assert rules.carry_over(unused=-3) == 0


def test_carry_cap_is_configurable(settings):
    settings.MARWAH_LEAVE_RULES = {"annual": {"carry_cap": 4}, "sick": {"approval": rules.SUPERIOR_THEN_OFFICIAL}}
    assert rules.carry_over(unused=11) == 4
    assert rules.get_type("sick").approval == rules.SUPERIOR_THEN_OFFICIAL
    assert not rules.annual_rules().carry_citation.confirmed


def test_balance_with_carry_over_cuti_bersama_and_holidays(office, holidays, as_user):
    emp = office.staff_emp
    b2026 = services.ensure_balance(emp, 2026)
    assert (b2026.entitlement, b2026.collective, b2026.available) == (12, 1, 11)  # 24 Dec 2026 cuti bersama
    Balance.objects.filter(pk=b2026.pk).update(used=7)  # 4 left unused
    b2027 = services.ensure_balance(emp, 2027)
    assert (b2027.carried, b2027.collective, b2027.available) == (4, 2, 14)
    # 11–15 January 2027: 5 weekdays, the 12th a holiday → 4 working days.
    assert services.count_working_days(date(2027, 1, 11), date(2027, 1, 15)) == 4


def test_roll_over_opens_the_year_once(office, holidays):
    emp = office.staff_emp
    services.ensure_balance(emp, 2026)
    created = services.roll_over(year=2027)
    assert created >= 5  # every PNS in the fixtures
    assert Balance.objects.get(employee=emp, year=2027).carried == 6
    assert services.roll_over(year=2027) == 0
    assert AuditEntry.objects.filter(action="leave.roll_over").count() == 2


def test_two_unused_years_carry_the_larger_cap(office, holidays):
    emp = office.staff_emp
    Balance.objects.create(employee=emp, unit_path=emp.unit_path, year=2026, carried=6, used=0, collective=0)
    assert services.ensure_balance(emp, 2027).carried == 12


def test_hr_corrects_with_a_reason(office, holidays, as_user, people):
    balance = services.ensure_balance(office.staff_emp, 2026)
    hr = as_user(office.hr)
    url = reverse("leave:balance_correct", args=[balance.pk])
    page = hr.post(url, {"delta": "2", "reason": ""})
    assert page.status_code == 200 and BalanceCorrection.objects.count() == 0
    assert hr.post(url, {"delta": "2", "reason": "Cuti bersama 24 Desember dibatalkan untuk piket"}).status_code == 302
    balance.refresh_from_db()
    assert balance.adjustment == 2 and balance.available == 13
    assert AuditEntry.objects.filter(action="leave.balance_corrected").exists()
    listing = hr.get(reverse("leave:balances"), {"year": 2026})
    assert "Nur Hidayat" in listing.content.decode()
    assert as_user(office.secretary).get(url).status_code == 403
    assert as_user(people.outsider).get(url).status_code == 403


def test_leave_types_are_catalog_data():
    types = rules.leave_types()
    assert set(types) == {"annual", "long_service", "sick", "maternity", "important", "collective", "unpaid"}
    assert types["annual"].max_working_days == 12 and types["annual"].reduces_annual
    assert types["collective"].reduces_annual and not types["collective"].requestable
    assert types["sick"].needs_proof and not types["sick"].reduces_annual
    assert "pppk" in types["annual"].employment_types and "pppk" not in types["long_service"].employment_types
    assert not rules.may_take(types["maternity"], employment_type="pns", gender="M")
    assert not rules.requestable_types(employment_type="ad_hoc")
    assert all(str(t.citation) for t in types.values())


def test_absence_table_counts_working_days():
    from marwah.rules import absence as table

    assert table.absence_sanction(days_in_year=2, consecutive_working_days=2) is None
    assert table.absence_sanction(days_in_year=3, consecutive_working_days=1).code == "pp94_oral_reprimand"
    assert table.absence_sanction(days_in_year=10, consecutive_working_days=10).code == "pp94_pdhtaps"
    assert table.absence_sanction(days_in_year=27, consecutive_working_days=1).code == "pp94_executor_post"
    assert table.absence_sanction(days_in_year=40, consecutive_working_days=1).code == "pp94_pdhtaps"
    assert str(table.SUPERIOR_MUST_EXAMINE.citation) == "PP No. 94 Tahun 2021, Pasal 26 dan Pasal 28"
    assert table.applies_to("pns") and not table.applies_to("ad_hoc")
