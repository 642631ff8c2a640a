"""Pledges and integrity pacts: every write goes through here (audit row in the same transaction)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection, send_mail, send_mass_mail
from django.db import connection, models, transaction
from django.db.models import Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marwah.audit.services import chained_append, record
from marwah.core import memo
from marwah.core.pg import hot_cursor
from marwah.core.tasks import enqueue_on_commit
from marwah.orgs.models import SEGMENT, Institution, Unit, decode_path
from marwah.people.models import Employee
from marwah.pledges import pdf as pdfmod
from marwah.pledges.models import (
    SHARDED_DEPTH,
    TALLY_SHARDS,
    AccessCode,
    Campaign,
    Ceremony,
    Document,
    DocumentVersion,
    Signature,
)
from marwah.pledges.text import fill, long_date, text_hash, to_html, unknown_placeholders
from marwah.rules.documents import DEFAULT_TEXTS

SEG = SEGMENT + 1  # characters per path level, slash included
PRERENDER_LIMIT = 5_000  # campaigns up to this size render each PDF right after signing
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed on a phone
CODE_LENGTH = 10
CODE_TTL = timedelta(days=7)
REMINDER_DAYS = (3, 1)


# --- Documents -------------------------------------------------------------------------------------

def _check_body(body: str) -> None:
    bad = unknown_placeholders(body)
    if bad:
        raise ValidationError(_("Unknown placeholder(s): %(names)s. Allowed: {name} {nip} {position} {unit} "
                                "{place} {date}.") % {"names": ", ".join("{" + b + "}" for b in bad)})


def create_document(*, institution: Institution, kind: str, title: str, body: str, actor: Any) -> Document:
    _check_body(body)
    with transaction.atomic():
        doc = Document.objects.create(institution=institution, kind=kind, title=title, created_by=actor)
        _new_version(doc, title=title, body=body, note="", actor=actor)
        record(actor=actor, action="pledge.document_created", target=doc, detail={"kind": kind})
    return doc


def _new_version(doc: Document, *, title: str, body: str, note: str, actor: Any) -> DocumentVersion:
    number = (doc.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return DocumentVersion.objects.create(
        document=doc, number=number, title=title, body=body.replace("\r\n", "\n").strip() + "\n",
        body_sha256=hashlib.sha256(body.encode()).hexdigest(), note=note, created_by=actor)


def publish_version(*, document: Document, title: str, body: str, note: str, actor: Any) -> DocumentVersion:
    """A new version; what was signed under older versions stays exactly as it was."""
    _check_body(body)
    with transaction.atomic():
        Document.objects.select_for_update().filter(pk=document.pk).first()
        version = _new_version(document, title=title, body=body, note=note, actor=actor)
        record(actor=actor, action="pledge.version_published", target=version,
               detail={"document": document.pk, "number": version.number})
    return version


def ensure_default_documents(*, institution: Institution, actor: Any = None) -> list[Document]:
    """The default texts (marwah.rules.documents) for this kind of institution, created once."""
    out = []
    for default in DEFAULT_TEXTS:
        if default.institution_kind and default.institution_kind != institution.kind:
            continue
        doc = Document.objects.filter(institution=institution, kind=default.kind, title=default.title).first()
        out.append(doc or create_document(institution=institution, kind=default.kind, title=default.title,
                                          body=default.body, actor=actor))
    return out


# --- Campaigns -------------------------------------------------------------------------------------

def create_campaign(*, actor: Any, version: DocumentVersion, unit: Unit, employment_types: list[str], title: str,
                    place: str, deadline: date) -> Campaign:
    """Saves the campaign and queues its launch: scope rows are made in the background, set-based."""
    if version.document.institution_id != unit.institution_id:
        raise ValidationError(_("This document belongs to another institution."))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            institution_id=unit.institution_id, version=version, unit=unit, unit_path=unit.path,
            employment_types=sorted(set(employment_types)), title=title, place=place, deadline=deadline,
            created_by=actor)
        record(actor=actor, action="pledge.campaign_created", target=campaign, unit=unit,
               detail={"version": version.pk, "deadline": deadline.isoformat(), "types": campaign.employment_types})
        from marwah.pledges.tasks import launch_campaign_task

        enqueue_on_commit(launch_campaign_task, campaign.pk)
    return campaign


def _scope_insert(campaign: Campaign, *, returning: str = "") -> tuple[str, list[Any]]:
    """INSERT … SELECT of a pending row for everyone in the campaign's scope not yet in it."""
    sig, emp = Signature._meta.db_table, Employee._meta.db_table
    params: list[Any] = [campaign.pk, campaign.unit_path + "%", campaign.institution_id]
    types_sql = ""
    if campaign.employment_types:
        types_sql = " AND e.employment_type IN (" + ",".join(["%s"] * len(campaign.employment_types)) + ")"
        params += list(campaign.employment_types)
    sql = (
        f"INSERT INTO {sig} (campaign_id, employee_id, unit_id, unit_path, status, text_sha256, method, "  # noqa: S608
        f"pdf_sha256) SELECT %s, e.id, e.unit_id, e.unit_path, 'pending', '', '', '' FROM {emp} e "
        f"WHERE e.unit_path LIKE %s AND e.institution_id = %s AND e.is_active{types_sql} "
        f"ON CONFLICT (campaign_id, employee_id) DO NOTHING" + (f" RETURNING {returning}" if returning else "")
    )
    return sql, params


