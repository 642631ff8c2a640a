"""Reads of the organisation tree."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from marwah.core import memo
from marwah.orgs.models import Unit, decode_path


def ancestors(unit: Unit) -> list[Unit]:
    """Root first, excluding the unit itself: ids read off the path, the units from the per-process memo
    (dashboards and coverage pages draw this trail on every request). The units are shared: read only."""
    ids = decode_path(unit.path)[:-1]
    return list(memo.get("ancestors", unit.path, lambda: _load(ids)))


def _load(ids: list[int]) -> tuple[Unit, ...]:
    by_id = Unit.objects.in_bulk(ids)
    return tuple(by_id[i] for i in ids if i in by_id)


# Dashboards and coverage pages name their unit and list its children on every request; units change a
# few times a year and the memo forgets them on every server when one is written. Shared: read only.
def unit_by_pk(pk: int) -> Unit | None:
    """The unit with its institution and parent, or None. No permission check: callers check the scope."""
    return memo.get("unit-by-pk", pk, lambda: Unit.objects.select_related("institution", "parent")
                    .filter(pk=pk).first())


def units_by_name(pks: Iterable[int]) -> list[Unit]:
    """These units, by name. No permission check: callers check the scope."""
    key = tuple(sorted(pks))
    return list(memo.get("units-by-name", key, lambda: tuple(Unit.objects.filter(pk__in=key).order_by("name"))))


def children_with_counts(unit: Unit) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(parent=unit)
        .annotate(child_count=Count("children", distinct=True))
        .select_related("region")
        .order_by("code", "name")
    )


def subtree_size(unit: Unit) -> int:
    return Unit.objects.subtree(unit).count()


PICK_LIMIT = 15


def pick_units(units: QuerySet[Unit], *, query: str = "", parent: Unit | None = None,
               limit: int = PICK_LIMIT) -> list[Unit]:
    """At most `limit` + 1 units for the picker: by code prefix, name match or children of `parent`.

    `units` is already limited to the user's scope. Code prefixes and children use
    btree indexes; names use a trigram index on PostgreSQL (migration 0002).
    """
    qs = units.only("id", "name", "code", "depth", "path")
    query = query.strip()
    if parent is not None:
        qs = qs.filter(parent=parent).order_by("code", "name")
    elif query and (query[0].isdigit() or query.isupper() and "-" in query):
        qs = qs.filter(code__startswith=query).order_by("depth", "code")
    elif query:
        qs = qs.filter(name__icontains=query).order_by("depth", "name")
    else:
        qs = qs.order_by("depth", "name")
    return list(qs[: limit + 1])
