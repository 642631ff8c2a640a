"""Writing to the audit log. Call inside the transaction of the write it records."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marwah.audit.models import AuditEntry, ChainHead

CHAINS: int = getattr(settings, "AUDIT_CHAINS", 8)


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the entry's content and the previous entry's hash in its chain."""
    payload = json.dumps(
        [
            entry.chain,
            entry.seq,
            entry.created_at.astimezone(UTC).isoformat(),
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.unit_id,
            entry.detail,
            entry.prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _target(target: models.Model | tuple[str, Any] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target[0], str(target[1])
    return target._meta.label_lower, str(target.pk)


def _chain_for_transaction() -> int:
    """One chain per transaction: a transaction that locked two chain heads in a different
    order from another one would deadlock with it (found by the reporting benchmark)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return random.randrange(CHAINS)
    chain = getattr(conn, "_marwah_audit_chain", None)
    if chain is None:
        chain = random.randrange(CHAINS)
        conn._marwah_audit_chain = chain  # type: ignore[attr-defined]

        def forget() -> None:
            conn._marwah_audit_chain = None  # type: ignore[attr-defined]

        # After a rollback the value stays until the next commit: still one chain per transaction.
        transaction.on_commit(forget)
    return chain


_COLUMNS = ["chain", "seq", "created_at", "actor_id", "actor_label", "action", "target_type", "target_id",
            "unit_id", "detail", "prev_hash", "hash"]


def _lock_head(chain: int) -> tuple[int, str]:
    """The chain head, locked until the transaction ends (SQLite's IMMEDIATE transactions
    already hold the write lock)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, last_hash FROM audit_chainhead WHERE chain = %s{lock}", [chain])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        ChainHead.objects.get_or_create(chain=chain)
        return _lock_head(chain)
    return int(row[0]), str(row[1])


def _append(entry: AuditEntry) -> None:
    """Insert the entry and move the head in as few round trips as the database allows.

    Every write in Marwah records an entry, so this is on the hot path of signing and
    reporting; raw SQL saves the ORM's per-statement work (measured in the pledge benchmark).
    """
    fields = {f.attname: f for f in AuditEntry._meta.concrete_fields}
    values = [fields[c].get_db_prep_save(getattr(entry, c), connection) for c in _COLUMNS]
    insert = (f"INSERT INTO audit_auditentry ({', '.join(_COLUMNS)}) "  # noqa: S608
              f"VALUES ({', '.join(['%s'] * len(_COLUMNS))}) RETURNING id")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH e AS ({insert}) UPDATE audit_chainhead SET seq = %s, last_hash = %s "  # noqa: S608
                "WHERE chain = %s RETURNING (SELECT id FROM e)",
                [*values, entry.seq, entry.hash, entry.chain],
            )
            entry.pk = cursor.fetchone()[0]
        else:
            cursor.execute(insert, values)
            entry.pk = cursor.fetchone()[0]
            cursor.execute("UPDATE audit_chainhead SET seq = %s, last_hash = %s WHERE chain = %s",
                           [entry.seq, entry.hash, entry.chain])
    entry._state.adding = False
    entry._state.db = connection.alias


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | tuple[str, Any] | None = None,
    unit: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `detail` must hold no sensitive content (it is not encrypted)."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_label = actor.get_username() if actor_id else ""
    target_type, target_id = _target(target)
    unit_id = unit if isinstance(unit, int) or unit is None else unit.pk
    detail = json.loads(json.dumps(detail or {}, default=str))
    chain = _chain_for_transaction()
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _lock_head(chain)
        entry = AuditEntry(
            chain=chain,
            seq=seq + 1,
            created_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            unit_id=unit_id,
            detail=detail,
            prev_hash=prev_hash,
        )
        entry.hash = entry_hash(entry)
        _append(entry)
    return entry


def verify_chains() -> tuple[int, AuditEntry | None, str]:
    """Recompute every chain. Returns (entries checked, first broken entry, why)."""
    checked = 0
    for head in ChainHead.objects.order_by("chain"):
        prev = "0" * 64
        expected_seq = 1
        for entry in AuditEntry.objects.filter(chain=head.chain).order_by("seq").iterator(chunk_size=2000):
            checked += 1
            if entry.seq != expected_seq:
                return checked, entry, _("sequence gap: expected %(seq)s") % {"seq": expected_seq}
            if entry.prev_hash != prev:
                return checked, entry, _("previous hash does not match")
            digest = entry_hash(entry)
            if digest != entry.hash:
                return checked, entry, _("content does not match its hash")
            prev = entry.hash
            expected_seq += 1
        if head.seq != expected_seq - 1 or head.last_hash != prev:
            return checked, None, _("chain %(chain)s: entries missing after seq %(seq)s") % {
                "chain": head.chain, "seq": expected_seq - 1}
    return checked, None, ""