def launch_campaign(*, campaign: Campaign) -> int:
    """One pending row per person in scope and the in-scope tallies, by INSERT … SELECT."""
    if campaign.status != Campaign.Status.PREPARING:
        return campaign.in_scope
    sig, tally, unit = Signature._meta.db_table, "pledges_tally", Unit._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        # Idempotent: the status is read again under the row lock, so a second run (a retried
        # task, or a second worker at once) finds the campaign launched and counts nothing twice.
        current = Campaign.objects.select_for_update().only("status", "in_scope").get(pk=campaign.pk)
        if current.status != Campaign.Status.PREPARING:
            campaign.status, campaign.in_scope = current.status, current.in_scope
            return current.in_scope
        cur.execute(*_scope_insert(campaign))
        cur.execute(f"SELECT count(*), max(length(unit_path)) FROM {sig} WHERE campaign_id = %s",  # noqa: S608
                    [campaign.pk])
        total, longest = cur.fetchone()
        for length in range(len(campaign.unit_path), (longest or 0) + 1, SEG):
            cur.execute(
                f"INSERT INTO {tally} (campaign_id, unit_id, parent_unit_id, shard, in_scope, signed, late) "  # noqa: S608
                f"SELECT %s, u.id, u.parent_id, 0, x.n, 0, 0 FROM (SELECT substr(unit_path, 1, %s) AS p, "
                f"count(*) AS n FROM {sig} WHERE campaign_id = %s AND length(unit_path) >= %s "
                # GROUP BY position: with server-side binding (PG_SERVER_SIDE_BINDING) a repeated
                # parameter is not the same expression to PostgreSQL.
                f"GROUP BY 1) x JOIN {unit} u ON u.path = x.p",
                [campaign.pk, length, campaign.pk, length])
        campaign.in_scope = total
        campaign.status = Campaign.Status.ACTIVE
        campaign.prerender_pdfs = total <= PRERENDER_LIMIT
        campaign.save(update_fields=["in_scope", "status", "prerender_pdfs"])
        record(actor=None, action="pledge.campaign_launched", target=campaign, unit=campaign.unit_id,
               detail={"in_scope": total})
        _schedule_reminders(campaign)
    return total


def sync_scope(*, campaign: Campaign, actor: Any = None) -> int:
    """Add people who joined the scope after launch (pending) and raise the in-scope tallies by as many.
    People who left keep their row: what they signed, or that they did not, stays on record."""
    if campaign.status != Campaign.Status.ACTIVE:
        return 0
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(*_scope_insert(campaign, returning="unit_path"))
        parents: dict[int, int | None] = {}  # unit id -> parent unit id (None for a root)
        joined: dict[int, int] = {}  # unit id -> people added in its subtree
        added = 0
        start = len(campaign.unit_path) // SEG - 1
        for (path,) in cur.fetchall():
            added += 1
            ids = decode_path(path)
            for depth in range(start, len(ids)):
                unit_id = ids[depth]
                parents.setdefault(unit_id, ids[depth - 1] if depth else None)
                joined[unit_id] = joined.get(unit_id, 0) + 1
        rows = [value for unit_id, n in sorted(joined.items())
                for value in (campaign.pk, unit_id, parents[unit_id], n)]
        for i in range(0, len(rows), 4 * 500):
            chunk = rows[i:i + 4 * 500]
            cur.execute(
                "INSERT INTO pledges_tally (campaign_id, unit_id, parent_unit_id, shard, in_scope, signed, late) "  # noqa: S608
                f"VALUES {','.join(['(%s,%s,%s,0,%s,0,0)'] * (len(chunk) // 4))} ON CONFLICT "
                "(campaign_id, unit_id, shard) DO UPDATE SET in_scope = pledges_tally.in_scope + excluded.in_scope",
                chunk)
        if added:
            Campaign.objects.filter(pk=campaign.pk).update(in_scope=models.F("in_scope") + added)
            memo.bump()  # the campaign row is remembered per process (pledges.selectors)
        record(actor=actor, action="pledge.scope_synced", target=campaign, unit=campaign.unit_id,
               detail={"added": added})
    return added


