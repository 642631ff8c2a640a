"""Journey 8: the auditor sees that nobody outside the handling team opened a case."""

from marwah.audit import services as audit
from marwah.cases.tests.factories import submit


def test_reads_by_team_members_are_fine_and_outsiders_are_flagged(as_user, people, tree, kpu,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang]).case
    as_user(people.satgas_jateng).get(f"/kasus/{case.public_id}/")  # a real, audited read by the team
    auditor = as_user(people.auditor)
    page = auditor.get("/kasus/audit-akses/")
    assert page.status_code == 200
    assert page.context["check"].reads >= 1 and page.context["check"].outside == []
    assert "Tidak ada orang di luar tim penanganan" in page.content.decode()
    # A read that bypassed the team (say, straight through the database) shows up.
    audit.record(actor=people.outsider, action="case.read", target=case, unit=case.handling_unit_id)
    page = auditor.get("/kasus/audit-akses/")
    assert [e.actor_label for e in page.context["check"].outside] == ["outsider"]


def test_access_check_is_for_auditors_only(as_user, people):
    assert as_user(people.employee).get("/kasus/audit-akses/").status_code == 403
    assert as_user(people.satgas_jateng).get("/kasus/audit-akses/").status_code == 403
    assert as_user(people.outsider).get("/kasus/audit-akses/").status_code == 403
