import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from marwah.audit import services
from marwah.audit.models import AuditEntry


def _tamper(entry_id: int, **changes):
    """Change a row behind the log's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_change")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        sets = ", ".join(f"{k} = %s" for k in changes)
        cursor.execute(f"UPDATE audit_auditentry SET {sets} WHERE id = %s", [*changes.values(), entry_id])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_change")


def test_chain_verifies_and_names_the_first_broken_entry(people):
    entries = [services.record(actor=people.admin, action="test.write", detail={"n": n}) for n in range(20)]
    assert services.verify_chains()[2] == ""
    call_command("audit_verify")
    victim = entries[7]
    _tamper(victim.pk, action="test.innocent")
    checked, broken, why = services.verify_chains()
    assert broken is not None and broken.pk == victim.pk
    assert "hash" in why
    with pytest.raises(CommandError, match=f"id={victim.pk}"):
        call_command("audit_verify")


def test_removed_entry_is_detected(people):
    entries = [services.record(actor=None, action="test.write") for _ in range(30)]
    chain_of = entries[3].chain
    same_chain = [e for e in entries if e.chain == chain_of]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_change")
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [same_chain[0].pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_change")
    assert services.verify_chains()[2] != ""


def test_database_refuses_update_and_delete(people):
    entry = services.record(actor=None, action="test.write")
    if connection.vendor == "sqlite":
        # The test database drops the DELETE trigger for flushes (see conftest); put it back here.
        from importlib import import_module

        from marwah.audit.migrations import __path__  # noqa: F401

        sql = import_module("marwah.audit.migrations.0002_append_only").SQLITE
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
    with pytest.raises(IntegrityError if connection.vendor == "sqlite" else Exception):
        with transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(IntegrityError if connection.vendor == "sqlite" else Exception):
        with transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()


def test_auditor_sees_log_and_verifies(as_user, people, tree):
    services.record(actor=people.satgas_jateng, action="case.read", target=("cases.case", "abc"), unit=tree.jateng)
    client = as_user(people.auditor)
    response = client.get("/audit/?action=case.read")
    assert [e.actor_label for e in response.context["entries"]] == ["mey"]
    response = client.post("/audit/verifikasi-rantai/")
    assert "Rantai utuh" in response.content.decode()


def test_audit_log_refusals(as_user, people, tree):
    services.record(actor=people.satgas_jateng, action="case.read", unit=tree.jateng)
    assert as_user(people.leader_jateng).get("/audit/").status_code == 403
    assert as_user(people.employee).get("/audit/").status_code == 403
    assert as_user(people.employee).post("/audit/verifikasi-rantai/").status_code == 403
    # An auditor of Kemenkumham sees nothing of KPU's units.
    from conftest import make_person
    from marwah.accounts.models import Role

    kum_auditor = make_person(tree.hq, username="aud_kum", role=Role.AUDITOR)
    response = as_user(kum_auditor).get("/audit/?action=case.read")
    assert response.context["entries"] == []


def test_one_transaction_writes_to_one_chain(db):
    # Locking two chain heads in one transaction could deadlock against another transaction.
    for _ in range(5):
        with transaction.atomic():
            chains = {services.record(actor=None, action="test.write").chain for _ in range(4)}
        assert len(chains) == 1


def test_chain_check_page_answers_get_with_a_page_not_405(as_user, people):
    """Issue 9.11: GET explains and offers the check; POST runs it; non-auditors are refused."""
    client = as_user(people.auditor)
    page = client.get("/audit/verifikasi-rantai/")
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert client.post("/audit/verifikasi-rantai/").status_code == 200
    assert as_user(people.employee).get("/audit/verifikasi-rantai/").status_code == 403


def test_a_batch_is_chained_in_order_on_a_new_and_an_existing_chain_head(people):
    """`batched()` appends its entries together (one statement on PostgreSQL, the hashes computed
    there): the first batch of a chain starts it, the next ones follow it, and every hash checks."""
    from marwah.audit.models import ChainHead

    ChainHead.objects.all().delete()
    for round_ in range(3):
        with transaction.atomic(), services.batched():
            made = [services.record(actor=people.admin if n % 2 else None, action="test.batch", unit=n,
                                    target=("cases.case", n), detail={"n": n, "teks": "ucapan “kutip” é", "r": round_})
                    for n in range(3)]
        assert all(e.pk for e in made)
        assert [e.seq for e in made] == list(range(made[0].seq, made[0].seq + 3))
        assert made[1].prev_hash == made[0].hash and made[2].prev_hash == made[1].hash
        stored = {e.pk: e for e in AuditEntry.objects.filter(pk__in=[e.pk for e in made])}
        assert [stored[e.pk].hash for e in made] == [e.hash for e in made]
        assert all(services.entry_hash(stored[e.pk]) == e.hash for e in made)
        head = ChainHead.objects.get(chain=made[0].chain)
        assert (head.seq, head.last_hash) == (made[2].seq, made[2].hash)
    assert services.verify_chains()[2] == ""
