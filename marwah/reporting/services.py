"""Writes for the reporting channel: submission, conversation, identity gate, matching, purge.

Every function runs in one transaction and writes its audit row inside it. Audit
details hold only codes and counts, never what anyone wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from marwah.audit.services import batched as audit_batched
from marwah.audit.services import record
from marwah.core import rows
from marwah.orgs.models import Institution, Unit
from marwah.people.models import Employee
from marwah.reporting import crypto, vault
from marwah.reporting import identity as identity_gate
from marwah.reporting.evidence import CleanFile, evidence_dir, random_name, write_private
from marwah.reporting.models import CustodianShare, Evidence, IdentityRequest, MatchToken, Message, Report
from marwah.reporting.selectors import content_aad
from marwah.reporting.signals import repeat_match, report_submitted
from marwah.rules import violations


@dataclass
class Submission:
    category: str
    kind: str
    institution: Institution
    unit: Unit | None
    narrative: str
    when_text: str = ""
    where_text: str = ""
    accused: list[Employee] = field(default_factory=list)
    accused_text: str = ""
    involved: list[Employee] = field(default_factory=list)
    witnesses_text: str = ""
    files: list[CleanFile] = field(default_factory=list)
    is_anonymous: bool = True
    reporter_name: str = ""
    reporter_contact: str = ""
    reporter_user: object | None = None  # a logged-in employee reporting under their own identity
    # Who is reporting, for telling independent reporters apart (user id, contact, or a random
    # per-session value for anonymous reporters). Only its keyed HMAC is stored.
    reporter_source: str = ""


def _person(e: Employee) -> dict:
    return {"id": e.pk, "name": e.name, "position": e.position, "unit": e.unit.name if e.unit_id else ""}


def _store_evidence(*, report: Report, key: bytes, clean: CleanFile, message: Message | None,
                    from_reporter: bool) -> Evidence:
    stored = random_name()
    write_private(evidence_dir() / stored, crypto.encrypt_blob(key, clean.data, aad=content_aad(report, f"file:{stored}")))
    return Evidence.objects.create(
        report=report, message=message, stored_name=stored, content_type=clean.content_type, size=clean.size,
        name=crypto.encrypt_text(key, clean.name, aad=content_aad(report, f"evidence-name:{stored}")),
        from_reporter=from_reporter,
    )


def read_evidence(*, report: Report, key: bytes, evidence: Evidence) -> bytes:
    blob = (evidence_dir() / evidence.stored_name).read_bytes()
    return crypto.decrypt_blob(key, blob, aad=content_aad(report, f"file:{evidence.stored_name}"))


# --- Repeat-perpetrator matching ----------------------------------------------------------------------

_TITLES = re.compile(
    r"\b(dr|drs|dra|ir|h|hj|prof|s|m|st|se|sh|sp|spd|sip|skom|sos|ssos|ak|mm|mh|msi|mpd|mt|amd|bapak|pak|ibu|bu|"
    r"sdr|sdri|saudara|saudari)\b")


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z ]+", " ", text.replace(".", " "))
    text = _TITLES.sub(" ", text)
    return " ".join(text.split())


def match_identifiers(sub: Submission) -> set[str]:
    ids: set[str] = set()
    for emp in sub.accused:
        ids.add(f"emp:{emp.pk}")
        if emp.nip:
            ids.add(f"nip:{emp.nip}")
        if normalise_name(emp.name):
            ids.add(f"name:{emp.unit_id}:{normalise_name(emp.name)}")
    for nip in re.findall(r"(?<!\d)\d{18}(?!\d)", sub.accused_text):
        ids.add(f"nip:{nip}")
    for line in re.split(r"[\n,;]+", sub.accused_text):
        name = normalise_name(re.sub(r"\d+", " ", line.split("(")[0]))
        if name and sub.unit is not None and len(name) >= 3:
            ids.add(f"name:{sub.unit.pk}:{name}")
    return ids


def reporter_fingerprint(source: str) -> str:
    key = hashlib.sha256(b"marwah-reporter-v1" + settings.MARWAH_MATCH_SECRET.encode()).digest()
    return hmac.new(key, source.encode(), hashlib.sha256).hexdigest()


def _store_and_match(match_rows: list[MatchToken], fp: str) -> set[str]:
    """PostgreSQL: store the report's tokens and find other reporters' reports naming the same
    people, in one statement (the main query does not see the rows its own CTE inserts, and
    would leave them out anyway: they carry this reporter's fingerprint)."""
    columns = ["report_id", "token", "reporter_fp", "created_at"]
    fields = {f.attname: f for f in MatchToken._meta.concrete_fields}
    for row in match_rows:
        row.created_at = timezone.now()
    values = [fields[c].get_db_prep_save(getattr(row, c), connection) for row in match_rows for c in columns]
    table, reports = MatchToken._meta.db_table, Report._meta.db_table
    one = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH ins AS (INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(match_rows))}) "  # noqa: S608
            f"SELECT DISTINCT m.token FROM {table} m JOIN {reports} r ON r.id = m.report_id "
            f"WHERE r.purged_at IS NULL AND m.token IN ({', '.join(['%s'] * len(match_rows))}) AND m.reporter_fp <> %s",
            [*values, *(row.token for row in match_rows), fp])
        return {token for (token,) in cursor.fetchall()}


