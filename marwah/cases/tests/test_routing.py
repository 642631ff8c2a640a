from __future__ import annotations

from marwah.accounts.models import Role
from marwah.cases.models import Case
from marwah.cases.tests.conftest import emp
from marwah.cases.tests.factories import submit


def members(case: Case) -> set[str]:
    return set(case.members.filter(is_active=True).values_list("user__username", flat=True))


def test_sexual_violence_in_a_regency_goes_to_the_provincial_satgas(people, tree, kpu):
    report = submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang])
    case = report.case
    assert case.handling_unit == tree.jateng and case.team_kind == "satgas"
    assert members(case) == {"mey", "kiki", "leader_jateng"}
    assert not case.escalated_for_conflict


def test_sexual_violence_in_a_provincial_office_itself_goes_to_kpu_ri(people, tree, kpu):
    case = submit(kind="sv_physical", unit=tree.jateng).case
    assert case.handling_unit == tree.ri
    assert members(case) == {"satgas_ri", "leader_ri"}


def test_accused_satgas_member_is_blocked(people, tree, kpu):
    case = submit(kind="sv_nonphysical", unit=tree.grobogan, accused=[kpu.kiki]).case
    assert case.handling_unit == tree.jateng
    assert "kiki" not in members(case) and "mey" in members(case)


def test_subordinate_of_the_accused_is_excluded(people, tree, kpu):
    # Kiki reports to Heru (transitively: Kiki -> Bambang? no: directly to Heru's subordinate Bambang).
    k = emp(kpu.kiki)
    k.superior = emp(kpu.bambang)
    k.save(update_fields=["superior"])
    case = submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.heru]).case
    assert "kiki" not in members(case)  # Kiki -> Bambang -> Heru
    assert "mey" in members(case)


def test_whole_team_conflicted_goes_one_level_up(people, tree, kpu):
    for user in (people.satgas_jateng, kpu.kiki):
        e = emp(user)
        e.superior = emp(kpu.bambang)
        e.save(update_fields=["superior"])
    case = submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang]).case
    assert case.handling_unit == tree.ri
    assert case.escalated_for_conflict
    assert members(case) == {"satgas_ri", "leader_ri"}


def test_involved_person_is_blocked_even_when_on_the_team(people, tree, kpu):
    case = submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang], involved=[kpu.kiki]).case
    assert "kiki" not in members(case)


def test_neutrality_goes_to_the_institutions_neutrality_team(people, tree):
    from conftest import make_person

    make_person(tree.hq, username="hr_kum", role=Role.HR)
    case = submit(kind="n_social_interaction", unit=tree.kanwil_ntt).case
    assert case.team_kind == "neutrality" and case.handling_unit == tree.hq
    assert "tim_netral" in members(case)


def test_discipline_goes_to_the_direct_superior_and_hr(people, tree, kpu):
    case = submit(kind="d_absence", unit=tree.grobogan, accused=[people.employee]).case
    assert case.team_kind == "superior"
    got = members(case)
    assert "bambang" in got and "hr" in got
    assert "rina" not in got and "heru" not in got
    assert case.accused_employment_type == "pns"


def test_discipline_skips_a_conflicted_superior(people, tree, kpu):
    # The reporter names Bambang (Rina's superior) as involved: the case goes to Heru.
    case = submit(kind="d_absence", unit=tree.grobogan, accused=[people.employee], involved=[kpu.bambang]).case
    assert "bambang" not in members(case) and "heru" in members(case)
    assert case.escalated_for_conflict


def test_ethics_and_data_leak_go_to_ethics_handlers(people, tree, kpu):
    assert members(submit(kind="e_partisan_meeting", unit=tree.grobogan).case) >= {"etik"}
    leak = submit(kind="l_internal_data", unit=tree.grobogan).case
    assert {"etik", "hr"} <= members(leak)


def test_sexual_violence_outside_kpu_goes_to_ethics_and_hr(people, tree):
    from conftest import make_person

    make_person(tree.hq, username="etik_kum", role=Role.ETHICS)
    case = submit(kind="sv_physical", unit=tree.kanwil_ntt).case
    assert case.team_kind == "ethics" and "etik_kum" in members(case)


def test_report_key_is_sealed_for_the_recipients(people, tree, kpu, monkeypatch):
    sealed = {}

    def fake_seal(*, report, report_key, users, actor=None, escrow_users=(), new_report=False):
        sealed["new_report"] = new_report
        sealed["users"] = {u.username for u in users}
        sealed["escrow"] = {u.username for u in escrow_users}
        return len(sealed["users"])

    monkeypatch.setattr("marwah.reporting.vault.seal_report_key", fake_seal)
    submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang], report_key=b"k" * 32)
    assert sealed["users"] == {"mey", "kiki", "leader_jateng"}
    # No report depends on one team: the Satgas above (KPU RI) holds the key too.
    assert sealed["escrow"] == {"satgas_ri"}
    assert sealed["new_report"] is True  # nobody can hold a copy of a report made in this transaction