def _schedule_reminders(campaign: Campaign) -> None:
    from marwah.pledges.tasks import remind_task

    backend = remind_task.get_backend()
    if not getattr(backend, "supports_defer", False):
        return
    tz = timezone.get_current_timezone()
    for days in REMINDER_DAYS:
        when = datetime.combine(campaign.deadline - timedelta(days=days), datetime.min.time(), tz).replace(hour=8)
        if when > timezone.now():
            transaction.on_commit(partial(_enqueue_reminder, campaign.pk, when))


def _enqueue_reminder(campaign_id: int, when: datetime) -> None:
    from marwah.pledges.tasks import remind_task

    remind_task.using(run_after=when).enqueue(campaign_id)


def close_campaign(*, campaign: Campaign, actor: Any) -> None:
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
        memo.bump()  # the campaign row is remembered per process (pledges.selectors)
        record(actor=actor, action="pledge.campaign_closed", target=campaign, unit=campaign.unit_id)


# --- Signing ---------------------------------------------------------------------------------------

def signature_fields(signature: Signature, *, place: str, day: date) -> dict[str, str]:
    employee = signature.employee
    return {
        "name": employee.name,
        "nip": employee.nip or employee.employee_number or "-",
        "position": employee.position or "-",
        "unit": signature.unit.name,
        "place": place,
        "date": long_date(day),
    }


def signed_body(signature: Signature) -> tuple[str, dict[str, str]]:
    """The signed version's body and the values filled into it."""
    assert signature.version is not None and signature.fields is not None
    return signature.version.body, signature.fields


def filled_text(signature: Signature) -> str:
    return fill(*signed_body(signature))


def _new_verify_code() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode()


def _tally_rows(signature: Signature, campaign: Campaign, *, late: bool) -> list[Any]:
    """+1 on the rollup of every unit from the campaign's root down to the signer's unit, in
    root-first order (so concurrent signers cannot deadlock) on a random shard near the root."""
    ids = decode_path(signature.unit_path)
    start = len(campaign.unit_path) // SEG - 1
    rows: list[Any] = []
    for depth in range(start, len(ids)):
        shard = random.randrange(TALLY_SHARDS) if depth < SHARDED_DEPTH else 0
        rows += [campaign.pk, ids[depth], ids[depth - 1] if depth else None, shard, 0 if late else 1, 1 if late else 0]
    return rows


_TALLY_UPSERT = (" ON CONFLICT (campaign_id, unit_id, shard) DO UPDATE SET "
                 "signed = pledges_tally.signed + excluded.signed, late = pledges_tally.late + excluded.late")


def _mark_signed(signature: Signature, campaign: Campaign, values: dict[str, Any], *, late: bool) -> bool:
    """Flip pending → signed and bump the tallies (SQLite; PostgreSQL uses `_sign_statement`);
    False if someone (a double click) was first."""
    rows = _tally_rows(signature, campaign, late=late)
    n = len(rows) // 6
    orm_values = {key: value for key, value in values.items() if key != "ceremony"}
    if not Signature.objects.filter(pk=signature.pk, status=Signature.Status.PENDING).update(
            ceremony_id=values["ceremony"], **orm_values):
        return False
    with connection.cursor() as cur:
        cur.execute("INSERT INTO pledges_tally (campaign_id, unit_id, parent_unit_id, shard, in_scope, signed, late) "  # noqa: S608
                    f"VALUES {','.join(['(%s,%s,%s,%s,0,%s,%s)'] * n)}" + _TALLY_UPSERT, rows)
    return True


