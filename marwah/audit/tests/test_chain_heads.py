"""Concurrent one-statement appends must never race to start a chain (a CI run once lost a signing
to `duplicate key ... audit_chain_seq_unique (chain, seq)=(2, 1)`: two writers both found no head row
and both wrote seq 1)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from marwah.audit import services
from marwah.audit.models import AuditEntry, ChainHead


@pytest.mark.django_db(transaction=True)
def test_every_chain_head_exists_after_migrate_and_after_flush():
    assert sorted(ChainHead.objects.values_list("chain", flat=True)) == list(range(services.CHAINS))
    services.record(actor=None, action="test.write")
    call_command("flush", interactive=False, verbosity=0)
    heads = ChainHead.objects.order_by("chain")
    assert [(h.chain, h.seq, h.last_hash) for h in heads] == [(c, 0, "0" * 64) for c in range(services.CHAINS)]
    assert services.verify_chains()[2] == ""


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_entries_of_a_chain_all_land_in_one_unbroken_chain(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement append is PostgreSQL's; SQLite serialises writers")
    monkeypatch.setattr(services.random, "randrange", lambda n: 3)
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(5):
                services.record_read(actor=None, action="test.read", target=("cases.case", n), detail={"i": i})
        except BaseException as exc:  # noqa: BLE001  (the assertion below names it)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(AuditEntry.objects.filter(chain=3).order_by("seq").values_list("seq", flat=True)) == list(range(1, 31))
    assert services.verify_chains()[2] == ""
