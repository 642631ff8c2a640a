"""Pages speak one language: no Indonesian dates on English pages, no English phrases on Indonesian ones."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from marwah.audit import services as audit
from marwah.audit.tests.test_audit import _tamper

ID_MONTHS = r"(Januari|Februari|Maret|Mei|Juni|Juli|Agustus|Oktober|Desember)"
EN_MONTHS = r"(January|February|March|May|June|July|August|October|December)"
ENGLISH_LEFTOVERS = ("does not match", "previous hash", "sequence gap", "entries missing")


def _text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _in(client, lang: str):
    client.cookies["django_language"] = lang
    return client


def test_campaign_page_dates_follow_the_language(tree, people, pact, launch, as_user):
    deadline = dt.date(timezone.localdate().year + 1, 12, 12)
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first(), deadline=deadline)
    url = reverse("pledges:campaign", args=[campaign.pk])
    english = _text(_in(as_user(people.leader_grobogan), "en").get(url))
    assert f"12 December {deadline.year}" in english
    assert not re.search(r"\d{1,2} " + ID_MONTHS + r" \d{4}", english), "an Indonesian date on an English page"
    indonesian = _text(_in(as_user(people.leader_grobogan), "id").get(url))
    assert f"12 Desember {deadline.year}" in indonesian
    assert not re.search(r"\d{1,2} " + EN_MONTHS + r" \d{4}", indonesian), "an English date on an Indonesian page"
    for page in (reverse("pledges:index"), "/"):
        english = _text(_in(as_user(people.leader_grobogan), "en").get(page))
        assert not re.search(r"\d{1,2} " + ID_MONTHS + r" \d{4}", english), page


def test_broken_chain_message_is_all_indonesian(people, as_user):
    entries = [audit.record(actor=people.admin, action="test.write", detail={"n": n}) for n in range(3)]
    _tamper(entries[1].pk, action="test.innocent")
    page = _text(_in(as_user(people.auditor), "id").post("/audit/verifikasi-rantai/"))
    assert "hash" in page
    for phrase in ENGLISH_LEFTOVERS:
        assert phrase not in page, phrase