def sign(*, signature: Signature, method: str, actor: Any = None, ceremony: Ceremony | None = None,
         now: datetime | None = None) -> bool:
    """Sign once. Returns False (and changes nothing) if it was already signed.

    On PostgreSQL the signature, its tallies and its audit entry are written by one statement
    (`_sign_statement`): atomic by itself, one round trip, no transaction held open across Python.
    """
    campaign = signature.campaign
    now = now or timezone.now()
    day = timezone.localdate(now)
    late = day > campaign.deadline
    place = ceremony.place if ceremony else campaign.place
    fields = signature_fields(signature, place=place, day=ceremony.held_on if ceremony else day)
    digest = text_hash(fill(campaign.version.body, fields))
    code = _new_verify_code()
    status = Signature.Status.LATE if late else Signature.Status.SIGNED
    values = {"status": status, "signed_at": now, "version": campaign.version_id, "fields": fields,
              "text_sha256": digest, "method": method, "ceremony": ceremony.pk if ceremony else None,
              "verify_code": code}
    audit = {"actor": actor, "action": "pledge.signed", "target": signature, "unit": signature.unit_id,
             "detail": {"campaign": campaign.pk, "method": method, "late": late}}
    if connection.vendor == "postgresql":
        if not _sign_statement(signature, campaign, values, audit, late=late):
            return False
        if campaign.prerender_pdfs:
            from marwah.pledges.tasks import render_pdf_task

            enqueue_on_commit(render_pdf_task, signature.pk)  # now, or at the commit of the caller's transaction
    else:
        with transaction.atomic():
            if not _mark_signed(signature, campaign, values, late=late):
                return False
            record(**audit)
            if campaign.prerender_pdfs:
                from marwah.pledges.tasks import render_pdf_task

                enqueue_on_commit(render_pdf_task, signature.pk)
    signature.status, signature.signed_at, signature.version_id = status, now, campaign.version_id
    signature.version = campaign.version
    signature.fields, signature.text_sha256, signature.method = fields, digest, method
    signature.ceremony, signature.verify_code = ceremony, code
    return True


def _int_array(values: list[int | None]) -> str:
    """A PostgreSQL array literal of integers (None as NULL), for a `%s::bigint[]` parameter."""
    return "{" + ",".join("NULL" if v is None else str(int(v)) for v in values) + "}"


def _sign_statement(signature: Signature, campaign: Campaign, values: dict[str, Any], audit: dict[str, Any], *,
                    late: bool) -> bool:
    """pending -> signed, +1 on every tally up the tree, and the audit entry: one PostgreSQL statement.

    Locks are taken in the same order as before (the signature row, the tallies root first, then the
    audit chain head), and only for as long as the statement runs. False if someone (a double click)
    was first: then nothing is written at all.
    """
    rows = _tally_rows(signature, campaign, late=late)
    # The tally rows as four arrays: the statement's text and its ~30 parameters are then the same for
    # every signing, so psycopg reuses its parsed form (it does not cache past 50 parameters). Each is
    # sent as an array literal of integers: psycopg's list dumper costs more Python than the rest.
    columns = [_int_array(rows[i::6]) for i in range(4)]  # campaign, unit, parent unit, shard
    chained = chained_append(**audit, when="EXISTS (SELECT 1 FROM s) AND (SELECT count(*) FROM t) > 0")
    with hot_cursor() as cur:  # prepared once per connection: planning it cost more than running it
        cur.execute(
            "WITH s AS (UPDATE pledges_signature SET status = %s, signed_at = %s, version_id = %s, "  # noqa: S608
            "fields = %s::jsonb, text_sha256 = %s, method = %s, ceremony_id = %s, verify_code = %s "
            "WHERE id = %s AND status = 'pending' RETURNING id), "
            "t AS (INSERT INTO pledges_tally (campaign_id, unit_id, parent_unit_id, shard, in_scope, signed, late) "
            "SELECT c, u, p, sh, 0, %s::int, %s::int "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::smallint[]) AS v(c, u, p, sh) "
            "WHERE EXISTS (SELECT 1 FROM s)" + _TALLY_UPSERT + " RETURNING 1), "  # noqa: S608
            f"{chained.ctes} SELECT (SELECT count(*) FROM s), {chained.guard}",
            [values["status"], values["signed_at"], values["version"], json.dumps(values["fields"]),
             values["text_sha256"], values["method"], values["ceremony"], values["verify_code"], signature.pk,
             0 if late else 1, 1 if late else 0, *columns, *chained.params, *chained.guard_params])
        return cur.fetchone()[0] > 0


