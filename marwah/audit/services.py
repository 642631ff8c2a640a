"""Writing to the audit log. Call inside the transaction of the write it records."""

from __future__ import annotations

import functools
import hashlib
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marwah.audit.models import AuditEntry, ChainHead
from marwah.core.pg import hot_cursor

CHAINS: int = getattr(settings, "AUDIT_CHAINS", 8)


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the entry's content and the previous entry's hash in its chain."""
    return hashlib.sha256(_hash_payload(entry).encode()).hexdigest()


def _hash_payload(entry: AuditEntry) -> str:
    return _payload(entry.chain, entry.seq, entry.created_at, entry.actor_id, entry.actor_label, entry.action,
                    entry.target_type, entry.target_id, entry.unit_id, entry.detail, entry.prev_hash)


def _payload(chain: int, seq: int, created_at: datetime, actor_id: Any, actor_label: str, action: str,
             target_type: str, target_id: str, unit_id: Any, detail: Any, prev_hash: str) -> str:
    return json.dumps(
        [chain, seq, created_at.astimezone(UTC).isoformat(), actor_id, actor_label, action, target_type,
         target_id, unit_id, detail, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def _target(target: models.Model | tuple[str, Any] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target[0], str(target[1])
    return target._meta.label_lower, str(target.pk)


def _fields(actor: Any, target: models.Model | tuple[str, Any] | None, unit: Any,
            detail: dict[str, Any] | None) -> tuple[Any, str, str, str, Any, dict[str, Any]]:
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_label = actor.get_username() if actor_id else ""
    target_type, target_id = _target(target)
    unit_id = unit if isinstance(unit, int) or unit is None else unit.pk
    return actor_id, actor_label, target_type, target_id, unit_id, json.loads(json.dumps(detail or {}, default=str))


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


def _append(entries: list[AuditEntry]) -> None:
    """Insert the entries (consecutive in one chain) and move the head, in as few round trips as
    the database allows: one statement on PostgreSQL, whatever the number of entries.

    Every write in Marwah records an entry, so this is on the hot path of signing and
    reporting; raw SQL saves the ORM's per-statement work (measured in the pledge benchmark).
    """
    fields = {f.attname: f for f in AuditEntry._meta.concrete_fields}
    values = [fields[c].get_db_prep_save(getattr(entry, c), connection) for entry in entries for c in _COLUMNS]
    row = f"({', '.join(['%s'] * len(_COLUMNS))})"
    insert = (f"INSERT INTO audit_auditentry ({', '.join(_COLUMNS)}) "  # noqa: S608
              f"VALUES {', '.join([row] * len(entries))} RETURNING id")
    last = entries[-1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH e AS ({insert}), h AS (UPDATE audit_chainhead SET seq = %s, last_hash = %s "  # noqa: S608
                "WHERE chain = %s) SELECT id FROM e ORDER BY id",
                [*values, last.seq, last.hash, last.chain],
            )
        else:
            cursor.execute(insert, values)
        ids = sorted(r[0] for r in cursor.fetchall())
        if connection.vendor != "postgresql":
            cursor.execute("UPDATE audit_chainhead SET seq = %s, last_hash = %s WHERE chain = %s",
                           [last.seq, last.hash, last.chain])
    for entry, pk in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias


def _hash_parts(entry: AuditEntry) -> tuple[str, str, str]:
    """`entry_hash`'s JSON text around the two values only the chain head knows: the text is
    head + str(seq) + middle + prev_hash + tail (the entry's `chain` must be set)."""
    probe_seq, probe_prev = entry.seq, entry.prev_hash
    entry.seq, entry.prev_hash = 0, _ZERO_HASH
    try:
        text = _hash_payload(entry)
    finally:
        entry.seq, entry.prev_hash = probe_seq, probe_prev
    head, tail = f"[{entry.chain},0", f',"{_ZERO_HASH}"]'
    assert text.startswith(head) and text.endswith(tail)
    return head[:-1], text[len(head):-len(tail)] + ',"', '"]'


def _chain_in_one_statement(chain: int, entries: list[AuditEntry]) -> None:
    """PostgreSQL: lock the chain head, link the entries after it (PostgreSQL computes each hash,
    over the same JSON text as `entry_hash`, from the previous one), insert them and move the
    head, in one statement: one round trip, and the head is locked only for that statement's
    remaining part of the transaction."""
    fields = {f.attname: f for f in AuditEntry._meta.concrete_fields}
    given = [c for c in _COLUMNS if c not in ("chain", "seq", "prev_hash", "hash")]
    rows, params = [], []
    for n, entry in enumerate(entries, 1):
        entry.chain = chain
        rows.append("(%s, %s, %s, %s, " + ", ".join(f"CAST(%s AS {fields[c].db_type(connection)})" for c in given) + ")")
        params += [n, *_hash_parts(entry), *(fields[c].get_db_prep_save(getattr(entry, c), connection) for c in given)]
    digest = ("encode(sha256(convert_to(i.head || ({seq} + 1)::text || i.middle || {prev} || i.tail, 'UTF8')), 'hex')")
    with connection.cursor() as cursor:
        cursor.execute(
            # Only column names and placeholders are interpolated; every value is a parameter.
            "WITH RECURSIVE "  # noqa: S608
            "audit_old AS (SELECT seq, last_hash FROM audit_chainhead WHERE chain = %s FOR UPDATE), "
            "audit_prev AS (SELECT seq, last_hash FROM audit_old "
            "UNION ALL SELECT 0, %s WHERE NOT EXISTS (SELECT 1 FROM audit_old)), "
            f"audit_in (n, head, middle, tail, {', '.join(given)}) AS (VALUES {', '.join(rows)}), "
            "audit_new (n, seq, prev_hash, hash) AS ("
            f"SELECT 1, p.seq + 1, p.last_hash, {digest.format(seq='p.seq', prev='p.last_hash')} "
            "FROM audit_prev p JOIN audit_in i ON i.n = 1 "
            f"UNION ALL SELECT a.n + 1, a.seq + 1, a.hash, {digest.format(seq='a.seq', prev='a.hash')} "
            "FROM audit_new a JOIN audit_in i ON i.n = a.n + 1), "
            "audit_head AS (INSERT INTO audit_chainhead (chain, seq, last_hash) "
            "SELECT %s, seq, hash FROM audit_new ORDER BY n DESC LIMIT 1 "
            "ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, last_hash = excluded.last_hash), "
            f"audit_row AS (INSERT INTO audit_auditentry ({', '.join(_COLUMNS)}) "
            f"SELECT %s, a.seq, {', '.join('i.' + c for c in given)}, a.prev_hash, a.hash "
            "FROM audit_new a JOIN audit_in i ON i.n = a.n ORDER BY a.n RETURNING id, seq, prev_hash, hash) "
            "SELECT id, seq, prev_hash, hash FROM audit_row ORDER BY seq",
            [chain, _ZERO_HASH, *params, chain, chain])
        found = cursor.fetchall()
    if len(found) != len(entries):
        raise RuntimeError("audit entries were not appended")
    for entry, (pk, seq, prev_hash, digest_hex) in zip(entries, found, strict=True):
        entry.pk, entry.seq, entry.prev_hash, entry.hash = pk, seq, prev_hash, digest_hex
        entry._state.adding = False
        entry._state.db = connection.alias


def _chain(entries: list[AuditEntry]) -> None:
    """Lock the head of this transaction's chain, link the entries after it and append them."""
    chain = _chain_for_transaction()
    if connection.vendor == "postgresql":
        with transaction.atomic(savepoint=False):
            _chain_in_one_statement(chain, entries)
        return
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _lock_head(chain)
        for entry in entries:
            seq += 1
            entry.chain, entry.seq, entry.prev_hash = chain, seq, prev_hash
            entry.hash = prev_hash = entry_hash(entry)
        _append(entries)


# Entries recorded inside `batched()`: appended together when the block ends.
_BATCH: ContextVar[list[AuditEntry] | None] = ContextVar("marwah_audit_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Append every entry recorded inside the block together when it ends: one head lock and one
    insert instead of two statements per entry, and the chain head is locked only from the end
    of the block to the commit. Use it inside the write's transaction (the block ends before the
    commit); an exception discards the entries with the transaction. Nested blocks join the
    outer one."""
    if _BATCH.get() is not None:
        yield
        return
    pending: list[AuditEntry] = []
    token = _BATCH.set(pending)
    try:
        yield
    finally:
        _BATCH.reset(token)
    if pending:
        _chain(pending)


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | tuple[str, Any] | None = None,
    unit: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `detail` must hold no sensitive content (it is not encrypted)."""
    actor_id, actor_label, target_type, target_id, unit_id, detail = _fields(actor, target, unit, detail)
    entry = AuditEntry(
        created_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        unit_id=unit_id,
        detail=detail,
    )
    pending = _BATCH.get()
    if pending is not None and transaction.get_connection().in_atomic_block:
        pending.append(entry)  # chained and inserted when the batch ends, inside the same transaction
    else:
        _chain([entry])
    return entry


def record_read(
    *,
    actor: Any,
    action: str,
    target: models.Model | tuple[str, Any] | None = None,
    unit: Any = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """`record()` for a read, which has no write of its own to join: on PostgreSQL the entry, its
    hash and the chain head move in one statement (`chained_append`), instead of BEGIN, the head's
    row lock, the insert and COMMIT, four round trips on every case page. The entry is the same,
    chained the same way (`verify_chains` checks it). Inside `batched()` it joins the batch."""
    if connection.vendor != "postgresql" or _BATCH.get() is not None:
        record(actor=actor, action=action, target=target, unit=unit, detail=detail)
        return
    chained = chained_append(actor=actor, action=action, target=target, unit=unit, detail=detail)
    with hot_cursor() as cursor:
        cursor.execute(f"WITH {chained.ctes} SELECT {chained.guard}",  # noqa: S608  (SQL of chained_append)
                       [*chained.params, *chained.guard_params])


@dataclass(frozen=True)
class ChainedAppend:
    """SQL appending one audit entry inside another statement (PostgreSQL), and its parameters."""

    ctes: str
    params: list[Any]
    guard: str  # an SQL expression for the main query: fails the statement if the write lost its entry
    guard_params: list[Any]


_ZERO_HASH = "0" * 64


def chained_append(*, actor: Any, action: str, target: models.Model | tuple[str, Any] | None = None,
                   unit: Any = None, detail: dict[str, Any] | None = None, when: str = "TRUE",
                   when_params: list[Any] | None = None) -> ChainedAppend:
    """Common table expressions that append the same entry as `record()`, in the statement of the
    write it records (PostgreSQL only), so that write, its audit row and the chain head move in one
    statement: one round trip, and no row lock held while Python works between statements.

    The chain head is locked (`FOR UPDATE`) by the statement itself; the entry's hash is computed by
    PostgreSQL (`sha256`) over the very JSON text `entry_hash()` hashes: Python renders that text with
    the two values only the locked head knows (the sequence number and the previous hash) left out,
    and the statement puts them in. `verify_chains()` checks the result like any other entry.
    `when` is an SQL condition (e.g. `EXISTS (SELECT 1 FROM s)`) deciding whether to append at all.
    The statement using these must evaluate `guard` in its main query: it raises (division by zero),
    and so undoes the whole statement, if `when` held and yet no entry was written.
    """
    actor_id, actor_label, target_type, target_id, unit_id, detail = _fields(actor, target, unit, detail)
    chain = _chain_for_transaction()
    created_at = timezone.now()
    text = _payload(chain, 0, created_at, actor_id, actor_label, action, target_type, target_id, unit_id, detail,
                    _ZERO_HASH)
    head, tail = f"[{chain},0", f',"{_ZERO_HASH}"]'
    assert text.startswith(head) and text.endswith(tail)
    middle = text[len(head):-len(tail)] + ',"'  # created_at .. detail, up to the quote opening prev_hash
    ctes, guard = _append_sql(when)
    wp = when_params or []
    # The given columns in _COLUMNS order (chain, created_at .. detail), prepared as the ORM would.
    params = [chain, *wp, _ZERO_HASH, *wp, head[:-1], middle, '"]', chain,
              chain, created_at, actor_id, actor_label, action, target_type, target_id, unit_id,
              _DETAIL.get_db_prep_save(detail, connection)]
    return ChainedAppend(ctes=ctes, params=params, guard=guard, guard_params=list(wp))


_DETAIL = AuditEntry._meta.get_field("detail")
_GIVEN = ["chain", "created_at", "actor_id", "actor_label", "action", "target_type", "target_id", "unit_id", "detail"]


@functools.lru_cache(maxsize=16)
def _append_sql(when: str) -> tuple[str, str]:
    """chained_append's SQL for one `when` (a few constant conditions): built once per process."""
    assert [c for c in _COLUMNS if c not in ("seq", "prev_hash", "hash")] == _GIVEN
    select = ", ".join("seq" if c == "seq" else c if c in ("prev_hash", "hash") else "%s" for c in _COLUMNS)
    ctes = (
        # `when` is SQL written by the caller (no user input); every value is a parameter.
        f"audit_old AS (SELECT seq, last_hash FROM audit_chainhead WHERE chain = %s AND ({when}) FOR UPDATE), "  # noqa: S608
        # A chain's very first entry with no head row (made after every migrate and flush, apps.py;
        # the unique (chain, seq) index refuses a second writer racing to start the same chain).
        "audit_prev AS (SELECT seq, last_hash FROM audit_old UNION ALL SELECT 0, %s "
        f"WHERE ({when}) AND NOT EXISTS (SELECT 1 FROM audit_old)), "
        "audit_new AS (SELECT seq + 1 AS seq, last_hash AS prev_hash, encode(sha256(convert_to("
        "%s || (seq + 1)::text || %s || last_hash || %s, 'UTF8')), 'hex') AS hash FROM audit_prev), "
        "audit_head AS (INSERT INTO audit_chainhead (chain, seq, last_hash) SELECT %s, seq, hash FROM audit_new "
        "ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, last_hash = excluded.last_hash RETURNING seq), "
        f"audit_row AS (INSERT INTO audit_auditentry ({', '.join(_COLUMNS)}) "  # noqa: S608
        f"SELECT {select} FROM audit_new RETURNING id)"
    )
    guard = (f"CASE WHEN ({when}) AND NOT EXISTS (SELECT 1 FROM audit_row) "  # noqa: S608
             "THEN 1 / (SELECT count(*) FROM audit_row)::int ELSE 0 END")
    return ctes, guard


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
