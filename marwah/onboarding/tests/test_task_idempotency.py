"""The bulk invitation task run twice, and retried after a worker died part-way: nobody is invited,
emailed or given a code twice, and the counters and the codes file stay right."""

from __future__ import annotations

import csv

import pytest
from django.core import mail

from marwah.onboarding import services, tasks
from marwah.onboarding.models import Invitation, InvitationBatch
from marwah.people.models import Employee, EmploymentType


def _person(unit, name, *, email="", number=None, etype=EmploymentType.AD_HOC) -> Employee:
    return Employee.objects.create(institution=unit.institution, unit=unit, unit_path=unit.path, name=name,
                                   employee_number=number, email=email, employment_type=etype)


@pytest.fixture
def newcomers(tree):
    return [_person(tree.grobogan, "Sari Wulandari", email="sari@example.org", number="AH-0001"),
            _person(tree.grobogan, "Budi Santoso", number="AH-0002"),
            _person(tree.grobogan, "Tono Prasetyo", number="AH-0003")]


def _batch(people, tree, capture) -> InvitationBatch:
    with capture(execute=False):
        return services.start_batch(actor=people.hr, unit=tree.jateng, employment_types=[])


def _codes(batch: InvitationBatch) -> list[list[str]]:
    with services.codes_path(batch).open(newline="") as handle:
        return list(csv.reader(handle))


def test_batch_twice_invites_once(people, tree, newcomers, django_capture_on_commit_callbacks):
    batch = _batch(people, tree, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    assert tasks.run_batch_task.call(batch.pk) == 3
    codes = _codes(batch)
    assert tasks.run_batch_task.call(batch.pk) == 0  # finished: nothing to do
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.emailed, batch.coded) == ("done", 3, 3, 1, 2)
    assert Invitation.objects.count() == 3 and [m.to for m in mail.outbox] == [["sari@example.org"]]
    assert _codes(batch) == codes and [row[0] for row in codes[1:]] == ["Budi Santoso", "Tono Prasetyo"]


def test_batch_retried_after_its_worker_died_goes_on(people, tree, newcomers, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    batch = _batch(people, tree, django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "CHUNK", 1)
    real = services._new_invitation
    made = []

    def dies_on_the_third(**kwargs):
        if len(made) == 2:
            raise SystemExit("worker killed")  # not an Exception: the task's handler does not see it
        made.append(kwargs["employee"].pk)
        return real(**kwargs)

    monkeypatch.setattr(services, "_new_invitation", dies_on_the_third)
    mail.outbox.clear()
    with pytest.raises(SystemExit):
        tasks.run_batch_task.call(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.emailed, batch.coded) == ("running", 2, 1, 1)
    monkeypatch.setattr(services, "_new_invitation", real)
    assert tasks.run_batch_task.call(batch.pk) == 3
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.emailed, batch.coded) == ("done", 3, 3, 1, 2)
    assert Invitation.objects.count() == 3 and [m.to for m in mail.outbox] == [["sari@example.org"]]
    codes = _codes(batch)
    assert codes[0][0] != "Budi Santoso"  # one header
    assert sorted(row[0] for row in codes[1:]) == ["Budi Santoso", "Tono Prasetyo"]
