from __future__ import annotations

from django.test import Client
from django.urls import reverse

from conftest import make_person
from marwah.accounts.models import Role
from marwah.audit.models import AuditEntry
from marwah.rules.models import RuleOverride

KEY = "sanctions.policy.ethics_asn_tier"
DEADLINE = "deadlines.sexual_violence.decision"


def test_staff_read_the_catalog_employees_and_anonymous_do_not(as_user, people):
    for user in (people.auditor, people.hr, people.satgas_jateng, people.outsider, people.admin):
        assert as_user(user).get(reverse("rules:index")).status_code == 200
    assert as_user(people.employee).get(reverse("rules:index")).status_code == 404
    assert as_user(people.employee).get(reverse("rules:csv")).status_code == 404
    assert as_user(people.employee).get(reverse("rules:pdf")).status_code == 404
    anonymous = Client().get(reverse("rules:index"))
    assert anonymous.status_code == 302 and "/akun/" in anonymous["Location"] or anonymous.status_code == 404


def test_the_page_shows_marks_citations_and_where_used(as_user, people):
    body = as_user(people.auditor).get(reverse("rules:index")).content.decode()
    assert "Pasal 24 ayat (1) huruf d" in body and "marwah.cases.services.decide" in body
    assert "mark-policy" in body and "mark-unconfirmed" in body and "mark-default" in body
    filtered = as_user(people.auditor).get(reverse("rules:index"), {"mark": "policy"}).content.decode()
    assert f'data-rule="{KEY}"' in filtered and 'data-rule="violations.kind.sv_physical"' not in filtered


def test_pdf_export(as_user, people):
    response = as_user(people.auditor).get(reverse("rules:pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="rules.exported", detail__format="pdf").exists()


def test_admin_sets_an_override_shown_beside_the_default_and_audited(as_user, people, tree):
    client = as_user(people.admin)
    url = reverse("rules:override", args=[KEY])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"institution": tree.kpu.pk, "tier": "ringan", "note": ""})
    assert bad.status_code == 400
    response = client.post(url, {"institution": tree.kpu.pk, "tier": "sedang", "note": "SK Sekjen 12/2026"})
    assert response.status_code == 302
    override = RuleOverride.objects.get(key=KEY, institution=tree.kpu)
    assert override.value == "sedang" and override.updated_by == people.admin
    assert AuditEntry.objects.filter(action="rules.override_set", detail__key=KEY).exists()
    body = as_user(people.auditor).get(reverse("rules:index")).content.decode()
    assert "SK Sekjen 12/2026" in body
    # The override drives the suggestion for that institution only.
    from marwah.rules.sanctions import suggest_sanctions

    codes = {s.sanction.code for s in suggest_sanctions("e_gift", employment_type="pns", institution_id=tree.kpu.pk)}
    assert "pp94_tukin_6" in codes and "pp94_oral_reprimand" not in codes
    other = {s.sanction.code for s in suggest_sanctions("e_gift", employment_type="pns",
                                                          institution_id=tree.ministry.pk)}
    assert "pp94_oral_reprimand" in other
    client.post(url, {"institution": tree.kpu.pk, "reset": "1", "note": "x"})
    assert not RuleOverride.objects.filter(key=KEY).exists()
    assert AuditEntry.objects.filter(action="rules.override_cleared").exists()


def test_deadline_override_in_calendar_or_working_days(as_user, people, tree):
    client = as_user(people.admin)
    url = reverse("rules:override", args=[DEADLINE])
    response = client.post(url, {"institution": tree.kpu.pk, "days": 10, "day_kind": "working", "note": "SK 3/2026"})
    assert response.status_code == 302
    from marwah.cases.services import deadline_for

    assert deadline_for("sexual_violence", "decision", tree.kpu.pk) == (10, "working")
    assert deadline_for("sexual_violence", "decision", tree.ministry.pk) == (14, "calendar")
    assert client.post(url, {"institution": tree.kpu.pk, "days": 0, "day_kind": "working",
                             "note": "x"}).status_code == 400


def test_only_administrators_edit_and_only_for_their_institution(as_user, people, tree):
    url = reverse("rules:override", args=[KEY])
    for user in (people.auditor, people.outsider, people.hr):
        assert as_user(user).get(url).status_code == 403
        assert as_user(user).post(url, {"institution": tree.kpu.pk, "tier": "berat", "note": "x"}).status_code == 403
    assert as_user(people.employee).get(url).status_code == 404
    # An administrator of the ministry cannot set KPU's value.
    ministry_admin = make_person(tree.hq, username="admin_kemenkumham", role=Role.ADMIN)
    response = as_user(ministry_admin).post(url, {"institution": tree.kpu.pk, "tier": "berat", "note": "x"})
    assert response.status_code == 400 and not RuleOverride.objects.exists()
    # Law cannot be overridden.
    law = reverse("rules:override", args=["sanctions.sanction.ptdh"])
    assert as_user(people.admin).get(law).status_code == 302
    assert as_user(people.admin).get(reverse("rules:override", args=["no.such.rule"])).status_code == 404
