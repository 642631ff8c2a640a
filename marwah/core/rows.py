"""INSERT of new model rows with less Python than the ORM, for hot paths that write to many tables.

A report submission writes a row or a few to a dozen tables; Django's `save()` and `bulk_create()`
spend ~0.5–1 ms of CPU each building the statement (measured in the submission profile, issue 14).
`insert()` builds the same INSERT from the model's fields once per process and only adapts the
values. PostgreSQL only: elsewhere it is `bulk_create`. It is meant for brand-new rows of plain
models (no multi-table inheritance); `signals=True` sends `pre_save`/`post_save` as `save()` does.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models.signals import post_save, pre_save


@functools.cache
def _plan(model: type[models.Model]) -> tuple[list[Any], str, str]:
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.local_concrete_fields if not (f is pk and getattr(f, "db_returning", False))]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    head = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES "  # noqa: S608 (names only)
    return fields, head, connection.ops.quote_name(str(pk.column))


def insert(objs: Sequence[models.Model], *, ignore_conflicts: bool = False, signals: bool = False) -> None:
    """Insert new objects of one model in one statement and give them their ids (not with
    `ignore_conflicts`, like `bulk_create`)."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        if signals:
            for obj in objs:
                obj.save(force_insert=True)
        else:
            model._default_manager.bulk_create(list(objs), ignore_conflicts=ignore_conflicts)
        return
    fields, head, pk_column = _plan(model)
    params: list[Any] = []
    for obj in objs:
        if signals:
            pre_save.send(sender=model, instance=obj, raw=False, using=connection.alias, update_fields=None)
        params += [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = head + ", ".join([row] * len(objs))
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    else:
        sql += f" RETURNING {pk_column}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [r[0] for r in cursor.fetchall()] if not ignore_conflicts else []
    for n, obj in enumerate(objs):
        if ids:
            obj.pk = ids[n]
            obj._state.adding = False
            obj._state.db = connection.alias
        if signals:
            post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False,
                           using=connection.alias)
