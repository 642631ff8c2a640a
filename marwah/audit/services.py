"""Writing to the audit log. Call inside the transaction of the write it records."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

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
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(chain=chain)
        seq = head.seq + 1
        entry = AuditEntry(
            chain=chain,
            seq=seq,
            created_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            unit_id=unit_id,
            detail=detail,
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        digest = entry.hash
        head.seq = seq
        head.last_hash = digest
        head.save(update_fields=["seq", "last_hash"])
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
                return checked, entry, f"sequence gap: expected {expected_seq}"
            if entry.prev_hash != prev:
                return checked, entry, "previous hash does not match"
            digest = entry_hash(entry)
            if digest != entry.hash:
                return checked, entry, "content does not match its hash"
            prev = entry.hash
            expected_seq += 1
        if head.seq != expected_seq - 1 or head.last_hash != prev:
            return checked, None, f"chain {head.chain}: entries missing after seq {expected_seq - 1}"
    return checked, None, ""
