"""The import tasks run twice, and the apply retried after a worker died part-way: no second
check, no duplicate person."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marwah.audit.models import AuditEntry
from marwah.people import services, tasks
from marwah.people.models import Employee, ImportJob
from marwah.people.tests.test_views import GOOD, HEADER


def _checked(people, tree, capture) -> ImportJob:
    with capture(execute=False):
        job = services.start_import(actor=people.hr, root=tree.ri,
                                    upload=SimpleUploadedFile("pegawai.csv", (HEADER + GOOD).encode()))
    assert tasks.check_import_task.call(job.pk) == "checked"
    return ImportJob.objects.get(pk=job.pk)


def test_check_twice_checks_once(people, tree, django_capture_on_commit_callbacks):
    job = _checked(people, tree, django_capture_on_commit_callbacks)
    assert tasks.check_import_task.call(job.pk) == "gone"
    again = ImportJob.objects.get(pk=job.pk)
    assert (again.status, again.pending_token, again.row_count) == ("checked", job.pending_token, 3)
    assert not Employee.objects.filter(name="Heru Santoso").exists()  # checking writes nothing


def test_apply_twice_imports_once(people, tree, django_capture_on_commit_callbacks):
    job = _checked(people, tree, django_capture_on_commit_callbacks)
    before = Employee.objects.count()
    with django_capture_on_commit_callbacks(execute=False):
        assert services.request_apply(actor=people.hr, job=job)
    assert tasks.apply_import_task.call(job.pk) == "done"
    assert tasks.apply_import_task.call(job.pk) == "gone"
    assert Employee.objects.count() == before + 3
    assert AuditEntry.objects.filter(action="people.import").count() == 1


def test_apply_retried_after_its_worker_died_creates_nobody_twice(people, tree, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    job = _checked(people, tree, django_capture_on_commit_callbacks)
    before = Employee.objects.count()
    with django_capture_on_commit_callbacks(execute=False):
        assert services.request_apply(actor=people.hr, job=job)
    real = services.drop_pending

    def killed(token):  # the rows are committed; the job is not yet marked done
        raise SystemExit("worker killed")

    monkeypatch.setattr(services, "drop_pending", killed)
    with pytest.raises(SystemExit):
        tasks.apply_import_task.call(job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == "applying"
    monkeypatch.setattr(services, "drop_pending", real)
    assert tasks.apply_import_task.call(job.pk) == "done"
    assert Employee.objects.count() == before + 3  # keyed by NIP / employee number: updated, not added
    assert ImportJob.objects.get(pk=job.pk).summary == {"created": 0, "updated": 0, "unchanged": 3}
