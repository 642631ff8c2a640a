"""THE DUMP TEST: the database, every file of the data folder and every server secret together
reveal nothing a reporter wrote, after handlers logged in (password and second factor) and
reporters used their receipts. What the server keeps of key material in sessions is wrapped with
the browser key, which only the browser's cookie holds; the test tries every unwrapping path the
code has with what the server holds, and then shows the same path works WITH the cookie (so the
harness would notice a regression)."""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_person, totp_code
from marwah.accounts.models import Role
from marwah.cases.models import Case
from marwah.reporting import browserkey, crypto, vault
from marwah.reporting.models import CustodianShare, IdentityRequest, Report, ReportAccess, UserKey
from marwah.reporting.selectors import content_aad
from marwah.reporting.tests.conftest import PASSWORD, report_data

MARKER = "ZQXMARKER7731unik"


def variants(marker: str) -> list[bytes]:
    raw = marker.encode()
    out = [raw, raw.lower(), raw.upper(), raw.hex().encode(), raw.hex().upper().encode(),
           marker.encode("utf-16-le")]
    for shift in range(3):  # base64 of the marker at each alignment, minus the unstable edges
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            chunk = enc(b"\x00" * shift + raw)[4:-4]
            out.append(chunk)
    return out


def dump_database(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        target = tmp_path / "dump.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes()
    name = connection.settings_dict["NAME"]
    pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [pg_dump, "-h", connection.settings_dict.get("HOST") or "127.0.0.1", "-U",
         connection.settings_dict.get("USER") or "postgres", "-p", str(connection.settings_dict.get("PORT") or 5432),
         "--data-only", name], capture_output=True, check=True)
    return result.stdout


def login_with_second_factor(user) -> Client:
    """The real login: password form (the key is opened but kept waiting), then the TOTP step."""
    TOTPDevice.objects.get_or_create(user=user, name="dump", defaults={"confirmed": True})
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    assert vault.SESSION_USER_KEY not in client.session  # nothing usable before the second factor
    response = client.post(reverse("accounts:two_factor"), {"token": totp_code(user), "next": "/"})
    assert response.status_code == 302 and vault.SESSION_USER_KEY in client.session
    return client


def _receipt_of(page: str) -> str:
    return re.search(r'class="rp-receipt"[^>]*>([\d ]+)<', page).group(1).replace(" ", "")


def _strings(value) -> list[str]:  # type: ignore[no-untyped-def]
    """Every string inside a session value (lists, dicts)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


AADS_TEMPLATES = ["session-user-key:ready:{u}", "session-user-key:waiting:{u}", "session-user-key:{u}",
                  "reporter:{r}", "draft", "receipt-once"]


def _aads(user_ids, report_ids) -> set[str]:  # type: ignore[no-untyped-def]
    out = set()
    for template in AADS_TEMPLATES:
        for u, r in itertools.product(user_ids or [0], report_ids or [0]):
            out.add(template.format(u=u, r=r))
    return out


def _try_sessions(blobs: list[str], aads: set[str], browser_keys: list[bytes | None]) -> list[bytes]:
    """Every wrapped value of every session, with every key unwrapping path the code has."""
    opened = []
    for blob, aad in itertools.product(blobs, aads):
        try:  # the old path: the server secret alone
            opened.append(crypto.server_unwrap(blob, aad=aad))
        except (crypto.DecryptionError, ValueError):
            pass
        for bk in browser_keys:
            try:
                opened.append(crypto.session_unwrap(bk, blob, aad=aad))
            except (crypto.DecryptionError, ValueError):
                pass
    return opened


def _report_keys_from(material: list[bytes], candidates: list[bytes]) -> set[bytes]:
    """Report keys that follow from opened material: private keys unseal ReportAccess copies,
    receipts open the reporter's sealed key, raw 32-byte values are tried as report keys."""
    keys: set[bytes] = set()
    for item in material:
        candidates.append(item)
        if item.isdigit() and len(item) == 16:  # a receipt shown once
            derived = crypto.receipt_secrets(item.decode())
            for sealed in Report.objects.exclude(reporter_sealed_key=None).values_list("reporter_sealed_key",
                                                                                      flat=True):
                try:
                    keys.add(crypto.unseal(derived.keypair.private, bytes(sealed)))
                except crypto.DecryptionError:
                    pass
    for private in [c for c in candidates if len(c) == 32]:
        for sealed in itertools.chain(ReportAccess.objects.values_list("sealed_key", flat=True),
                                      Report.objects.exclude(reporter_sealed_key=None)
                                      .values_list("reporter_sealed_key", flat=True)):
            try:
                keys.add(crypto.unseal(private, bytes(sealed)))
            except (crypto.DecryptionError, ValueError, TypeError):
                pass
        keys.add(private)
    return keys


