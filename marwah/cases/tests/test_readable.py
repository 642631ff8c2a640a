"""Small readability fixes: unique ids on the case page, dates with times, the inbox as cards on a phone."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from marwah.cases.tests.conftest import with_key
from marwah.cases.tests.factories import submit
from marwah.reporting import crypto


@pytest.fixture
def case(people, tree, kpu):
    with_key(people.satgas_jateng)
    return submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang], report_key=crypto.new_key()).case


def test_case_page_has_no_duplicate_ids(case, people, unlocked):
    page = unlocked(people.satgas_jateng).get(reverse("cases:detail", args=[case.public_id])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'for="id_protection_note"' in page and 'for="id_referral_note"' in page


def test_inbox_dates_have_times_and_cells_name_their_column(case, people, as_user):
    page = as_user(people.satgas_jateng).get(reverse("cases:inbox")).content.decode()
    stamp = timezone.localtime(case.created_at).strftime("%H:%M")
    assert stamp in page
    assert 'class="cards-sm"' in page and 'data-label="Status"' in page
    # An outsider still sees nothing of it.
    assert case.public_id not in as_user(people.outsider).get(reverse("cases:inbox")).content.decode()
