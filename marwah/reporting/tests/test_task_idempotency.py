"""The reporting channel's periodic tasks run twice, as a retried task would be: nothing more goes."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from marwah.reporting import drafts
from marwah.reporting.tasks import purge_expired_sessions_task, sweep_stale_drafts_task


def test_sweep_twice_removes_only_the_abandoned_files(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = drafts.staging_dir()
    old, fresh = folder / "old.bin", folder / "fresh.bin"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    past = time.time() - drafts.MAX_AGE - 60
    os.utime(old, (past, past))
    assert sweep_stale_drafts_task.call() == 1
    assert sweep_stale_drafts_task.call() == 0
    assert sorted(p.name for p in folder.iterdir()) == ["fresh.bin"]


def test_session_purge_twice_deletes_only_the_expired(db, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    stores = []
    for _n in range(3):
        store = SessionStore()
        store["x"] = 1
        store.create()
        stores.append(store.session_key)
    Session.objects.filter(session_key=stores[0]).update(expire_date=timezone.now() - timedelta(minutes=1))
    assert purge_expired_sessions_task.call() == 1
    assert purge_expired_sessions_task.call() == 0
    assert set(Session.objects.values_list("session_key", flat=True)) == set(stores[1:])
