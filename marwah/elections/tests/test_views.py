"""Calendar, stage import, stage edit, participants and watch tasks: happy paths and refusals."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from marwah.elections.models import Election, Stage, VulnerablePoint, WatchTask
from marwah.elections.selectors import lexicon, running
from marwah.elections.suggester import suggest

GOOD_CSV = (
    "kode,nama,mulai,selesai,periode,bentuk_rawan,yang_diawasi\n"
    "daftar,Pendaftaran pasangan calon,2029-08-27,2029-08-29,sebelum,3;9,Pendekatan ke partai\n"
    "kampanye,Masa kampanye,2029-09-25,2029-11-23,selama,2:31.5;6;7,Media sosial pegawai\n"
    "coblos,Pemungutan suara,2029-11-27,2029-11-27,Selama,10,Tekanan kepada pegawai\n"
)
BAD_CSV = (
    "kode,nama,mulai,selesai,periode,bentuk_rawan\n"
    "daftar,Pendaftaran,2029-08-27,2029-08-20,sebelum,3\n"
    "kampanye,,27 September,2029-11-23,kadang,2;11\n"
    "coblos,Pemungutan suara,2029-11-27,2029-11-27,selama,10\n"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def new_election(**extra):
    return {"election": "", "code": "pilkada-2029", "name": "Pilkada 2029", "kind": "pilkada", "level": "regional",
            "area": "Indonesia", **extra}


def test_import_good_csv_previews_then_creates_the_election(people, as_user):
    client = as_user(people.admin)
    preview = client.post("/pemilu/impor/", new_election(file=upload("tahapan.csv", GOOD_CSV.encode())))
    body = preview.content.decode()
    assert preview.status_code == 200 and "Masa kampanye" in body
    assert not Election.objects.exists()  # nothing before the confirmation
    applied = client.post("/pemilu/impor/terapkan/")
    assert applied.status_code == 302 and applied["Location"] == "/pemilu/pilkada-2029/"
    election = Election.objects.get(code="pilkada-2029")
    stages = list(election.stages.order_by("starts"))
    assert [s.code for s in stages] == ["daftar", "kampanye", "coblos"]
    assert stages[1].period == "during" and stages[0].period == "before"
    weights = dict(VulnerablePoint.objects.filter(stage=stages[1]).values_list("form", "weight"))
    assert str(weights[2]) == "31.5" and str(weights[6]) == "30.4"  # default from regulations §2
    assert client.post("/pemilu/impor/terapkan/").status_code == 302  # second apply: expired, no error
    assert Election.objects.count() == 1


def test_import_xlsx_replaces_an_existing_elections_stages(people, as_user, running_election):
    wb = Workbook()
    ws = wb.active
    ws.append(["kode", "nama", "mulai", "selesai", "periode", "bentuk_rawan"])
    ws.append(["kampanye", "Masa kampanye (diubah)", "2029-09-25", "2029-11-23", "selama", "2;6"])
    buf = io.BytesIO()
    wb.save(buf)
    client = as_user(people.admin)
    r = client.post("/pemilu/impor/", {"election": "pilkada-uji", "file": upload("tahapan.xlsx", buf.getvalue())})
    assert r.status_code == 200
    client.post("/pemilu/impor/terapkan/")
    assert list(running_election.stages.values_list("name", flat=True)) == ["Masa kampanye (diubah)"]


def test_import_bad_file_lists_rows_and_imports_nothing(people, as_user):
    client = as_user(people.admin)
    r = client.post("/pemilu/impor/", new_election(file=upload("tahapan.csv", BAD_CSV.encode())))
    body = r.content.decode()
    assert r.status_code == 400
    assert "baris 2" in body and "baris 3" in body and "baris 4" not in body
    assert "terapkan" not in body
    assert client.post("/pemilu/impor/terapkan/").status_code == 302
    assert not Election.objects.exists() and not Stage.objects.exists()


def test_import_wrong_format_and_missing_header(people, as_user):
    client = as_user(people.admin)
    r = client.post("/pemilu/impor/", new_election(file=upload("tahapan.pdf", b"%PDF-1.4")))
    assert r.status_code == 400 and "Pilkada 2029" in r.content.decode()  # what was typed stays
    r = client.post("/pemilu/impor/", new_election(file=upload("t.csv", b"nama,mulai\nA,2029-01-01\n")))
    assert r.status_code == 400 and "selesai" in r.content.decode()


def test_only_administrators_import_or_edit(people, as_user, running_election):
    stage = running_election.stages.get(code="kampanye")
    participant = running_election.participants.first()
    for user in (people.hr, people.neutrality, people.employee, people.leader_jateng):
        client = as_user(user)
        assert client.get("/pemilu/impor/").status_code == 403
        assert client.post("/pemilu/impor/terapkan/").status_code == 403
        assert client.get(f"/pemilu/tahapan/{stage.pk}/ubah/").status_code == 403
        assert client.get(f"/pemilu/peserta/{participant.pk}/ubah/").status_code == 403


def test_calendar_refused_to_employees(people, as_user, running_election):
    assert as_user(people.employee).get("/pemilu/").status_code == 403
    assert as_user(people.employee).get("/pemilu/pilkada-uji/").status_code == 403
    assert as_user(people.neutrality).get("/pemilu/pilkada-uji/").status_code == 200


def test_admin_edits_a_stage_and_its_weights(people, as_user, running_election):
    stage = running_election.stages.get(code="kampanye")
    client = as_user(people.admin)
    data = {"name": "Kampanye", "starts": stage.starts.isoformat(), "ends": stage.ends.isoformat(),
            "period": "during", "watch": "Media sosial", "weight_2": "40", "weight_6": "30.4", "weight_4": "23.5",
            "weight_7": "22.4"}
    assert client.post(f"/pemilu/tahapan/{stage.pk}/ubah/", data).status_code == 302
    assert str(stage.points.get(form=2).weight) == "40.0"
    bad = client.post(f"/pemilu/tahapan/{stage.pk}/ubah/", {**data, "ends": "2000-01-01", "name": "Kampanye X"})
    assert bad.status_code == 400 and "Kampanye X" in bad.content.decode()


def test_participant_edit_changes_what_the_suggester_knows(people, as_user, running_election):
    participant = running_election.participants.get(number="2")
    client = as_user(people.admin)
    r = client.post(f"/pemilu/peserta/{participant.pk}/ubah/", {
        "kind": "pair", "number": "2", "name": participant.name, "area": "", "aliases": "Agus-Dewi\nAD Juara",
        "slogans": "Jateng Gemilang", "hashtags": "#ADJuara", "teams": "", "symbols": ""})
    assert r.status_code == 302
    s = suggest("Ayo menangkan #ADJuara, Jateng Gemilang!", "post", lexicon=lexicon())
    assert s.partisan and any(m.text == "#ADJuara" for m in s.matches)


def test_running_stage_panel_on_the_home_page(people, as_user, running_election):
    [r] = running()
    assert r.stage.code == "kampanye" and r.next_stage.code == "pemungutan" and r.days_to_next == 24
    for user in (people.neutrality, people.leader_jateng, people.hr):
        body = as_user(user).get("/").content.decode()
        assert "Masa kampanye" in body and "24 hari" in body, user
    assert "Masa kampanye" not in as_user(people.employee).get("/").content.decode()


def test_panel_says_when_nothing_runs(people, as_user):
    body = as_user(people.neutrality).get("/pemilu/").content.decode()
    assert "Tidak ada tahapan pemilu yang berjalan hari ini" in body


def test_watch_tasks_planned_recorded_and_scoped(people, as_user, running_election, tree):
    stage = running_election.stages.get(code="kampanye")
    team = as_user(people.neutrality)  # neutrality team at Kemenkumham HQ
    assert team.post(f"/pemilu/pengawasan/tahapan/{stage.pk}/buat/").status_code == 302
    tasks = WatchTask.objects.filter(stage=stage)
    assert {t.unit_id for t in tasks} == {tree.hq.pk, tree.kanwil_ntt.pk}
    assert sorted({t.form for t in tasks}) == [2, 4, 6]  # the three heaviest points
    task = tasks.get(unit=tree.kanwil_ntt, form=6)
    page = team.get("/pemilu/pengawasan/").content.decode()
    assert "Kanwil Kemenkumham NTT" in page
    r = team.post(f"/pemilu/pengawasan/{task.pk}/", {"checked": "Akun 40 pegawai", "found": ""})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_by == people.neutrality
    # A leader elsewhere sees nothing of it; employees and HR may not plan or record.
    assert as_user(people.outsider).get(f"/pemilu/pengawasan/{task.pk}/").status_code == 404
    assert as_user(people.leader_jateng).post(f"/pemilu/pengawasan/tahapan/{stage.pk}/buat/").status_code == 403
    assert as_user(people.employee).get("/pemilu/pengawasan/").status_code == 403
    assert as_user(people.hr).get(f"/pemilu/pengawasan/{task.pk}/").status_code == 404


@pytest.mark.parametrize("path", ["/pemilu/", "/pemilu/pengawasan/", "/pemilu/impor/"])
def test_anonymous_is_sent_to_login(client, db, path):
    r = client.get(path)
    assert r.status_code == 302 and "/akun/masuk/" in r["Location"]


def test_admin_adds_a_participant_and_others_may_not(people, as_user, running_election):
    data = {"kind": "pair", "number": "3", "name": "Rudi Hartono – Nia Kurnia", "area": "Jawa Tengah",
            "aliases": "RUNIA", "slogans": "", "hashtags": "#RuniaMenang", "teams": "", "symbols": ""}
    assert as_user(people.neutrality).post("/pemilu/pilkada-uji/peserta/baru/", data).status_code == 403
    r = as_user(people.admin).post("/pemilu/pilkada-uji/peserta/baru/", data)
    assert r.status_code == 302
    s = suggest("Gaspol nomor 3 #RuniaMenang", "post", lexicon=lexicon())
    assert s.partisan and any(m.kind == "number" and "Rudi" in m.label for m in s.matches)
    bad = as_user(people.admin).post("/pemilu/pilkada-uji/peserta/baru/", {**data, "name": ""})
    assert bad.status_code == 400 and "RUNIA" in bad.content.decode()
    assert as_user(people.admin).get("/pemilu/tidak-ada/peserta/baru/").status_code == 404


def test_a_planning_draft_is_said_to_be_one(people, as_user):
    from marwah.elections import services

    services.load_shipped()
    body = as_user(people.neutrality).get("/pemilu/").content.decode()
    assert "Pemilu 2024" in body and "Pilkada Serentak 2024" in body
    assert "rancangan perencanaan" in body
    detail = as_user(people.neutrality).get("/pemilu/pemilu-2024/").content.decode()
    assert "Prabowo Subianto" in detail and "Masa kampanye" in detail and "PKPU 3/2022" in detail