def _escrow_and_match(*, report: Report, sub: Submission) -> list[Report]:
    if report.category != violations.SEXUAL_VIOLENCE:
        return []
    tokens = {crypto.match_token(i) for i in match_identifiers(sub)}
    if not tokens:
        return []
    fp = reporter_fingerprint(sub.reporter_source or f"report:{report.public_id}")
    match_rows = [MatchToken(report=report, token=t, reporter_fp=fp) for t in sorted(tokens)]
    if connection.vendor == "postgresql":
        matched = _store_and_match(match_rows, fp)
    else:
        MatchToken.objects.bulk_create(match_rows)
        matched = set(MatchToken.objects.filter(token__in=tokens, report__purged_at__isnull=True)
                      .exclude(reporter_fp=fp).values_list("token", flat=True))
    if not matched:
        return []
    report_ids = set(MatchToken.objects.filter(token__in=matched, report__purged_at__isnull=True)
                     .values_list("report_id", flat=True))
    return list(Report.objects.filter(pk__in=report_ids).order_by("submitted_at"))


# --- Submission -------------------------------------------------------------------------------------------

def _new_receipt() -> tuple[str, crypto.ReceiptSecrets]:
    # No look-up for a collision first: `receipt_lookup` is unique, so the one-in-10^16 repeat
    # fails the insert and `submit_report` draws another receipt.
    receipt = crypto.new_receipt()
    return receipt, crypto.receipt_secrets(receipt)


def _store_report(*, sub: Submission, derived: crypto.ReceiptSecrets, key: bytes,
                  shares: tuple[bytes, bytes]) -> Report:
    # One audit append for the report, its case and its sealed keys (audit.batched).
    with transaction.atomic(), audit_batched():
        report = Report(
            category=sub.category, kind=sub.kind, institution=sub.institution, unit=sub.unit,
            unit_path=sub.unit.path if sub.unit else "", is_anonymous=sub.is_anonymous,
            evidence_count=len(sub.files), receipt_lookup=derived.lookup,
            reporter_sealed_key=crypto.seal(derived.keypair.public, key),
        )
        content = {
            "narrative": sub.narrative, "when": sub.when_text, "where": sub.where_text,
            "accused_text": sub.accused_text, "witnesses": sub.witnesses_text,
            "accused": [_person(e) for e in sub.accused], "involved": [_person(e) for e in sub.involved],
        }
        report.content = crypto.encrypt_text(key, json.dumps(content), aad=content_aad(report, "content"))
        user = sub.reporter_user if not sub.is_anonymous else None
        employee = getattr(user, "employee", None) if user is not None else None
        identity: dict[str, Any] = {"anonymous": sub.is_anonymous}
        if not sub.is_anonymous:
            identity.update({
                "name": sub.reporter_name or (employee.name if employee else getattr(user, "display_name", "")),
                "contact": sub.reporter_contact or (getattr(user, "email", "") or ""),
                "user_id": getattr(user, "pk", None), "employee_id": getattr(employee, "pk", None),
                "position": employee.position if employee else "",
                "unit": employee.unit.name if employee else "",
            })
        # Two people: the identity key is derived from the team's share (under the report key)
        # and the custodians' share (sealed to them below); see identity.py.
        team_share, custodian_share = shares
        report.identity = identity_gate.encrypt_identity(report, identity, team_share, custodian_share)
        report.identity_key = identity_gate.team_share_token(report, key, team_share)
        rows.insert([report], signals=True)
        for clean in sub.files:
            _store_evidence(report=report, key=key, clean=clean, message=None, from_reporter=True)
        record(actor=user, action="reporting.report_submitted", target=report, unit=report.unit_id,
               detail={"category": report.category, "kind": report.kind, "anonymous": report.is_anonymous,
                       "evidence": len(sub.files)})
        accused_ids, involved_ids = [e.pk for e in sub.accused], [e.pk for e in sub.involved]
        sealed_share: list[bool] = []

        def seal_identity_share(key_holders: set[int] | None) -> None:
            # After the report key: a custodian who also holds the report key (on the team, or
            # a holder above it) gets no custodian share, so nobody can open the identity alone.
            sealed_share.append(True)
            identity_gate.seal_custodian_shares(report=report, custodian_share=custodian_share,
                                                accused_ids=accused_ids, involved_ids=involved_ids,
                                                key_holders=key_holders)

        matched = _escrow_and_match(report=report, sub=sub)
        # The case is opened last: it locks rows every submission shares (case number, counters)
        # until commit, so nothing slow may follow it. Its receiver seals the report key, then
        # calls `seal_identity_share` with the holders before it takes those rows.
        report_submitted.send(
            sender=Report, report=report, report_key=key, accused_employee_ids=accused_ids,
            involved_employee_ids=[i for i in involved_ids if i not in set(accused_ids)],
            seal_identity_share=seal_identity_share,
        )
        if not sealed_share:  # no receiver sealed the report key: the holders are read back
            seal_identity_share(None)
        if len(matched) >= 2:
            record(actor=None, action="reporting.repeat_match", target=report, unit=report.unit_id,
                   detail={"reports": len(matched)})
            repeat_match.send(sender=Report, reports=matched)
    return report


