"""Coverage, exports, reminders, one-time codes, ceremonies — and who is refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_person
from marwah.people.models import EmploymentType
from marwah.pledges import services
from marwah.pledges.models import Signature
from marwah.pledges.selectors import coverage


def _sig(campaign, user):
    return Signature.objects.get(campaign=campaign, employee__user=user)


def test_coverage_counts_nested_units(tree, people, pact, launch, as_user, django_assert_max_num_queries):
    extra = [make_person(tree.grobogan, username=f"staf{i}") for i in range(3)]
    campaign = launch(actor=people.admin, unit=tree.ri, version=pact.versions.first())
    # ri: admin, hr, auditor; jateng: leader_jateng, mey; grobogan: leader_grobogan, rina, 3 staf;
    # jatim: satgas_jatim; surabaya: outsider  -> 12 (Kemenkumham people are another institution)
    assert campaign.in_scope == 12
    services.sign(signature=_sig(campaign, people.employee), method="password")
    services.sign(signature=_sig(campaign, extra[0]), method="password",
                  now=timezone.now() + dt.timedelta(days=30))  # late
    services.sign(signature=_sig(campaign, people.leader_jateng), method="password")
    services.sign(signature=_sig(campaign, people.outsider), method="password")

    total, children = coverage(campaign, tree.ri)
    assert (total.in_scope, total.signed, total.late, total.pending) == (12, 3, 1, 8)
    by_name = {row.unit.name: row.counts for row in children}
    assert (by_name[tree.jateng.name].in_scope, by_name[tree.jateng.name].signed,
            by_name[tree.jateng.name].late) == (7, 2, 1)
    assert (by_name[tree.jatim.name].in_scope, by_name[tree.jatim.name].signed) == (2, 1)
    grob, grob_children = coverage(campaign, tree.grobogan)
    assert (grob.in_scope, grob.signed, grob.late, grob.pending) == (5, 1, 1, 3)
    assert grob_children == []

    client = as_user(people.leader_jateng)
    with django_assert_max_num_queries(15):  # 15th: the memo's generation, a cache-table read without Redis
        page = client.get(reverse("pledges:campaign", args=[campaign.pk]))
    assert page.status_code == 200 and page.context["unit"] == tree.jateng  # defaults to the leader's own scope
    assert page.context["own"].in_scope == 2
    home = client.get("/").content.decode()
    assert campaign.title in home and "3 dari 7" in home  # the home-page panel, at the leader's own scope
    assert client.get(reverse("pledges:campaign", args=[campaign.pk]) + f"?unit={tree.grobogan.pk}").status_code == 200
    assert client.get(reverse("pledges:campaign", args=[campaign.pk]) + f"?unit={tree.jatim.pk}").status_code == 404
    assert client.get(reverse("pledges:campaign", args=[campaign.pk]) + f"?unit={tree.ri.pk}").status_code == 404
    with django_assert_max_num_queries(12):
        pending = client.get(reverse("pledges:campaign_pending", args=[campaign.pk]) + f"?unit={tree.grobogan.pk}")
    names = [s.employee.name for s in pending.context["rows"]]
    assert sorted(names) == sorted(["Leader_Grobogan", "Staf1", "Staf2"])


def test_exports_xlsx_and_csv(tree, people, pact, launch, as_user):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    services.sign(signature=_sig(campaign, people.employee), method="password")
    client = as_user(people.leader_grobogan)
    response = client.get(reverse("pledges:campaign_export", args=[campaign.pk, "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3  # header + leader_grobogan + rina
    rina_row = next(r for r in rows if r[0] == "Rina")
    assert rina_row[4] in ("Signed", "Sudah menandatangani", "Sudah") or "anda" in rina_row[4].lower()
    assert rina_row[1] == people.employee.employee.nip
    response = client.get(reverse("pledges:campaign_export", args=[campaign.pk, "xlsx"]))
    wb = load_workbook(io.BytesIO(response.content))
    coverage_sheet, people_sheet = wb.worksheets
    assert [c.value for c in coverage_sheet[2]][:5] == [tree.grobogan.name, 2, 1, 0, 1]
    assert {row[0].value for row in people_sheet.iter_rows(min_row=2)} == {"Rina", "Leader_Grobogan"}
    assert client.get(reverse("pledges:campaign_export", args=[campaign.pk, "pdf"])).status_code == 404
    assert as_user(people.outsider).get(reverse("pledges:campaign_export", args=[campaign.pk, "csv"])).status_code == 404
    assert as_user(people.employee).get(reverse("pledges:campaign_export", args=[campaign.pk, "csv"])).status_code == 404


def test_remind_emails_only_those_who_have_not_signed(tree, people, pact, launch, as_user,
                                                      django_capture_on_commit_callbacks):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    services.sign(signature=_sig(campaign, people.employee), method="password")
    client = as_user(people.leader_grobogan)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pledges:campaign_remind", args=[campaign.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[people.leader_grobogan.email]]
    assert "Rina" not in mail.outbox[0].body and "rahasia" not in mail.outbox[0].body
    # Refused: an employee, an auditor (read-only), an outsider.
    for user in (people.employee, people.auditor, people.outsider):
        assert as_user(user).post(reverse("pledges:campaign_remind", args=[campaign.pk])).status_code == 404


def test_the_coverage_page_after_a_reminder_has_working_forms(tree, people, pact, launch, as_user):
    """The page that shows the "reminders sent" message is rendered by the template engine around the
    kept content: its forms still get the reader's CSRF token, not the kept content's marker."""
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    client = as_user(people.leader_grobogan)
    client.get(reverse("pledges:campaign", args=[campaign.pk]))  # the content is kept now
    client.handler.enforce_csrf_checks = True
    page = client.get(client.post(reverse("pledges:campaign_remind", args=[campaign.pk]), {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value})["Location"])
    html = page.content.decode()
    assert 'class="messages"' in html and "\u2063" not in html
    tokens = [part.split('"')[0] for part in html.split('name="csrfmiddlewaretoken" value="')[1:]]
    assert tokens and all(len(token) == 64 for token in tokens)
    # The form on that page posts: the token it carries is accepted.
    assert client.post(reverse("pledges:campaign_remind", args=[campaign.pk]),
                       {"csrfmiddlewaretoken": tokens[-1]}).status_code == 302


def test_one_time_code_opens_a_pledge_only_session(tree, people, pact, launch, as_user):
    kpps = make_person(tree.grobogan, username="tmp_kpps", employment_type=EmploymentType.AD_HOC)
    employee = kpps.employee
    employee.user = None
    employee.save()
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first(),
                      types=[EmploymentType.AD_HOC])
    assert campaign.in_scope == 1
    leader = as_user(people.leader_grobogan)
    mail.outbox.clear()
    page = leader.post(reverse("pledges:campaign_codes", args=[campaign.pk]), {"format": "html"})
    code = re.search(r'class="issued-code">([A-Z0-9-]+)<', page.content.decode()).group(1)
    assert len(mail.outbox) == 1 and code in mail.outbox[0].body
    csv_response = leader.post(reverse("pledges:campaign_codes", args=[campaign.pk]), {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    new_code = next(r for r in csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))) if r[0] == employee.name)[4]
    officer = Client()
    assert officer.post(reverse("pledges:code"), {"code": code}).status_code == 400  # re-issuing cancelled it
    response = officer.post(reverse("pledges:code"), {"code": new_code.lower()})
    assert response.status_code == 200 and reverse("pledges:sign", args=[
        Signature.objects.get(campaign=campaign, employee=employee).pk]) in response.content.decode()
    signature = Signature.objects.get(campaign=campaign, employee=employee)
    assert officer.get(reverse("pledges:index")).status_code == 200
    officer.post(reverse("pledges:sign", args=[signature.pk]), {"agree": "on"})
    signature.refresh_from_db()
    assert signature.status == "signed" and signature.method == "code"
    # Pledge-only: nothing else opens, and someone else's pledge is 404.
    assert officer.get(reverse("pledges:campaign", args=[campaign.pk])).status_code == 302  # login required
    other = _sig(campaign, people.employee) if Signature.objects.filter(employee__user=people.employee).exists() else None
    assert other is None
    # Single use.
    assert Client().post(reverse("pledges:code"), {"code": new_code}).status_code == 400
    # Lower roles cannot issue codes.
    for user in (people.employee, people.auditor, people.outsider):
        assert as_user(user).get(reverse("pledges:campaign_codes", args=[campaign.pk])).status_code == 404


def test_code_guessing_is_rate_limited(tree, db):
    client = Client()
    statuses = [client.post(reverse("pledges:code"), {"code": f"AAAAA-{i:05d}"}).status_code for i in range(12)]
    assert statuses[0] == 400 and statuses[-1] == 429


def test_ceremony_links_signatures(tree, people, pact, launch, as_user):
    staff = [make_person(tree.kanwil_ntt, username=f"kum{i}") for i in range(3)]
    head = make_person(tree.kanwil_ntt, username="marciana", role="leader")
    docs = services.ensure_default_documents(institution=tree.ministry)
    pledge = next(d for d in docs if d.kind == "neutrality")
    campaign = launch(actor=head, unit=tree.kanwil_ntt, version=pledge.versions.first(), place="Kupang")
    client = as_user(head)
    url = reverse("pledges:ceremony_new", args=[campaign.pk])
    assert client.post(url, {"held_on": timezone.localdate().isoformat(), "place": "Aula"}).status_code == 400
    present = [_sig(campaign, u) for u in staff[:2]]
    response = client.post(url, {"held_on": timezone.localdate().isoformat(), "place": "Aula Kanwil",
                                 "present": [s.pk for s in present]})
    assert response.status_code == 302
    for s in present:
        s.refresh_from_db()
        assert s.method == "ceremony" and s.ceremony is not None and s.ceremony.place == "Aula Kanwil"
        assert s.fields["place"] == "Aula Kanwil"
    assert not _sig(campaign, staff[2]).is_signed
    detail = client.get(reverse("pledges:ceremony", args=[present[0].ceremony_id]))
    assert detail.status_code == 200 and present[0].verify_code in detail.content.decode()
    assert as_user(people.outsider).get(reverse("pledges:ceremony", args=[present[0].ceremony_id])).status_code == 404
    assert as_user(staff[2]).get(url).status_code == 404
    public = Client().get(reverse("verify:detail", args=[present[0].verify_code])).content.decode()
    assert "Aula Kanwil" in public


def test_lower_roles_cannot_launch_or_edit(tree, people, pact, as_user):
    employee = as_user(people.employee)
    assert employee.get(reverse("pledges:campaign_new")).status_code == 404
    assert employee.get(reverse("pledges:documents")).status_code == 404
    assert employee.get(reverse("pledges:document", args=[pact.pk])).status_code == 404
    # A leader may launch but not edit the institution's texts; an outsider's institution grant is the KPU too.
    leader = as_user(people.leader_grobogan)
    assert leader.get(reverse("pledges:document", args=[pact.pk])).status_code == 200
    assert leader.get(reverse("pledges:version_new", args=[pact.pk])).status_code == 404
    assert as_user(people.neutrality).get(reverse("pledges:document", args=[pact.pk])).status_code == 404
    # A leader cannot target a unit outside their subtree.
    response = leader.post(reverse("pledges:campaign_new"), {
        "version": pact.versions.first().pk, "unit": tree.jateng.pk, "title": "x", "place": "y",
        "deadline": (timezone.localdate() + dt.timedelta(days=3)).isoformat()})
    assert response.status_code == 400


def test_campaign_form_keeps_input_on_error(tree, people, pact, as_user):
    client = as_user(people.admin)
    response = client.post(reverse("pledges:campaign_new"), {
        "version": pact.versions.first().pk, "unit": tree.grobogan.pk, "title": "Judul saya", "place": "Purwodadi",
        "deadline": "2001-01-01"})
    assert response.status_code == 400
    assert "Judul saya" in response.content.decode()


def test_closing_a_campaign_stops_signing(tree, people, pact, launch, as_user):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    for user in (people.employee, people.outsider, people.auditor):
        assert as_user(user).post(reverse("pledges:campaign_close", args=[campaign.pk])).status_code == 404
    assert as_user(people.leader_grobogan).post(reverse("pledges:campaign_close", args=[campaign.pk])).status_code == 302
    signature = _sig(campaign, people.employee)
    response = as_user(people.employee).post(reverse("pledges:sign", args=[signature.pk]),
                                             {"agree": "on", "password": "rahasia-uji-123"})
    assert response.status_code == 400
    signature.refresh_from_db()
    assert not signature.is_signed


def test_documents_are_created_and_listed_for_the_institution_only(tree, people, kpu_docs, as_user):
    admin = as_user(people.admin)
    response = admin.post(reverse("pledges:document_new"), {
        "institution": tree.kpu.pk, "kind": "own", "title": "Pernyataan Bebas Konflik Kepentingan",
        "body": "# PERNYATAAN\n\nSaya, {name}, menyatakan bebas konflik kepentingan.\n\n{place}, {date}"})
    assert response.status_code == 302
    listing = admin.get(reverse("pledges:documents")).content.decode()
    assert "Pernyataan Bebas Konflik Kepentingan" in listing
    bad = admin.post(reverse("pledges:document_new"), {
        "institution": tree.ministry.pk, "kind": "own", "title": "x", "body": "y"})
    assert bad.status_code == 400  # not an institution the admin manages
    assert as_user(people.leader_grobogan).get(reverse("pledges:document_new")).status_code == 404
    assert "Pernyataan Bebas" not in as_user(people.neutrality).get(reverse("pledges:index")).content.decode()


def test_people_who_join_later_are_added_to_scope(tree, people, pact, launch, as_user,
                                                  django_capture_on_commit_callbacks):
    campaign = launch(actor=people.admin, unit=tree.jateng, version=pact.versions.first())
    before = campaign.in_scope
    newcomer = make_person(tree.grobogan, username="pegawai_baru")
    with django_capture_on_commit_callbacks(execute=True):
        assert as_user(people.leader_grobogan).post(reverse("pledges:campaign_sync", args=[campaign.pk])).status_code == 404
        assert as_user(people.leader_jateng).post(reverse("pledges:campaign_sync", args=[campaign.pk])).status_code == 302
    campaign.refresh_from_db()
    assert campaign.in_scope == before + 1
    assert coverage(campaign, tree.jateng)[0].in_scope == before + 1
    assert coverage(campaign, tree.grobogan)[0].in_scope == 3
    assert _sig(campaign, newcomer).status == "pending"
    assert services.sync_scope(campaign=campaign) == 0  # nothing twice


def test_code_to_download_again_after_signing(tree, people, pact, launch, as_user):
    kpps = make_person(tree.grobogan, username="kpps2", employment_type=EmploymentType.AD_HOC)
    employee = kpps.employee
    employee.user = None
    employee.save()
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first(), types=["ad_hoc"])
    signature = Signature.objects.get(campaign=campaign, employee=employee)
    services.sign(signature=signature, method="code")
    leader = as_user(people.leader_grobogan)
    page = leader.post(reverse("pledges:campaign_codes", args=[campaign.pk]), {"format": "html", "signed": "1"})
    code = re.search(r'class="issued-code">([A-Z0-9-]+)<', page.content.decode()).group(1)
    officer = Client()
    officer.post(reverse("pledges:code"), {"code": code})
    response = officer.get(reverse("pledges:pdf", args=[signature.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_campaign_form_labels_versions_and_indents_units(tree, people, pact, as_user):
    from marwah.pledges.forms import CampaignForm

    version = pact.versions.first()
    form = CampaignForm(versions=type(version).objects.filter(pk=version.pk),
                        units=type(tree.grobogan).objects.filter(pk__in=[tree.ri.pk, tree.grobogan.pk]))
    assert [label for _, label in form.fields["version"].choices] == [f"{tree.kpu.short_name} · {version}"]
    units = dict(form.fields["unit"].choices)
    assert units[tree.grobogan.pk] == "— " * tree.grobogan.depth + tree.grobogan.name
    assert units[tree.ri.pk] == "— " * tree.ri.depth + tree.ri.name
    assert as_user(people.admin).get(reverse("pledges:campaign_new")).status_code == 200


def test_reminders_are_deferred_when_the_backend_can(tree, people, pact, launch, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    from marwah.pledges import tasks

    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first(),
                      deadline=timezone.localdate() + dt.timedelta(days=10))
    deferred = []

    class Deferring:
        supports_defer = True

    class FakeTask:
        def get_backend(self):
            return Deferring()

        def using(self, *, run_after):
            return type("Bound", (), {"enqueue": staticmethod(lambda pk: deferred.append((pk, run_after)))})()

    monkeypatch.setattr(tasks, "remind_task", FakeTask())
    with django_capture_on_commit_callbacks(execute=True):
        services._schedule_reminders(campaign)
    assert [(pk, when.date(), when.hour) for pk, when in deferred] == [
        (campaign.pk, campaign.deadline - dt.timedelta(days=days), 8) for days in services.REMINDER_DAYS]


def test_the_scope_rule_in_python_is_the_querysets(tree, people, pact, launch):
    """`get_campaign_for_user` checks the scope in Python (`reaches`); `campaigns_for_user` in SQL. For every
    person, role set and campaign level they must agree, and a campaign out of scope is a 404."""
    from django.http import Http404

    from marwah.pledges.selectors import MANAGERS, READERS, campaigns_for_user, get_campaign_for_user, reaches

    version = pact.versions.first()
    campaigns = [launch(actor=people.admin, unit=unit, version=version, title=f"Pakta {unit.code}")
                 for unit in (tree.ri, tree.jateng, tree.grobogan, tree.surabaya)]
    checked = 0
    for name in ("admin", "leader_jateng", "leader_grobogan", "hr", "auditor", "neutrality", "employee", "outsider"):
        user = getattr(people, name)
        for roles in (READERS, MANAGERS):
            visible = set(campaigns_for_user(user, roles).values_list("pk", flat=True))
            for campaign in campaigns:
                assert reaches(user, campaign, roles) == (campaign.pk in visible), (name, roles, campaign.unit)
                if campaign.pk in visible:
                    assert get_campaign_for_user(user, campaign.pk, roles) == campaign
                else:
                    with pytest.raises(Http404):
                        get_campaign_for_user(user, campaign.pk, roles)
                checked += campaign.pk in visible
    assert 0 < checked < 8 * 2 * 4  # some seen, some refused
    for bad in (0, -1, 2**63, 10**30):
        with pytest.raises(Http404):
            get_campaign_for_user(people.admin, bad)


def test_ceremonies_listed_are_those_of_the_subtree(tree, people, pact, launch):
    """The coverage page lists the ceremonies held under the unit shown, not a sibling's (the prefix test
    is written as LEFT(path, LENGTH(prefix)) = prefix; a sibling's path shares all but its last segment)."""
    from marwah.pledges.models import Ceremony
    from marwah.pledges.selectors import ceremonies

    campaign = launch(actor=people.admin, unit=tree.ri, version=pact.versions.first())
    day = timezone.localdate()
    made = {unit.code: Ceremony.objects.create(campaign=campaign, unit=unit, held_on=day, place=f"Aula {unit.code}",
                                               led_by=people.admin)
            for unit in (tree.grobogan, tree.jateng, tree.surabaya)}
    assert {c.place for c in ceremonies(campaign, tree.ri)} == {c.place for c in made.values()}
    assert {c.place for c in ceremonies(campaign, tree.jateng)} == {made[tree.jateng.code].place,
                                                                      made[tree.grobogan.code].place}
    assert [c.place for c in ceremonies(campaign, tree.grobogan)] == [made[tree.grobogan.code].place]
    assert [c.place for c in ceremonies(campaign, tree.jatim)] == [made[tree.surabaya.code].place]
    assert ceremonies(campaign, tree.grobogan)[0].unit.name == tree.grobogan.name
