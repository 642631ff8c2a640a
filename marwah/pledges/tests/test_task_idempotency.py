"""Each pledge task run twice, as a retried task would be: no second effect (issue 15, item 2)."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.db.models import Sum
from django.utils import timezone

from conftest import make_person
from marwah.audit.models import AuditEntry
from marwah.pledges import services, tasks
from marwah.pledges.models import Campaign, Signature, Tally


def _tallies(campaign: Campaign) -> dict[int, tuple[int, int]]:
    return {t.unit_id: (t.in_scope, t.signed) for t in Tally.objects.filter(campaign=campaign)}


def _queued_campaign(people, tree, pact, capture) -> Campaign:
    with capture(execute=False):  # the launch task is left queued
        campaign = services.create_campaign(
            actor=people.admin, version=pact.versions.first(), unit=tree.jateng, employment_types=[],
            title="Pakta Integritas", place="Semarang", deadline=timezone.localdate() + dt.timedelta(days=7))
    assert campaign.status == Campaign.Status.PREPARING
    return campaign


def test_launch_twice_counts_the_scope_once(tree, people, pact, django_capture_on_commit_callbacks):
    campaign = _queued_campaign(people, tree, pact, django_capture_on_commit_callbacks)
    stale = Campaign.objects.get(pk=campaign.pk)  # read before the first run, as a second worker would
    first = tasks.launch_campaign_task.call(campaign.pk)
    counts, rows = _tallies(campaign), Signature.objects.filter(campaign=campaign).count()
    # leader_jateng, mey (Jawa Tengah), leader_grobogan and rina (Grobogan)
    assert first == rows == 4 and counts[tree.jateng.pk] == (4, 0) and counts[tree.grobogan.pk] == (2, 0)
    assert tasks.launch_campaign_task.call(campaign.pk) == 4
    assert services.launch_campaign(campaign=stale) == 4  # its in-memory status still says "preparing"
    assert _tallies(campaign) == counts and Signature.objects.filter(campaign=campaign).count() == rows
    campaign.refresh_from_db()
    assert campaign.in_scope == 4
    assert AuditEntry.objects.filter(action="pledge.campaign_launched").count() == 1


def test_remind_twice_emails_once(tree, people, pact, launch, django_capture_on_commit_callbacks):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    mail.outbox.clear()
    assert tasks.remind_task.call(campaign.pk, tree.grobogan.pk) == 2
    assert tasks.remind_task.call(campaign.pk, tree.grobogan.pk) == 0
    assert sorted(a for m in mail.outbox for a in m.to) == ["leader_grobogan@example.org", "rina@example.org"]


def test_render_pdf_twice_keeps_one_file(tree, people, pact, launch, django_capture_on_commit_callbacks):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    signature = Signature.objects.get(campaign=campaign, employee__user=people.employee)
    with django_capture_on_commit_callbacks(execute=False):  # signing queues the render; run it by hand
        services.sign(signature=signature, method="password", actor=people.employee)
    tasks.render_pdf_task.call(signature.pk)
    signature.refresh_from_db()
    path = services.pdf_path(signature)
    digest, data, written = signature.pdf_sha256, path.read_bytes(), path.stat().st_mtime_ns
    files = sorted(p.name for p in path.parent.iterdir())  # the media folder is shared between tests
    assert digest and data.startswith(b"%PDF")
    tasks.render_pdf_task.call(signature.pk)
    signature.refresh_from_db()
    assert signature.pdf_sha256 == digest and path.read_bytes() == data
    assert path.stat().st_mtime_ns == written  # not rendered again
    assert sorted(p.name for p in path.parent.iterdir()) == files  # no second version, no temp file


def test_sync_scope_twice_adds_a_newcomer_once(tree, people, pact, launch):
    campaign = launch(actor=people.admin, unit=tree.jateng, version=pact.versions.first())
    make_person(tree.grobogan, username="pegawai_baru")
    assert tasks.sync_scope_task.call(campaign.pk) == 1
    counts = _tallies(campaign)
    assert counts[tree.grobogan.pk] == (3, 0) and counts[tree.jateng.pk] == (5, 0)
    assert tasks.sync_scope_task.call(campaign.pk) == 0
    assert _tallies(campaign) == counts
    assert Campaign.objects.get(pk=campaign.pk).in_scope == 5
    assert Tally.objects.filter(campaign=campaign).aggregate(n=Sum("in_scope"))["n"] == sum(
        n for n, _s in counts.values())
