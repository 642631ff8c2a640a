"""Invitations through HTTP: per person, for a role, in bulk; activation by link and by code; refusals."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from marwah.accounts.models import Role, RoleAssignment, User
from marwah.onboarding.models import Invitation, InvitationBatch
from marwah.people.models import Employee, EmploymentType

PASSWORD = "Kuda-Lumping-Semarang-77"


def _person(unit, name, *, email="", nip=None, number=None, etype=EmploymentType.PNS) -> Employee:
    return Employee.objects.create(institution=unit.institution, unit=unit, unit_path=unit.path, name=name,
                                   nip=nip, employee_number=number, email=email, employment_type=etype)


@pytest.fixture
def imported(tree):
    return {
        "sari": _person(tree.grobogan, "Sari Wulandari", email="sari@example.org", nip="198703152010012003"),
        "budi": _person(tree.grobogan, "Budi Santoso", number="AH-0001", etype=EmploymentType.AD_HOC),
        "jatim": _person(tree.surabaya, "Orang Jatim", email="jatim@example.org", nip="199001012015031001"),
    }


def _link_token() -> str:
    match = re.search(r"/undangan/a/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_invite_by_email_then_activate_by_link(people, imported, as_user):
    client = as_user(people.hr)
    sari = imported["sari"]
    response = client.post(reverse("onboarding:person", args=[sari.pk]), {"channel": "email"})
    assert response.status_code == 200
    assert "sari@example.org" in response.content.decode()
    token = _link_token()
    invitation = Invitation.objects.get(employee=sari)
    assert token not in invitation.secret_hash  # only a hash is stored

    visitor = Client()
    response = visitor.get(reverse("onboarding:link", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:activate")
    page = visitor.get(reverse("onboarding:activate"))
    assert "198703152010012003" in page.content.decode()
    response = visitor.post(reverse("onboarding:activate"), {"password1": "short", "password2": "short"})
    assert response.status_code == 400  # validators speak; nothing created
    assert not User.objects.filter(username="198703152010012003").exists()
    response = visitor.post(reverse("onboarding:activate"), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    sari.refresh_from_db()
    assert sari.user is not None and sari.user.check_password(PASSWORD)
    # The link works once.
    assert Client().get(reverse("onboarding:link", args=[token])).status_code == 404
    # Logging in with the NIP works.
    response = Client().post(reverse("accounts:login"), {"username": "198703152010012003", "password": PASSWORD})
    assert response.status_code == 302


def test_code_for_person_without_email(people, imported, as_user):
    client = as_user(people.admin)
    budi = imported["budi"]
    response = client.post(reverse("onboarding:person", args=[budi.pk]), {"channel": "code"})
    body = response.content.decode()
    code = re.search(r'class="code-box">([A-Z0-9-]+)<', body).group(1)
    assert "/undangan/" in body  # the short address to type
    visitor = Client()
    assert visitor.post(reverse("onboarding:code"), {"code": "WRONG-CODE1"}).status_code == 400
    response = visitor.post(reverse("onboarding:code"), {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    response = visitor.post(reverse("onboarding:activate"), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    budi.refresh_from_db()
    assert budi.user.username == "AH-0001"
    assert Client().post(reverse("onboarding:code"), {"code": code}).status_code == 400  # used


def test_code_csv_for_sms_gateway(people, imported, as_user):
    client = as_user(people.hr)
    response = client.post(reverse("onboarding:person", args=[imported["budi"].pk]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "Budi Santoso" and rows[1][5].endswith("/undangan/")


def test_role_for_nip_without_account_invites_and_grants_on_activation(people, imported, as_user, tree):
    client = as_user(people.admin)
    sari = imported["sari"]
    response = client.post(reverse("accounts:roles"), {
        "username": sari.nip, "role": Role.SATGAS_PKS, "unit": tree.jateng.pk, "is_chair": ""})
    assert response.status_code == 200
    invitation = Invitation.objects.get(employee=sari)
    assert invitation.role == Role.SATGAS_PKS and invitation.role_unit == tree.jateng
    visitor = Client()
    visitor.get(reverse("onboarding:link", args=[_link_token()]))
    response = visitor.post(reverse("onboarding:activate"), {"password1": PASSWORD, "password2": PASSWORD})
    # Satgas needs a second factor: activation leads into the 2FA setup.
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    sari.refresh_from_db()
    assert RoleAssignment.objects.filter(user=sari.user, role=Role.SATGAS_PKS, unit=tree.jateng).exists()
    assert visitor.get(reverse("accounts:two_factor_setup")).status_code == 200


def test_role_for_unknown_nip_says_so(people, as_user, tree):
    client = as_user(people.admin)
    response = client.post(reverse("accounts:roles"), {
        "username": "199912312020121001", "role": Role.SATGAS_PKS, "unit": tree.jateng.pk})
    assert "No account or person" in response.content.decode() or "Tidak ada akun" in response.content.decode()
    assert not Invitation.objects.exists()


def test_outsiders_and_employees_cannot_invite_or_see(people, imported, as_user):
    sari = imported["sari"]
    for user in (people.employee, people.outsider, people.satgas_jateng):
        client = as_user(user)
        assert client.get(reverse("onboarding:manage")).status_code in (403, 404)
        assert client.post(reverse("onboarding:person", args=[sari.pk]), {"channel": "email"}).status_code in (403, 404)
    assert not Invitation.objects.exists()
    # HR of another branch does not see this person.
    from conftest import make_person

    hr_jatim = make_person(imported["jatim"].unit, username="hr_jatim", role=Role.HR)
    client = as_user(hr_jatim)
    assert client.get(reverse("onboarding:person", args=[sari.pk])).status_code == 404
    as_user(people.hr).post(reverse("onboarding:person", args=[sari.pk]), {"channel": "code"})
    page = client.get(reverse("onboarding:manage")).content.decode()
    assert "Sari Wulandari" not in page
    invitation = Invitation.objects.get()
    assert client.post(reverse("onboarding:revoke", args=[invitation.pk])).status_code == 404


def test_anonymous_is_sent_to_login_for_management(imported):
    response = Client().get(reverse("onboarding:manage"))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_bulk_invitation_runs_in_background_with_progress(people, imported, as_user, tree,
                                                          django_capture_on_commit_callbacks):
    client = as_user(people.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onboarding:batch_new"), {"unit": tree.jateng.pk})
    batch = InvitationBatch.objects.get()
    assert response["Location"] == reverse("onboarding:batch", args=[batch.pk])
    assert batch.status == "done" and batch.total == 2 and batch.emailed == 1 and batch.coded == 1
    status = client.get(reverse("onboarding:batch_status", args=[batch.pk])).content.decode()
    assert "<progress" in status and "hx-trigger" not in status  # finished: polling stops
    assert Invitation.objects.filter(employee=imported["jatim"]).count() == 0  # other province untouched
    response = client.post(reverse("onboarding:batch_codes", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "Budi Santoso"
    # Once only.
    assert client.post(reverse("onboarding:batch_codes", args=[batch.pk])).status_code == 302
    # A second run skips people with an open invitation.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("onboarding:batch_new"), {"unit": tree.jateng.pk})
    assert InvitationBatch.objects.order_by("-pk").first().total == 0


def test_bulk_invitation_by_type_and_refused_outside_scope(people, imported, as_user, tree,
                                                           django_capture_on_commit_callbacks):
    client = as_user(people.hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("onboarding:batch_new"), {"unit": tree.grobogan.pk, "employment_types": ["ad_hoc"]})
    assert list(Invitation.objects.values_list("employee__name", flat=True)) == ["Budi Santoso"]
    batch = InvitationBatch.objects.get()
    assert as_user(people.outsider).get(reverse("onboarding:batch", args=[batch.pk])).status_code in (403, 404)
    from conftest import make_person

    hr_jatim = make_person(tree.surabaya, username="hr_jatim", role=Role.HR)
    client = as_user(hr_jatim)
    assert client.get(reverse("onboarding:batch_status", args=[batch.pk])).status_code == 404
    assert client.post(reverse("onboarding:batch_new"), {"unit": tree.grobogan.pk}).status_code == 404


def test_batch_page_polls_while_running(people, tree, as_user):
    batch = InvitationBatch.objects.create(created_by=people.hr, unit=tree.jateng, total=10, done=4,
                                           status=InvitationBatch.Status.RUNNING)
    page = as_user(people.hr).get(reverse("onboarding:batch", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="40"' in page


def test_deactivating_a_leaver_removes_roles_and_cases(people, as_user, tree):
    from marwah.cases.models import CaseMember

    leaver = people.satgas_jateng
    employee = leaver.employee
    client = as_user(people.hr)
    response = client.post(reverse("onboarding:deactivate", args=[employee.pk]))
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not RoleAssignment.objects.filter(user=leaver).exists()
    assert not CaseMember.objects.filter(user=leaver, is_active=True).exists()
    response = Client().post(reverse("accounts:login"), {"username": "mey", "password": "rahasia-uji-123"})
    assert response.status_code != 302
    # An employee may not switch anyone off.
    assert as_user(people.employee).post(
        reverse("onboarding:deactivate", args=[people.hr.employee.pk])).status_code in (403, 404)