def record_ceremony(*, campaign: Campaign, unit: Unit, held_on: date, place: str, actor: Any,
                    signatures: list[Signature]) -> Ceremony:
    """The leader attests who pledged aloud; each present person's signature links to the event."""
    with transaction.atomic():
        ceremony = Ceremony.objects.create(campaign=campaign, unit=unit, held_on=held_on, place=place, led_by=actor)
        when = timezone.make_aware(datetime.combine(held_on, datetime.min.time()).replace(hour=9))
        present = 0
        for signature in signatures:
            present += sign(signature=signature, method=Signature.Method.CEREMONY, actor=actor, ceremony=ceremony,
                            now=min(when, timezone.now()))
        ceremony.attendance = present
        ceremony.save(update_fields=["attendance"])
        record(actor=actor, action="pledge.ceremony_recorded", target=ceremony, unit=unit,
               detail={"campaign": campaign.pk, "present": present})
    return ceremony


# --- Reminders -------------------------------------------------------------------------------------

def remind_interval() -> timedelta:
    """How long before the same person may be reminded again (setting MARWAH_REMIND_INTERVAL_HOURS)."""
    return timedelta(hours=float(getattr(settings, "MARWAH_REMIND_INTERVAL_HOURS", 24)))


def remindable(campaign: Campaign, path: str) -> QuerySet[Signature]:
    """Pending signatures under `path` with an email address, not reminded within the interval."""
    cutoff = timezone.now() - remind_interval()
    return (Signature.objects.filter(campaign=campaign, status=Signature.Status.PENDING, unit_path__startswith=path)
            .exclude(employee__email="")
            .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=cutoff)))


def remind_pending(*, campaign: Campaign, actor: Any = None, unit: Unit | None = None) -> int:
    """Email everyone in scope (under `unit`) who has not signed and was not reminded within the
    interval. The mail names no one and no content. Returns how many were emailed."""
    if campaign.status != Campaign.Status.ACTIVE:
        return 0
    path = unit.path if unit else campaign.unit_path
    targets = remindable(campaign, path).values_list("pk", "employee__email").iterator(chunk_size=2000)
    url = settings.SITE_URL.rstrip("/") + reverse("pledges:index")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reminder: a document is waiting for your signature")
        body = _("A document is waiting for your signature in Marwah: %(title)s.\nDeadline: %(deadline)s.\n\n"
                 "Open %(url)s to read and sign it. If you have already signed, please ignore this message.") % {
            "title": campaign.version.title, "deadline": long_date(campaign.deadline), "url": url}
    sent = 0
    batch: list[tuple[int, str]] = []
    mail = get_connection()

    def flush() -> int:
        count = send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for _pk, a in batch],
                               fail_silently=True, connection=mail)
        Signature.objects.filter(pk__in=[pk for pk, _a in batch]).update(last_reminded_at=timezone.now())
        return count

    for item in targets:
        batch.append(item)
        if len(batch) >= 500:
            sent += flush()
            batch = []
    if batch:
        sent += flush()
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(last_reminder_at=timezone.now())
        memo.bump()  # the campaign row is remembered per process (pledges.selectors)
        record(actor=actor, action="pledge.reminders_sent", target=campaign, unit=unit or campaign.unit_id,
               detail={"emails": sent})
    return sent


# --- One-time codes --------------------------------------------------------------------------------

def _code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(settings.SECRET_KEY.encode(), b"pledge-code:" + normal.encode(), hashlib.sha256).hexdigest()


def code_address() -> str:
    """The short address an officer types to use a code (host and path, no scheme), for every export."""
    return (settings.SITE_URL.rstrip("/") + reverse("pledges:code")).split("://", 1)[-1]


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@dataclass(frozen=True)
class IssuedCode:
    employee: Employee
    code: str
    emailed: bool


