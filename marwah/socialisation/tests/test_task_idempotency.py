"""The headcount refresh run twice, as a retried task would be: the same counts, not doubled."""

from __future__ import annotations

from conftest import make_person
from marwah.socialisation.models import Headcount
from marwah.socialisation.tasks import refresh_headcounts_task


def _counts() -> dict[int, int]:
    return dict(Headcount.objects.values_list("unit_id", "people"))


def test_refresh_twice_counts_each_person_once(tree, people):
    make_person(tree.grobogan, username="pegawai_baru")
    first = refresh_headcounts_task.call(tree.kpu.pk)
    counts = _counts()
    # KPU RI's subtree: admin, hr, auditor (RI), leader_jateng, mey, leader_grobogan, rina, pegawai_baru,
    # satgas_jatim, outsider.
    assert counts[tree.ri.pk] == 10 and counts[tree.grobogan.pk] == 3
    assert refresh_headcounts_task.call(tree.kpu.pk) == first == len(counts)
    assert _counts() == counts
