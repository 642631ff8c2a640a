import os
import time

from marwah.reporting import drafts
from marwah.reporting.tasks import sweep_stale_drafts_task


def test_abandoned_staged_files_are_swept(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = drafts.staging_dir()
    old, fresh = folder / "old.bin", folder / "fresh.bin"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    past = time.time() - drafts.MAX_AGE - 60
    os.utime(old, (past, past))
    result = sweep_stale_drafts_task.enqueue()
    assert result.return_value == 1
    assert not old.exists() and fresh.exists()
