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
