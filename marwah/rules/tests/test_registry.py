"""Every rule has a citation or an explicit mark; every rule the code uses is registered and on /aturan/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from marwah.rules import catalog
from marwah.rules.catalog import CONFIRMED, MARKS, POLICY, UNCONFIRMED, Citation, Rule
from marwah.rules.deadlines import DEFAULTS
from marwah.rules.documents import DEFAULT_TEXTS
from marwah.rules.protection import ITEMS
from marwah.rules.sanctions import NEUTRALITY_FORMS, SANCTIONS
from marwah.rules.violations import CATEGORIES, KINDS

ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_has_a_citation_or_an_explicit_mark():
    rules = catalog.all_rules()
    assert len(rules) > 100
    for item in rules:
        assert item.mark in MARKS, item.key
        assert item.citations or item.mark in (POLICY, UNCONFIRMED), item.key
        if item.mark == CONFIRMED:
            assert all(c.article for c in item.citations if c.status == CONFIRMED), item.key
            assert any(c.status == CONFIRMED for c in item.citations), item.key


def test_confirmed_law_needs_an_article():
    with pytest.raises(ValueError):
        catalog.register(Rule("test.bad", "test", "x", "y", (Citation("UU", ""),), CONFIRMED))


def test_the_data_the_code_uses_is_all_registered():
    keys = {r.key for r in catalog.all_rules()}
    expected = {f"violations.category.{c}" for c in CATEGORIES} | {f"violations.kind.{k}" for k in KINDS}
    expected |= {f"sanctions.sanction.{s}" for s in SANCTIONS} | {d.key for d in DEFAULTS.values()}
    expected |= {f"sanctions.neutrality_tier.{k}" for k in NEUTRALITY_FORMS} | {f"protection.{i}" for i in ITEMS}
    expected |= {f"documents.{t.key}" for t in DEFAULT_TEXTS} | {"roles.satgas_pks_units"}
    assert expected <= keys, expected - keys


def test_every_rule_the_code_declares_it_applies_is_registered():
    keys = {r.key for r in catalog.all_rules()}
    uses = catalog.uses()
    assert uses and set(uses) <= keys, set(uses) - keys


def test_rule_keys_written_in_the_code_are_registered():
    """A scan of the source: every literal key passed to catalog.effective / catalog.get / applies exists."""
    keys = {r.key for r in catalog.all_rules()}
    call = re.compile(r'(?:effective|catalog\.get|applies)\(([^()]*)\)')
    literal = re.compile(r'"([a-z_]+\.[a-z0-9_.]+)"')
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "catalog.py":  # its docstring
            continue
        for args in call.findall(path.read_text(encoding="utf-8")):
            found |= set(literal.findall(args))
    assert "sanctions.superior_must_examine" in found  # the scan sees calls outside marwah.rules
    assert found <= keys, found - keys


def test_every_rule_appears_on_the_page_and_in_the_csv(as_user, people):
    client = as_user(people.auditor)
    page = client.get(reverse("rules:index"))
    assert page.status_code == 200
    body = page.content.decode()
    csv_body = client.get(reverse("rules:csv")).content.decode("utf-8-sig")
    for item in catalog.all_rules():
        assert f'data-rule="{item.key}"' in body, item.key
        assert item.key in csv_body, item.key


def test_catalog_version_is_a_hash_of_the_content():
    version = catalog.catalog_version()
    assert version.startswith(catalog.CATALOG_EDITION + "+") and len(version.split("+")[1]) == 12
    assert catalog.content_hash().startswith(version.split("+")[1])
