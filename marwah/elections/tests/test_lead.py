"""Journey 6 with the election watch: the suggestion shows its reasons, the screenshot survives the
suggestion step (issue 9 point 4), and the case is tagged with the running stage."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from marwah.cases.models import Case
from marwah.cases.tests.test_lead import kum, png  # noqa: F401  (fixture and helper)
from marwah.core.figures import Period
from marwah.elections.models import ElectionTag
from marwah.elections.monitoring import section
from marwah.elections.services import tag_case
from marwah.people.models import Employee

LEAD = "/kasus/temuan-netralitas/"


def test_lead_keeps_screenshot_and_is_tagged_with_the_stage(people, kum, as_user, running_election):  # noqa: F811
    client = as_user(people.neutrality)
    nip = Employee.objects.get(user=kum.staff).nip
    text = "Komentar 'Gaspol BUSRI nomor 1, Jateng Bersinar!' di postingan akun #BusriJateng"
    first = client.post(LEAD, {"employee": nip, "text": text, "action": "comment", "screenshot": png()})
    body = first.content.decode()
    assert first.status_code == 200 and not Case.objects.exists()
    assert "BUSRI" in body and "#BusriJateng" in body and "nomor urut" in body  # the reasons
    assert "Tangkapan layar tersimpan" in body and "tangkapan.png" in body
    assert 'value="n_social_interaction" selected' in body  # form 6 suggested for a comment
    # Confirm without picking the file again: the case still has it.
    second = client.post(LEAD, {"employee": nip, "text": text, "action": "comment", "kind": "n_social_interaction"})
    assert second.status_code == 302
    case = Case.objects.get()
    assert case.report.evidence_count == 1
    tag = ElectionTag.objects.get(case=case)
    assert tag.stage.code == "kampanye" and tag.period == "during" and tag.is_lead and tag.form == 6
    page = client.get(second["Location"]).content.decode()
    assert "Masa kampanye" in page and "Selama pemilihan" in page


def test_a_new_lead_does_not_inherit_an_abandoned_leads_file(people, kum, as_user, running_election):  # noqa: F811
    client = as_user(people.neutrality)
    nip = Employee.objects.get(user=kum.staff).nip
    client.post(LEAD, {"employee": nip, "text": "Foto bareng calon", "screenshot": png()})
    client.get(LEAD)  # starts over
    client.post(LEAD, {"employee": nip, "text": "Memasang baliho calon nomor 1", "kind": "n_banner"})
    assert Case.objects.get().report.evidence_count == 0


def test_bad_nip_keeps_the_screenshot(people, kum, as_user, running_election):  # noqa: F811
    client = as_user(people.neutrality)
    r = client.post(LEAD, {"employee": "199001012020121001", "text": "Like postingan BUSRI", "screenshot": png()})
    assert r.status_code == 400 and "tangkapan.png" in r.content.decode()


def test_cases_outside_any_stage_and_before_after(people, kum, as_user, running_election, tree):  # noqa: F811
    client = as_user(people.neutrality)
    nip = Employee.objects.get(user=kum.staff).nip
    client.post(LEAD, {"employee": nip, "text": "Memasang baliho calon nomor 1", "kind": "n_banner"})
    case = Case.objects.get()
    today = timezone.localdate()
    assert tag_case(case=case, day=today - timedelta(days=45)).period == "before"
    assert tag_case(case=case, day=today + timedelta(days=30)).stage.code == "rekapitulasi"
    outside = tag_case(case=case, day=date(2001, 1, 1))
    assert outside.stage is None and outside.period == ""


def test_monitoring_counts_leads_by_stage_and_form(people, kum, as_user, running_election, tree):  # noqa: F811
    client = as_user(people.neutrality)
    nip = Employee.objects.get(user=kum.staff).nip
    client.post(LEAD, {"employee": nip, "text": "Like postingan BUSRI", "kind": "n_social_interaction"})
    today = timezone.localdate()
    period = Period(today - timedelta(days=6), today)
    found = section(user=kum.hr, unit=tree.hq, period=period)
    assert found is not None and found.strategy_point == 5
    figures = {f.key: f.value for f in found.figures}
    assert figures["elections.leads"] == 1 and figures["elections.cases"] == 1
    stage_table = next(t for t in found.tables if t.key == "elections.by_stage")
    assert stage_table.rows == [["Pilkada Uji: Masa kampanye", 1, 1]]
    assert section(user=people.employee, unit=tree.hq, period=period) is None
    assert section(user=people.outsider, unit=tree.hq, period=period) is None
