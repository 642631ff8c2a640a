"""Journey 6: the neutrality team logs a lead that becomes a case for the superior and HR."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import make_person
from marwah.accounts.models import Role
from marwah.cases.models import Case
from marwah.people.models import Employee


@pytest.fixture
def kum(people, tree):
    ns = type("Kum", (), {})()
    ns.head = make_person(tree.kanwil_ntt, username="marciana", name="Marciana")
    ns.staff = make_person(tree.kanwil_ntt, username="pegawai_ntt", name="Yosef",
                           superior=Employee.objects.get(user=ns.head))
    ns.hr = make_person(tree.hq, username="kepegawaian", role=Role.HR)
    return ns


def png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    return SimpleUploadedFile("tangkapan.png", buf.getvalue(), content_type="image/png")


def test_lead_suggests_kind_then_becomes_a_case(people, kum, as_user):
    client = as_user(people.neutrality)
    nip = Employee.objects.get(user=kum.staff).nip
    text = "Pegawai memberi like dan komentar pada posting grup tim pemenangan calon."
    first = client.post("/kasus/temuan-netralitas/", {"employee": nip, "text": text})
    body = first.content.decode()
    assert first.status_code == 200 and "like" in body and "komentar" in body
    assert not Case.objects.exists()
    second = client.post("/kasus/temuan-netralitas/", {"employee": nip, "text": text,
                                                        "kind": "n_social_interaction", "screenshot": png()})
    assert second.status_code == 302
    case = Case.objects.get()
    members = set(case.members.values_list("user__username", flat=True))
    assert {"marciana", "kepegawaian", "tim_netral"} <= members
    assert "pegawai_ntt" not in members
    assert case.team_kind == "superior" and case.report.evidence_count == 1
    page = client.get(second["Location"]).content.decode()
    assert "PP No. 42 Tahun 2004" in page  # moral track suggested next to discipline


def test_unknown_nip_keeps_the_text(people, kum, as_user):
    client = as_user(people.neutrality)
    response = client.post("/kasus/temuan-netralitas/", {"employee": "199001012020121001",
                                                         "text": "Memasang baliho calon di kantor."})
    assert response.status_code == 400
    assert "Memasang baliho calon di kantor." in response.content.decode()


def test_only_the_neutrality_team_logs_leads(people, kum, as_user):
    for user in (people.employee, people.outsider, people.satgas_jateng):
        assert as_user(user).get("/kasus/temuan-netralitas/").status_code == 403
