"""Organisers schedule programmes and sessions in their subtree, attach materials, record outreach."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marwah.socialisation.models import Material, Programme, Session

pytestmark = pytest.mark.django_db


def _session_data(tree, pks, **extra):
    data = {"title": "Sosialisasi Anti Kekerasan Seksual", "kind": "sosialisasi", "mode": "online",
            "topics": [pks.pk], "host_unit": tree.jateng.pk, "participating": [tree.jateng.pk],
            "starts_at": "2026-08-06T09:00", "ends_at": "2026-08-06T12:00", "meeting_url": "https://zoom.us/j/1",
            "outside_speakers": "Nur Laila Hafidhoh — LRC-KJHAM"}
    data.update(extra)
    return data


def test_satgas_schedules_a_programme_and_its_sessions(tree, people, pks, as_user):
    kiki = as_user(people.satgas_jateng)
    made = kiki.post(reverse("socialisation:programmes"), {
        "title": "Edukasi Anti Kekerasan Seksual 2026", "unit": tree.jateng.pk, "topics": [pks.pk]})
    assert made.status_code == 302
    programme = Programme.objects.get()
    assert programme.organiser_role == "satgas" and programme.unit == tree.jateng
    form = kiki.get(reverse("socialisation:session_new"), {"programme": programme.pk})
    assert form.status_code == 200 and "Edukasi Anti Kekerasan Seksual 2026" in form.content.decode()
    saved = kiki.post(reverse("socialisation:session_new"), _session_data(tree, pks, programme=programme.pk))
    assert saved.status_code == 302
    session = Session.objects.get()
    assert session.programme == programme
    speaker = session.speakers.get()
    assert speaker.is_external and speaker.affiliation == "LRC-KJHAM"
    assert set(session.participating.values_list("unit", flat=True)) == {tree.jateng.pk}
    # A launch as the series' last session.
    kiki.post(reverse("socialisation:session_new"), _session_data(
        tree, pks, kind="launch", mode="hybrid", place="Aula KPU Provinsi Jawa Tengah", programme=programme.pk,
        starts_at="2026-08-17T10:00", ends_at="2026-08-17T11:30"))
    assert programme.sessions.filter(kind="launch").count() == 1


def test_bad_session_input_keeps_what_was_typed(tree, people, pks, as_user):
    kiki = as_user(people.satgas_jateng)
    bad = kiki.post(reverse("socialisation:session_new"), _session_data(
        tree, pks, meeting_url="", ends_at="2026-08-06T08:00"))
    text = bad.content.decode()
    assert bad.status_code == 400 and not Session.objects.exists()
    assert "Sosialisasi Anti Kekerasan Seksual" in text and "tautan rapat" in text and "setelah waktu mulai" in text


def test_scheduling_is_refused_outside_the_organisers_subtree(tree, people, pks, as_user):
    assert as_user(people.employee).get(reverse("socialisation:session_new")).status_code == 404
    assert as_user(people.employee).get(reverse("socialisation:programmes")).status_code == 404
    # Jawa Timur's Satgas cannot host in or open a session to Jawa Tengah.
    jatim = as_user(people.satgas_jatim)
    bad = jatim.post(reverse("socialisation:session_new"), _session_data(tree, pks, host_unit=tree.jatim.pk))
    assert bad.status_code == 400 and not Session.objects.exists()
    bad = jatim.post(reverse("socialisation:programmes"), {"title": "x", "unit": tree.jateng.pk, "topics": [pks.pk]})
    assert bad.status_code == 400 and not Programme.objects.exists()


def test_materials_attach_to_a_session(tree, people, make_session, as_user):
    session = make_session()
    kiki = as_user(people.satgas_jateng)
    pdf = SimpleUploadedFile("paparan.pdf", b"%PDF-1.4 test", "application/pdf")
    kiki.post(reverse("socialisation:material_add", args=[session.pk]), {"kind": "file", "title": "Paparan", "file": pdf})
    kiki.post(reverse("socialisation:material_add", args=[session.pk]),
              {"kind": "video", "title": "Rekaman", "url": "https://youtube.com/watch?v=x"})
    exe = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    kiki.post(reverse("socialisation:material_add", args=[session.pk]), {"kind": "file", "title": "X", "file": exe})
    assert list(Material.objects.order_by("pk").values_list("title", flat=True)) == ["Paparan", "Rekaman"]
    page = as_user(people.employee).get(reverse("socialisation:session", args=[session.pk])).content.decode()
    assert "Paparan" in page and "Rekaman" in page
    assert as_user(people.employee).post(reverse("socialisation:material_add", args=[session.pk]),
                                         {"kind": "video", "title": "x", "url": "https://x.org"}).status_code == 404


def test_topic_quiz_for_participants(tree, people, pks, as_user):
    rina = as_user(people.employee)
    page = rina.get(reverse("socialisation:quiz", args=[pks.pk]))
    assert page.status_code == 200 and "UU 12/2022" in page.content.decode()
    answers = {f"q{i}": item["answer"] for i, item in enumerate(pks.quiz)}
    answers["q0"] = (pks.quiz[0]["answer"] + 1) % 3
    scored = rina.post(reverse("socialisation:quiz", args=[pks.pk]), answers).content.decode()
    assert f"{len(pks.quiz) - 1} dari {len(pks.quiz)} benar" in scored
    # Kemenkumham's people do not see KPU's topics.
    from conftest import make_person

    other = make_person(tree.kanwil_ntt, username="pegawai_kum")
    assert as_user(other).get(reverse("socialisation:quiz", args=[pks.pk])).status_code == 404


def test_hr_adds_a_topic_with_a_quiz_and_bad_lines_are_explained(tree, people, as_user):
    hr = as_user(people.hr)
    bad = hr.post(reverse("socialisation:topics"), {"title": "Gratifikasi", "regulation": "Permenpan 20/2022",
                                                    "quiz": "Apa itu gratifikasi? | pemberian | hadiah"})
    assert bad.status_code == 400 and "Baris kuis 1" in bad.content.decode() and "Gratifikasi" in bad.content.decode()
    ok = hr.post(reverse("socialisation:topics"), {"title": "Gratifikasi", "regulation": "Permenpan 20/2022",
                                                   "quiz": "Wajib dilaporkan ke? | *KPK | Atasan saja"})
    assert ok.status_code == 302
    from marwah.socialisation.models import Topic

    topic = Topic.objects.get(title="Gratifikasi")
    assert topic.quiz == [{"q": "Wajib dilaporkan ke?", "options": ["KPK", "Atasan saja"], "answer": 0}]
    assert as_user(people.leader_jateng).post(reverse("socialisation:topics"),
                                              {"title": "x", "regulation": "y"}).status_code == 404
