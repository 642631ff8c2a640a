"""The suggester on the project's held-out split, through the scoring command (a regression guard).

The figures asserted here are the ones reported in docs/benchmarks.md; a change that
lowers them fails. They are not timed.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from marwah.elections import services
from marwah.elections.suggester import load_labelled, score, split_of, suggest

# docs/benchmarks.md, "Neutrality suggester": test split, fresh database (shipped election data).
REPORTED_F1 = 0.95
REPORTED_FORM_ACCURACY = 0.90


def _run(lines: list[str]) -> list[dict]:
    out = io.StringIO()
    call_command("neutrality_suggest", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_split_is_fixed_and_disjoint():
    train, test = load_labelled("train"), load_labelled("test")
    assert len(train) + len(test) == len(load_labelled()) >= 400
    assert not {e.text for e in train} & {e.text for e in test}
    assert all(split_of(e.text) == "test" for e in test)
    assert 0.25 < len(test) / (len(train) + len(test)) < 0.45


@pytest.mark.django_db
def test_command_on_test_split_meets_reported_scores():
    test = load_labelled("test")
    answers = _run([json.dumps({"text": e.text, "action": e.action}) for e in test])
    result = score(test, answers)
    assert result.f1 >= REPORTED_F1, result
    assert result.form_accuracy >= REPORTED_FORM_ACCURACY, result
    assert result.f1 >= 0.85 and result.form_accuracy >= 0.75


@pytest.mark.django_db
def test_command_uses_the_running_elections_numbers(tree):
    services.load_shipped(codes=["pemilu-2024"])
    [answer] = _run([json.dumps({"text": "Sikat 02!"})])
    assert answer["partisan"] is True
    assert any("02" in r and "Prabowo" in r for r in answer["reasons"])
    assert set(answer) == {"partisan", "form", "reasons"}


@pytest.mark.django_db
def test_command_keeps_output_aligned_on_bad_lines():
    answers = _run(['{"text": "Gaspol 01, perubahan!", "action": "like"}', "not json", '{"text": ""}'])
    assert len(answers) == 3
    assert answers[0]["partisan"] is True and answers[0]["form"] == 6
    assert "error" in answers[1] and answers[2]["partisan"] is False


@pytest.mark.parametrize("text,action,partisan,form", [
    ("ASN wajib netral, jangan like postingan paslon mana pun", "post", False, None),
    ("Membagikan pengumuman resmi KPU tentang nomor urut paslon", "share", False, None),
    ("Foto bareng Pak Ganjar salam tiga jari", "photo", True, 4),
    ("Resmi jadi pengurus DPC Partai Gerindra, mohon doanya", "post", True, 5),
    ("Kumpulkan fotokopi KTP untuk calon perseorangan", "post", True, 9),
])
def test_hard_cases(text, action, partisan, form):
    s = suggest(text, action)
    assert s.partisan is partisan
    assert s.form == form
    assert s.reasons()


@pytest.mark.django_db
def test_load_elections_command(tmp_path):
    out = io.StringIO()
    call_command("load_elections", stdout=out)
    assert "pemilu-2024: 15 stages, 21 participants" in out.getvalue()
    meta = tmp_path / "pilkada-2029.json"
    meta.write_text(json.dumps({"code": "pilkada-2029", "name": "Pilkada 2029", "kind": "pilkada",
                                "participants": [{"kind": "pair", "number": "1", "name": "A – B"}]}))
    stages = tmp_path / "s.csv"
    stages.write_text("kode,nama,mulai,selesai,periode,bentuk_rawan\nk,Kampanye,2029-09-01,2029-11-01,selama,2;6\n")
    call_command("load_elections", json=str(meta), stages=str(stages), stdout=out)
    assert "pilkada-2029: 1 stages, 1 participants" in out.getvalue()
    stages.write_text("kode,nama,mulai,selesai,periode\nk,,2029-09-01,2029-08-01,kapan\n")
    meta.write_text(meta.read_text().replace("pilkada-2029", "pilkada-2030"))
    with pytest.raises(CommandError, match="(row|baris) 2"):
        call_command("load_elections", json=str(meta), stages=str(stages), stdout=out)
