"""Issue 8: one test per correction of the regulation catalog (point 7, absence, is in rules.absence)."""

from __future__ import annotations

import pytest

from marwah.accounts.models import Role
from marwah.rules import catalog
from marwah.rules.catalog import CONFIRMED, POLICY, UNCONFIRMED
from marwah.rules.deadlines import CALENDAR, DEFAULTS, WORKING
from marwah.rules.documents import CODE_OF_CONDUCT, NEUTRALITY_PLEDGE
from marwah.rules.protection import ITEMS
from marwah.rules.sanctions import (
    HEAVY,
    MEDIUM,
    NEUTRALITY_FORMS,
    SANCTIONS,
    not_proven_sanctions,
    suggest_sanctions,
)
from marwah.rules.violations import CATEGORIES, KINDS, SKB_2022


def _codes(suggestions):
    return {s.sanction.code for s in suggestions}


def test_1_neutrality_is_huruf_d_and_the_law_in_force_is_cited():
    uu20 = [c for c in NEUTRALITY_PLEDGE.citations if "20 Tahun 2023" in c.source]
    assert uu20 and "huruf d" in uu20[0].article and "huruf e" not in uu20[0].article
    assert not any("5 Tahun 2014" in c.source for c in NEUTRALITY_PLEDGE.citations)
    assert any("5 Tahun 2014" in c.source for c in NEUTRALITY_PLEDGE.previous_citations)


def test_2_moral_sanctions_cite_pasal_15_ayat_2_and_3():
    for code in ("moral_closed", "moral_open"):
        article = SANCTIONS[code].citation.article
        assert "ayat (2)" in article and "ayat (3)" in article and "ayat (1)" not in article


def test_3_neutrality_tier_is_data_per_form_and_contested_forms_let_the_handler_choose():
    assert set(NEUTRALITY_FORMS) == {k for k in KINDS if KINDS[k].category == "neutrality"}
    for kind in ("n_campaign_team", "n_independent_support", "n_partisan_decision", "n_attend_campaign",
                 "n_social_interaction", "n_approach_party"):
        form = NEUTRALITY_FORMS[kind]
        assert form.mark == UNCONFIRMED and set(form.choices) == {MEDIUM, HEAVY}
        assert catalog.get(f"sanctions.neutrality_tier.{kind}").overridable == catalog.OVERRIDE_TIER
    # Where the handler must choose, both tiers are offered.
    both = _codes(suggest_sanctions("n_attend_campaign", employment_type="pns"))
    assert {"pp94_tukin_6", "pp94_demotion"} <= both
    # Confirmed forms carry a source and one tier.
    assert NEUTRALITY_FORMS["n_banner"].mark == CONFIRMED and NEUTRALITY_FORMS["n_banner"].default == HEAVY
    assert all(f.citations for f in NEUTRALITY_FORMS.values())


def test_4_judgements_are_institution_policy_not_law():
    for key in ("sanctions.policy.sexual_violence_asn_tier", "sanctions.policy.sexual_violence_organizer",
                "sanctions.policy.ethics_asn_tier", "sanctions.policy.data_leak_asn_tier",
                "sanctions.policy.ethics_organizer", "sanctions.policy.data_leak_organizer"):
        item = catalog.get(key)
        assert item.mark == POLICY and item.overridable
    reasons = [str(s.reason) for s in suggest_sanctions("sv_physical", employment_type="pns")]
    assert reasons and all("policy" in r.lower() or "kebijakan" in r.lower() for r in reasons)


def test_5_rehabilitation_only_for_election_organizers():
    assert not_proven_sanctions("ad_hoc") == ["rehabilitation"]
    assert not_proven_sanctions("commissioner") == ["rehabilitation"]
    assert not_proven_sanctions("pns") == ["not_proven_cleared"]
    assert catalog.get("sanctions.not_proven_other").mark == POLICY


def test_6_pppk_is_modelled_under_pp_49_2018():
    pns = suggest_sanctions("sv_physical", employment_type="pns")
    pppk = suggest_sanctions("sv_physical", employment_type="pppk")
    assert "pp94_pdhtaps" in _codes(pns) and "pp94_pdhtaps" not in _codes(pppk)
    assert "pppk_termination" in _codes(pppk)
    assert all("49 Tahun 2018" in s.citation.source and not s.citation.confirmed for s in pppk)
    member = suggest_sanctions("n_party_member", employment_type="pppk")
    assert "ptdh" not in _codes(member) and "pppk_termination_dishonour" in _codes(member)
    assert catalog.get("sanctions.pppk_discipline").mark == UNCONFIRMED


def test_8_data_leak_no_longer_cites_dkpp_pasal_11():
    for citation in (CATEGORIES["data_leak"].citation, KINDS["l_internal_data"].citation):
        assert "Pasal 11" not in str(citation) and not citation.confirmed and "seed 002" in citation.source


def test_9_satgas_units_are_unconfirmed_and_an_institution_may_allow_regency_information_points(tree, people):
    from marwah.rules.roles import role_unit_error
    from marwah.rules.services import set_override

    item = catalog.get("roles.satgas_pks_units")
    assert item.mark == UNCONFIRMED and any("setiap tingkatan" in c.source for c in item.citations)
    assert role_unit_error(Role.SATGAS_PKS, "kpu_kab", tree.kpu.pk)
    assert role_unit_error(Role.SATGAS_PKS, "kpu_prov", tree.kpu.pk) is None
    set_override(actor=people.admin, key=item.key, institution=tree.kpu, value=["kpu_ri", "kpu_prov", "kpu_kab"],
                 note="Keputusan KPU Provinsi: Jaring Informasi")
    assert role_unit_error(Role.SATGAS_PKS, "kpu_kab", tree.kpu.pk) is None


def test_10_each_deadline_says_which_days_it_counts():
    assert DEFAULTS[("sexual_violence", "decision")].day_kind == CALENDAR  # LAPOR 14 days
    assert DEFAULTS[("neutrality", "verification")].day_kind == CALENDAR  # BKN 7 days
    assert DEFAULTS[("sexual_violence", "verification")].day_kind == WORKING  # LAPOR 3 working days
    assert all(d.day_kind in (WORKING, CALENDAR) for d in DEFAULTS.values())


def test_11_demeaning_treatment_is_by_law_enforcement_officers():
    label = str(ITEMS["p_demeaning"].label)
    assert "law-enforcement" in label or "penegak hukum" in label


def test_12_skb_2022_is_cited_as_an_official_joint_decree():
    assert "1447.1/PM.01/K.1/09/2022" in SKB_2022 and "246 Tahun 2022" in SKB_2022
    skb = [c for c in NEUTRALITY_PLEDGE.citations if c.source == SKB_2022]
    assert skb and skb[0].confirmed
    assert CATEGORIES["neutrality"].citation.confirmed


def test_13_missing_rules_are_in_the_catalog():
    superior = catalog.get("sanctions.superior_must_examine")
    assert {c.article for c in superior.citations} == {"Pasal 26 ayat (1)", "Pasal 28"}
    assert any("20 Tahun 2017" in c.source for c in CODE_OF_CONDUCT.citations)
    assert "hoaks" in NEUTRALITY_PLEDGE.body and "ujaran kebencian" in NEUTRALITY_PLEDGE.body
    assert any("seed 003" in c.source for c in NEUTRALITY_PLEDGE.citations)


@pytest.mark.parametrize("kind", sorted(NEUTRALITY_FORMS))
def test_every_neutrality_form_suggests_something_for_a_civil_servant(kind):
    assert suggest_sanctions(kind, employment_type="pns")
