"""Reads of the organisation tree."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from marwah.orgs.models import Unit, decode_path


def ancestors(unit: Unit) -> list[Unit]:
    """Root first, excluding the unit itself: one query, ids read off the path."""
    ids = decode_path(unit.path)[:-1]
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


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
