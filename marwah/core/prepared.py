"""Querysets compiled to SQL once per process, for the reads of hot pages (issue 14).

Compiling a queryset (joins, `select_related`, ordering, quoting every column) costs Django about
0.3–0.7 ms of CPU per statement: more than PostgreSQL takes to answer the small reads of the case
page, which makes a dozen of them. A `Prepared` query is built and compiled the first time it runs
on a database, with marker values in place of its parameters; each later call only puts the real
values where the markers were, runs the SQL and turns the rows into model instances (or tuples) with
Django's own machinery, so `select_related`, `only()` and the database's value converters behave
exactly as with the queryset.

Markers must reach the SQL as given (`field=value`; not `__istartswith`, which rewrites the value, nor a
list whose length varies, which changes the SQL): a query whose marker does not reach it fails loudly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

from marwah.core.pg import hot_cursor

_marker_ints = itertools.count(1)


def _marker(kind: type) -> Any:
    n = next(_marker_ints)
    if kind is int:
        return -987_654_000 - n  # never a primary key or a count
    if kind is str:
        return f"\u2063prepared-marker-{n}\u2063"
    raise ImproperlyConfigured(f"Prepared: no marker for {kind!r}")


@dataclass
class _Compiled:
    sql: str
    slots: list[tuple[int, str]]  # (position in params, parameter name)
    params: list[Any]
    compiler: Any
    objects: bool
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    annotations: dict[str, int]
    converters: dict[int, Any]


class Prepared:
    """`Prepared(build, name=type, ...)`: `build(**values)` returns the queryset; call `objects(**values)`
    (a model queryset) or `rows(**values)` (a `values_list` queryset) to run it."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **params: type) -> None:
        self._build = build
        self._params = params
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        markers = {name: _marker(kind) for name, kind in self._params.items()}
        qs = self._build(**markers).using(using)
        compiler = qs.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = []
        for i, value in enumerate(params):
            for name, marker in markers.items():
                # psycopg's typed ints (Int8 for a BigIntegerField) are ints: the value is put back in that type
                same = type(value) is type(marker) or (type(marker) is int and isinstance(value, int)
                                                       and not isinstance(value, bool))
                if same and value == marker:
                    slots.append((i, name))
        if {name for _, name in slots} != set(markers):
            raise ImproperlyConfigured(f"Prepared: parameters {sorted(set(markers) - {n for _, n in slots})} "
                                       "do not reach the SQL as plain values")
        objects = qs._iterable_class is ModelIterable
        if not objects and qs._iterable_class is not ValuesListIterable:
            raise ImproperlyConfigured("Prepared: a model queryset or values_list(), not values() or flat lists")
        init_list: list[str] = []
        start = end = 0
        populators: list[Any] = []
        if objects:
            klass_info = compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            init_list = [f[0].target.attname for f in compiler.select[start:end]]
            populators = get_related_populators(klass_info, compiler.select, using)  # type: ignore[call-arg]
        # What `results_iter` works out on every call (~45 lookups for a wide select_related): once here.
        converters = compiler.get_converters([s[0] for s in compiler.select[0:compiler.col_count]])
        return _Compiled(sql, slots, list(params), compiler, objects, init_list, start, end, populators,
                         dict(compiler.annotation_col_map or {}), converters)

    def _run(self, using: str, values: dict[str, Any]) -> tuple[_Compiled, Any]:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        params = list(compiled.params)
        for i, name in compiled.slots:
            kind = type(params[i])
            params[i] = values[name] if kind is int or kind is str else kind(values[name])
        with hot_cursor(using) as cursor:  # a fixed text: PostgreSQL plans it once per connection
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:  # as SQLCompiler.results_iter(tuple_expected=True), converters worked out once
            rows = list(map(tuple, compiled.compiler.apply_converters(rows, compiled.converters)))
        return compiled, rows

    def objects(self, using: str = "default", **values: Any) -> list[Any]:
        compiled, rows = self._run(using, values)
        assert compiled.objects, "Prepared.objects() needs a model queryset"
        model = compiled.compiler.klass_info["model"]
        out = []
        for row in rows:
            obj = model.from_db(using, compiled.init_list, row[compiled.start:compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, pos in compiled.annotations.items():
                setattr(obj, name, row[pos])
            out.append(obj)
        return out

    def rows(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        compiled, rows = self._run(using, values)
        assert not compiled.objects, "Prepared.rows() needs a values_list() queryset"
        return list(rows)