def submit_report(*, submission: Submission) -> tuple[Report, str]:
    """Store an encrypted report; returns it and the 16-digit receipt (shown once, never stored)."""
    sub = submission
    if violations.category_of(sub.kind) != sub.category:
        raise ValueError("kind does not belong to category")
    receipt, derived = _new_receipt()  # the slow part runs before the transaction opens
    key = crypto.new_key()
    shares = crypto.new_identity_shares()
    for attempt in range(3):
        try:
            report = _store_report(sub=sub, derived=derived, key=key, shares=shares)
            break
        except IntegrityError:
            # The receipt's lookup id is taken (one chance in 10^16): the same report under a new receipt.
            if attempt == 2 or transaction.get_connection().in_atomic_block or not Report.objects.filter(
                    receipt_lookup=derived.lookup).exists():
                raise
            receipt, derived = _new_receipt()
        except OperationalError as exc:
            # Concurrent submissions can deadlock on shared rows (audit chain heads); the whole
            # transaction is safe to run again, unless we are inside someone else's transaction.
            retryable = "deadlock" in str(exc).lower() or "locked" in str(exc).lower()
            if attempt == 2 or not retryable or transaction.get_connection().in_atomic_block:
                raise
    return report, receipt


# --- Conversation ------------------------------------------------------------------------------------------

def post_reporter_message(*, report: Report, report_key: bytes, text: str, files: list[CleanFile]) -> Message:
    with transaction.atomic():
        msg = Message.objects.create(
            report=report, from_reporter=True,
            body=crypto.encrypt_text(report_key, text, aad=content_aad(report, "message")))
        for clean in files:
            _store_evidence(report=report, key=report_key, clean=clean, message=msg, from_reporter=True)
        report.last_reporter_activity_at = timezone.now()
        report.evidence_count = Evidence.objects.filter(report=report).count()
        report.save(update_fields=["last_reporter_activity_at", "evidence_count"])
        record(actor=None, action="reporting.reporter_message", target=report, unit=report.unit_id,
               detail={"files": len(files)})
    return msg


def post_staff_message(*, request: HttpRequest, report: Report, text: str) -> Message:
    key = vault.report_key_for(request, report)
    if key is None:
        raise PermissionDenied("locked")
    with transaction.atomic():
        msg = Message.objects.create(
            report=report, from_reporter=False, author=vault.request_user(request),
            body=crypto.encrypt_text(key, text, aad=content_aad(report, "message")))
        record(actor=request.user, action="reporting.staff_message", target=report, unit=report.unit_id)
    return msg


def mark_read(*, report: Report, by_reporter: bool) -> int:
    """Mark the other side's messages read (reporter reads staff messages and vice versa)."""
    return Message.objects.filter(report=report, from_reporter=not by_reporter, read_at__isnull=True).update(
        read_at=timezone.now())


# --- Identity gate: see identity.py (a handler's request, a custodian's approval, both shares) ---------

# --- Retention --------------------------------------------------------------------------------------------

def purge_report_content(*, report: Report) -> None:
    """Delete content, evidence files, messages, sealed keys and match tokens; keep statistics."""
    stored = list(Evidence.objects.filter(report=report).values_list("stored_name", flat=True))
    with transaction.atomic():
        Evidence.objects.filter(report=report).delete()
        Message.objects.filter(report=report).delete()
        IdentityRequest.objects.filter(report=report).delete()
        MatchToken.objects.filter(report=report).delete()
        report.accesses.all().delete()
        CustodianShare.objects.filter(report=report).delete()
        report.content = report.identity = report.identity_key = ""
        report.receipt_lookup = None
        report.reporter_sealed_key = None
        report.purged_at = timezone.now()
        report.save(update_fields=["content", "identity", "identity_key", "receipt_lookup",
                                   "reporter_sealed_key", "purged_at"])
        record(actor=None, action="reporting.report_purged", target=report, unit=report.unit_id,
               detail={"files": len(stored)})

        def _delete_files() -> None:
            for name in stored:
                with contextlib.suppress(OSError):
                    (evidence_dir() / name).unlink()

        transaction.on_commit(_delete_files)
