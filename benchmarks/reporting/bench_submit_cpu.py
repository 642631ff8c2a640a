"""CPU and queries per report submission, in-process (service call, no HTTP), for A/B comparisons
when the machine is too loaded for the HTTP benchmark to mean anything.

    .venv/bin/pytest benchmarks/reporting/bench_submit_cpu.py -q -s -p no:cacheprovider

Uses the test tree (a Satgas team, a leader, the Satgas above, an identity custodian) and the
reporting tests' cheap receipt KDF, so it measures what submission adds around the KDF.
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_person
from marwah.accounts.models import Role
from marwah.reporting import services, vault


@pytest.mark.django_db
def test_submit_cpu(tree, people, settings):
    settings.MARWAH_KEY_KDF = (1, 8192)
    settings.MARWAH_RECEIPT_KDF = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    for user in (people.satgas_jateng, people.leader_jateng,
                 make_person(tree.ri, username="satgas_ri", role=Role.SATGAS_PKS),
                 make_person(tree.ri, username="kustodian", role=Role.IDENTITY_CUSTODIAN)):
        vault.unlock_user_key(user=user, password="rahasia-uji-123")

    def one(i: int) -> None:
        services.submit_report(submission=services.Submission(
            category="sexual_violence", kind="sv_electronic", institution=tree.kpu, unit=tree.grobogan,
            narrative=f"Narasi {i} " * 20, accused_text=f"Orang {i}", reporter_source=f"s{i}"))

    one(0)
    with CaptureQueriesContext(connection) as queries:
        one(1)
    n = 40
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(2, 2 + n):
        one(i)
    print(f"\nqueries/submission={len(queries.captured_queries)} "
          f"cpu_ms={(time.process_time() - cpu) / n * 1000:.1f} wall_ms={(time.perf_counter() - wall) / n * 1000:.1f}")
