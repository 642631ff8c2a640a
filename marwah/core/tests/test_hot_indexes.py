"""Every index of a table written on a hot path is paid on every write there (a signing changes
the signature's status, so none of its updates is HOT): no index may merely repeat the leading
columns of another one. Guards the indexes cut in issue 14 from coming back with a new field."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from marwah.audit.models import AuditEntry
from marwah.core.templatetags.numbers import thousands
from marwah.pledges.models import Signature

HOT_TABLES = [Signature._meta.db_table, AuditEntry._meta.db_table]


def _indexes(table: str) -> dict[str, tuple[list[str], bool]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: (info["columns"], bool(info["unique"])) for name, info in found.items()
            if info["index"] or info["unique"]}


@pytest.mark.django_db
@pytest.mark.parametrize("table", HOT_TABLES)
def test_no_index_repeats_the_start_of_another(table):
    indexes = _indexes(table)
    redundant = []
    for name, (columns, unique) in indexes.items():
        if unique or not columns:
            continue  # a unique index is a constraint, not only a read path
        for other, (other_columns, _unique) in indexes.items():
            if other != name and len(other_columns) > len(columns) and other_columns[:len(columns)] == columns:
                redundant.append(f"{name} {columns} is the start of {other} {other_columns}")
    assert not redundant, redundant


@pytest.mark.django_db
def test_signature_indexes_are_the_ones_it_needs():
    columns = {tuple(c) for c, _unique in _indexes(Signature._meta.db_table).values()} - {("id",)}
    assert columns == {
        ("campaign_id", "employee_id"),  # signed once
        ("verify_code",),  # the public verification page
        ("campaign_id", "status", "unit_path", "id"),  # who has not signed under a unit
        ("employee_id", "status"),  # the signer's own documents
        ("pdf_sha256",), ("unit_id",), ("version_id",),
        ("ceremony_id",),  # partial: only ceremony rows carry one
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_thousands_prints_what_intcomma_prints(language):
    from django.contrib.humanize.templatetags.humanize import intcomma

    with translation.override(language):
        for value in [0, 7, 999, 1000, -1234, 1234567, 10**12, None, "1234", 2.5, True]:
            assert thousands(value) == intcomma(value), value
