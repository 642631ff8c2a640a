"""Backup and restore round trip: after restoring into an empty installation, every report opens
with its receipt and every signed pledge PDF verifies. The keys travel in their own file."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import make_person
from marwah.accounts.models import Role
from marwah.core.backup import make_backup
from marwah.pledges import services as pledges
from marwah.pledges.models import Signature
from marwah.reporting.tests.conftest import submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
MARWAH = str(Path(sys.executable).with_name("marwah"))

CHECK = """
import json, os
from marwah.reporting import selectors
from marwah.pledges import services
from marwah.pledges.models import Signature
spec = json.loads(os.environ["RESTORE_SPEC"])
out = {"reports": [], "pdfs": []}
for receipt, marker in spec["reports"]:
    found = selectors.find_by_receipt(receipt)
    out["reports"].append(found is not None and marker in str(selectors.decrypt_content(*found)))
for pk in spec["signatures"]:
    signature = Signature.objects.get(pk=pk)
    out["pdfs"].append(services.check_upload(services.pdf_path(signature).read_bytes()).ok)
print(json.dumps(out))
"""


@contextlib.contextmanager
def _empty_database(tmp_path: Path):
    db = settings.DATABASES["default"]
    if db["ENGINE"] not in settings.POSTGRES_ENGINES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"marwah_restore_{os.getpid()}"
    admin = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER'] or 'postgres'} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _settings_module(tmp_path: Path) -> None:
    """The restored installation uses the same (test-cheap) key derivation as the one backed up."""
    (tmp_path / "restore_settings.py").write_text(
        "from marwah.settings import *  # noqa\n"
        f"MARWAH_KEY_KDF = {tuple(settings.MARWAH_KEY_KDF)!r}\n"
        f"MARWAH_RECEIPT_KDF = {dict(settings.MARWAH_RECEIPT_KDF)!r}\n")


def test_backup_restores_into_an_empty_installation(tree, people, handlers, tmp_path):
    reports = []
    for n in range(2):
        marker = f"PENANDA-CADANGAN-{n}"
        receipt = submit(Client(), tree, narrative=f"{marker}: pesan bernada seksual dari atasan.")
        reports.append((receipt, marker))
    signer = make_person(tree.grobogan, username="petugas", role=None)
    leader = make_person(tree.grobogan, username="ketua_grobogan", role=Role.UNIT_LEADER)
    doc = pledges.ensure_default_documents(institution=tree.kpu)[0]
    campaign = pledges.create_campaign(actor=leader, version=doc.versions.order_by("-number").first(),
                                       unit=tree.grobogan, employment_types=[], title="Pakta 2026", place="Purwodadi",
                                       deadline=timezone.localdate() + timedelta(days=5))
    signature = Signature.objects.get(campaign=campaign, employee__user=signer)
    pledges.sign(signature=signature, method="password", actor=signer)
    signature.refresh_from_db()
    pledges.ensure_pdf(signature=signature)

    files = make_backup(directory=tmp_path / "backup")
    with tarfile.open(files.data) as tar:
        names = tar.getnames()
    assert "database" in names and not any(n.startswith("keys") or n == "secrets.json" for n in names)
    assert oct(files.keys.stat().st_mode & 0o777) == "0o600"

    target = tmp_path / "restored"
    _settings_module(tmp_path)
    with _empty_database(tmp_path) as url:
        env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "MARWAH_MATCH_SECRET", "MARWAH_FILE_KEY")}
        env.update(DATABASE_URL=url, MARWAH_DATA_DIR=str(target), DJANGO_SETTINGS_MODULE="restore_settings",
                   PYTHONPATH=f"{tmp_path}{os.pathsep}{env.get('PYTHONPATH', '')}")

        def marwah(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([MARWAH, *args], env=env, capture_output=True, text=True, timeout=300, check=False)

        done = marwah("restore", str(files.data), "--keys", str(files.keys))
        assert done.returncode == 0, done.stderr[-3000:]
        again = marwah("restore", str(files.data), "--keys", str(files.keys))
        assert again.returncode != 0 and "not empty" in again.stderr
        env["RESTORE_SPEC"] = json.dumps({"reports": reports, "signatures": [signature.pk]})
        done = marwah("shell", "--no-imports", "-c", CHECK)
        assert done.returncode == 0, done.stderr[-3000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"reports": [True, True], "pdfs": [True]}