def issue_codes(*, campaign: Campaign, unit: Unit, actor: Any, signed: bool = False, no_email: bool = False,
                limit: int = 5000) -> list[IssuedCode]:
    """Codes for everyone under `unit` without an account who has not signed — or, with `signed`, who
    has signed and wants to download the signed document again; with `no_email`, for everyone pending
    whom an email reminder cannot reach. Shown once; stored hashed."""
    status = ~Q(status=Signature.Status.PENDING) if signed else Q(status=Signature.Status.PENDING)
    who = Q(employee__email="") if no_email else Q(employee__user__isnull=True)
    pending = list(
        Signature.objects.filter(status, who, campaign=campaign, unit_path__startswith=unit.path)
        .select_related("employee", "unit").order_by("unit_path", "employee__name")[:limit])
    issued: list[IssuedCode] = []
    expires = timezone.now() + CODE_TTL
    url = settings.SITE_URL.rstrip("/") + reverse("pledges:code")
    with transaction.atomic():
        employees = [s.employee for s in pending]
        AccessCode.objects.filter(employee__in=employees, used_at__isnull=True).update(expires_at=timezone.now())
        rows = []
        for employee in employees:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            rows.append(AccessCode(employee=employee, code_hash=_code_hash(code), issued_by=actor, expires_at=expires))
            issued.append(IssuedCode(employee, format_code(code), bool(employee.email)))
        AccessCode.objects.bulk_create(rows)
        record(actor=actor, action="pledge.codes_issued", target=campaign, unit=unit, detail={"count": len(rows)})
    with translation.override(settings.LANGUAGE_CODE):
        for item in issued:
            if item.emailed:
                send_mail(_("Your code to sign a pledge in Marwah"),
                          _("Your one-time code: %(code)s\nOpen %(url)s and enter it. The code works once and "
                            "expires on %(expires)s. Do not share it.") % {
                              "code": item.code, "url": url, "expires": long_date(timezone.localdate(expires))},
                          settings.DEFAULT_FROM_EMAIL, [item.employee.email], fail_silently=True)
    return issued


def redeem_code(*, code: str) -> Employee | None:
    """Consume a valid code (single use). None if unknown, used or expired."""
    with transaction.atomic():
        row = (AccessCode.objects.select_for_update().select_related("employee")
               .filter(code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=timezone.now()).first())
        if row is None:
            return None
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        record(actor=None, action="pledge.code_used", target=row.employee, unit=row.employee.unit_id)
    return row.employee


# --- Signed PDFs -----------------------------------------------------------------------------------

def pdf_path(signature: Signature) -> Path:
    return Path(settings.MEDIA_ROOT) / "pledges" / str(signature.campaign_id) / f"{signature.verify_code}.pdf"


def verify_url(signature: Signature) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("verify:detail", args=[signature.verify_code])


def build_pdf(signature: Signature) -> bytes:
    text = filled_text(signature)  # asserts the signed version and fields are there
    fields = signature.fields or {}
    if text_hash(text) != signature.text_sha256:  # the stored hash is the truth; never sign anything else
        raise ValueError("filled text does not match the signed hash")
    url = verify_url(signature)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("pledges/pdf.html", {
            "signature": signature, "body": to_html(text), "qr": pdfmod.qr_svg(url), "url": url,
            "institution": signature.campaign.institution})
        reason = _("Signed pledge %(code)s") % {"code": signature.verify_code}
    return pdfmod.sign_pdf(pdfmod.render_pdf(html), reason=reason, location=fields.get("place", ""))


def ensure_pdf(*, signature: Signature) -> bytes:
    """The signed PDF, rendered and kept on first need.

    Idempotent: a retried task or a second download returns the kept file. Renders of one
    signature are serialised by a row lock, so two workers never leave one's file with the
    other's hash; a process killed after writing the file but before committing its hash leaves
    a mismatch that the next call repairs.
    """
    if not signature.is_signed:
        raise ValueError("not signed")
    path = pdf_path(signature)
    kept = _kept_pdf(path, signature.pdf_sha256)
    if kept is not None:
        return kept
    # SQLite (one machine, the demo) has no row locks: a transaction there would hold the whole
    # database's write lock while the PDF renders.
    lock = transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext()
    with lock:
        if connection.vendor == "postgresql":
            locked = Signature.objects.select_for_update().only("pdf_sha256").get(pk=signature.pk)
            kept = _kept_pdf(path, locked.pdf_sha256)
            if kept is not None:
                signature.pdf_sha256 = locked.pdf_sha256
                return kept
        data = build_pdf(signature)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        digest = hashlib.sha256(data).hexdigest()
        Signature.objects.filter(pk=signature.pk).update(pdf_sha256=digest)
    signature.pdf_sha256 = digest
    return data


def _kept_pdf(path: Path, digest: str) -> bytes | None:
    if digest and path.exists():
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == digest:
            return data
    return None


@dataclass(frozen=True)
class UploadCheck:
    check: pdfmod.PdfCheck
    signature: Signature | None

    @property
    def ok(self) -> bool:
        return self.check.ok and self.signature is not None


def check_upload(data: bytes) -> UploadCheck:
    """A PDF is genuine when our signature over the whole file is intact and its hash is one we issued."""
    digest = hashlib.sha256(data).hexdigest()
    match = (Signature.objects.select_related("employee", "unit", "version", "campaign")
             .filter(pdf_sha256=digest).first())
    return UploadCheck(pdfmod.check_pdf(data), match)