def _opens_any_report(keys: set[bytes]) -> bool:
    for report in Report.objects.exclude(content=""):
        for key in keys:
            try:
                crypto.decrypt_text(key, report.content, aad=content_aad(report, "content"))
                return True
            except crypto.DecryptionError:
                continue
    return False


@pytest.mark.django_db(transaction=True)
def test_database_data_folder_and_secrets_together_open_no_report(tree, people, handlers, bambang, settings,
                                                                  tmp_path):
    custodian = make_person(tree.ri, username="kustodian", role=Role.IDENTITY_CUSTODIAN)
    vault.unlock_user_key(user=custodian, password=PASSWORD)
    reporter = Client()
    data = report_data(tree, narrative=f"Narasi rahasia {MARKER} di ruang rapat.", accused=[str(bambang.pk)],
                       accused_text=f"Pelaku {MARKER}", witnesses_text=f"Saksi {MARKER}",
                       where_text=f"Lantai {MARKER}", when_text=f"Tanggal {MARKER}",
                       identity_mode="named", reporter_name=f"Pelapor {MARKER}", reporter_contact=f"{MARKER}@x.id")
    # First a form error with a file: the file is staged as a draft (its key in the session).
    bad = dict(data, narrative="")
    bad["files"] = [SimpleUploadedFile(f"{MARKER}.txt", f"isi berkas {MARKER}\n".encode(), "text/plain")]
    assert reporter.post(reverse("reporting:form", args=["sexual_violence"]), bad).status_code == 400
    drafter = Client()  # a second reporter who leaves a draft behind
    bad["files"] = [SimpleUploadedFile(f"draf-{MARKER}.txt", f"draf {MARKER}\n".encode(), "text/plain")]
    assert drafter.post(reverse("reporting:form", args=["sexual_violence"]), bad).status_code == 400
    assert reporter.post(reverse("reporting:form", args=["sexual_violence"]), data).status_code == 302
    report = Report.objects.get()
    assert CustodianShare.objects.filter(report=report, custodian=custodian).exists()

    mey = login_with_second_factor(handlers.mey)
    kiki = login_with_second_factor(handlers.kiki)
    keeper = login_with_second_factor(custodian)
    mey.post(reverse("reporting_staff:conversation", args=[report.public_id]), {"text": f"Pertanyaan {MARKER}"})
    mey.post(reverse("identity:request", args=[report.public_id]),
             {"reason": f"Alasan tertulis {MARKER} yang cukup panjang"})
    keeper.post(reverse("identity:decide", args=[IdentityRequest.objects.get().pk]), {"decision": "approve"})
    digits = _receipt_of(reporter.get(reverse("reporting:receipt")).content.decode())
    assert reporter.post(reverse("reporting:return"), {"receipt": digits}).status_code == 302
    response = reporter.post(reverse("reporting:my_report"), {
        "text": f"Jawaban {MARKER}",
        "files": [SimpleUploadedFile(f"lagi-{MARKER}.txt", f"lagi {MARKER}".encode(), "text/plain")]})
    assert response.status_code == 302
    # A second reporter has just submitted and not yet seen the receipt page (receipt in the session).
    late = Client()
    assert late.post(reverse("reporting:form", args=["sexual_violence"]),
                     report_data(tree, narrative=f"Kedua {MARKER}")).status_code == 302
    # The content really is there, for those with keys.
    assert MARKER in mey.get(reverse("reporting_staff:content", args=[report.public_id])).content.decode()
    assert f"Jawaban {MARKER}" in kiki.get(reverse("reporting_staff:conversation",
                                                   args=[report.public_id])).content.decode()
    assert f"Pelapor {MARKER}" in mey.get(reverse("identity:request", args=[report.public_id])).content.decode()

    # --- What the attacker takes: database, every file of the data folder and media, every secret.
    blobs = {"database": dump_database(tmp_path)}
    roots = [Path(settings.MEDIA_ROOT), Path(django_settings.DATA_DIR)]
    files = [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]
    assert any("staging" in str(p) for p in files) and any("evidence" in str(p) for p in files)
    for path in files:
        blobs[str(path)] = path.read_bytes() + str(path).encode()
    secrets = [settings.SECRET_KEY, settings.MARWAH_FILE_KEY, settings.MARWAH_MATCH_SECRET]
    secrets += [p.read_text().strip() for p in (Path(django_settings.DATA_DIR) / "keys").glob("*")]
    assert len(blobs["database"]) > 10_000 and report.public_id.encode() in blobs["database"]  # the dump is real
    for where, blob in blobs.items():
        for needle in variants(MARKER):
            assert needle not in blob, f"marker found in {where} as {needle!r}"
    assert digits.encode() not in blobs["database"]

    # --- Every unwrapping path, with what the server holds.
    stored = [SessionStore().decode(row.session_data) for row in Session.objects.all()]
    assert len(stored) >= 5 and any(vault.SESSION_USER_KEY in s for s in stored)
    wrapped = [s for data in stored for s in _strings(data) if s.startswith("v1:")]
    assert len(wrapped) >= 5  # handler keys, the reporter's key, the receipt shown once, drafts
    user_ids = list(UserKey.objects.values_list("user_id", flat=True))
    report_ids = list(Report.objects.values_list("pk", flat=True))
    secret_bytes = [x.encode() for x in secrets] + [hashlib_digest(x) for x in secrets]
    server_side_keys: list[bytes | None] = [None, *[b for b in secret_bytes if len(b) == 32]]
    opened = _try_sessions(wrapped, _aads(user_ids, report_ids), server_side_keys)
    assert opened == []
    # Private keys at rest: wrapped under passwords (argon2id) and recovery keys; try the secrets.
    for uk in UserKey.objects.all():
        for guess in secrets:
            with pytest.raises(crypto.DecryptionError):
                crypto.unwrap_with_password(vault._wrapped(uk), guess)
    recovery_guesses = [base64.b32encode(b[:20]).decode() for b in secret_bytes if len(b) >= 20]
    for box in UserKey.objects.exclude(recovery_box=None).values_list("recovery_box", flat=True):
        for guess in recovery_guesses:
            with pytest.raises(crypto.DecryptionError):
                crypto.unwrap_with_recovery_key(bytes(box), guess)
    # Custodian shares and approved shares are sealed boxes too: nothing available opens them.
    sealed_shares = [bytes(x) for x in CustodianShare.objects.values_list("sealed_share", flat=True)]
    sealed_shares += [bytes(x) for x in IdentityRequest.objects.exclude(sealed_share=None)
                      .values_list("sealed_share", flat=True)]
    assert len(sealed_shares) == 3  # two reports, one approved request
    for sealed in sealed_shares:
        for candidate in [b for b in secret_bytes if len(b) == 32]:
            with pytest.raises(crypto.DecryptionError):
                crypto.unseal(candidate, sealed)
    keys = _report_keys_from(opened, list(secret_bytes))
    assert not _opens_any_report(keys)
    # The identity: the team share needs the report key, the custodian share a custodian's private key.
    for key in keys:
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_text(key, report.identity_key, aad=content_aad(report, "identity-team-share"))

    # --- Control: the same paths WITH a browser's cookie open the report, so the harness is sound.
    cookie = browserkey._decode(mey.cookies[browserkey.COOKIE].value)
    with_cookie = _try_sessions(wrapped, _aads(user_ids, report_ids), [cookie])
    assert len(with_cookie) == 1  # Mey's private key, in her session only
    assert _opens_any_report(_report_keys_from(with_cookie, []))
    reporter_cookie = browserkey._decode(reporter.cookies[browserkey.COOKIE].value)
    assert _opens_any_report(_report_keys_from(_try_sessions(wrapped, _aads(user_ids, report_ids),
                                                             [reporter_cookie]), []))
    late_cookie = browserkey._decode(late.cookies[browserkey.COOKIE].value)
    assert _opens_any_report(_report_keys_from(_try_sessions(wrapped, {"receipt-once"}, [late_cookie]), []))
    assert Case.objects.count() == 2
    assert json.dumps([str(x) for x in keys])  # nothing above leaked an exception silently


def hashlib_digest(value: str) -> bytes:
    import hashlib

    return hashlib.sha256(value.encode()).digest()
