from django.core.cache import cache

from marwah.core import schedule


def test_each_job_is_enqueued_once_per_interval(db, monkeypatch):
    cache.clear()
    enqueued = []

    class FakeTask:
        def __init__(self, name):
            self.name = name

        def enqueue(self):
            enqueued.append(self.name)

    monkeypatch.setattr(schedule, "import_string", lambda path: FakeTask(path))
    jobs = [schedule.Job("a.task", 3600), schedule.Job("b.task", 60)]
    assert schedule.enqueue_due(jobs) == ["a.task", "b.task"]
    assert schedule.enqueue_due(jobs) == []  # a second worker in the same interval enqueues nothing
    cache.delete("marwah:periodic:b.task")  # b's interval is over
    assert schedule.enqueue_due(jobs) == ["b.task"]
    assert enqueued == ["a.task", "b.task", "b.task"]


def test_configured_jobs_exist():
    from django.utils.module_loading import import_string

    for job in schedule.JOBS:
        assert hasattr(import_string(job.task), "enqueue")
