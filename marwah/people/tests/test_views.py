import io

from django.test import TestCase
from openpyxl import Workbook

from marwah.people.models import Employee

HEADER = "nip,nomor_pegawai,nama,jabatan,jenis_kepegawaian,kode_unit,email,telepon,nip_atasan\n"
GOOD = (
    "198001012005011001,,Heru Santoso,Sekretaris,PNS,33.15,heru@example.org,0811,\n"
    "199002022015022002,,Rina Lestari,Staf Teknis,PNS,33.15,,,198001012005011001\n"
    ",KPPS-0001,Yuliana Bria,Ketua KPPS,Ad hoc,33,,,\n"
)


def upload(client, content: bytes, name: str, unit):
    """Upload, let the background check run, and open the job page the upload redirects to."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/pegawai/impor/", {"unit": unit.pk, "file": _file(content, name)})
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def can_apply(response) -> bool:
    return response.context["job"].status == "checked"


def apply(client, response):
    job = response.context["job"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = client.post(f"/pegawai/impor/{job.pk}/terapkan/")
    assert result.status_code == 302
    return client.get(result["Location"])


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_list_is_scoped_to_the_readers_subtree(as_user, people, tree):
    response = as_user(people.leader_jateng).get("/pegawai/")
    names = {e.name for e in response.context["employees"]}
    assert "Rina" in names
    assert "Outsider" not in names


def test_plain_employee_cannot_list_people(as_user, people):
    assert as_user(people.employee).get("/pegawai/").status_code == 403


def test_detail_of_someone_outside_scope_is_404(as_user, people):
    rina = Employee.objects.get(user=people.employee)
    assert as_user(people.outsider).get(f"/pegawai/{rina.pk}/").status_code == 404
    assert as_user(people.leader_jateng).get(f"/pegawai/{rina.pk}/").status_code == 200


def test_employee_sees_own_record_only(as_user, people):
    rina = Employee.objects.get(user=people.employee)
    other = Employee.objects.get(user=people.leader_grobogan)
    client = as_user(people.employee)
    assert client.get(f"/pegawai/{rina.pk}/").status_code == 200
    assert client.get(f"/pegawai/{other.pk}/").status_code == 404


def test_list_has_no_n_plus_one(as_user, people, tree, django_assert_max_num_queries):
    for n in range(30):
        Employee.objects.create(institution=tree.kpu, unit=tree.grobogan, unit_path=tree.grobogan.path,
                                name=f"Staf {n}", employment_type="non_asn", employee_number=f"X{n}")
    client = as_user(people.admin)
    with django_assert_max_num_queries(12):
        response = client.get("/pegawai/")
    assert len(response.context["employees"]) == 39  # 9 fixture people under KPU RI + 30


def test_csv_import_preview_then_apply_and_reimport_updates(as_user, people, tree):
    client = as_user(people.hr)
    response = upload(client, (HEADER + GOOD).encode(), "pegawai.csv", tree.ri)
    assert response.status_code == 200
    assert can_apply(response)
    assert not Employee.objects.filter(name="Heru Santoso").exists()  # preview writes nothing
    done = apply(client, response)
    assert done.context["job"].status == "done" and done.context["job"].summary["created"] == 3
    heru = Employee.objects.get(nip="198001012005011001")
    rina2 = Employee.objects.get(nip="199002022015022002")
    assert rina2.superior == heru and rina2.gender == "F" and str(rina2.birth_date) == "1990-02-02"
    assert Employee.objects.get(employee_number="KPPS-0001").unit == tree.jateng
    before = Employee.objects.count()
    changed = GOOD.replace("Staf Teknis", "Analis")
    apply(client, upload(client, (HEADER + changed).encode(), "pegawai.csv", tree.ri))
    assert Employee.objects.count() == before
    assert Employee.objects.get(nip="199002022015022002").position == "Analis"


def test_one_bad_row_imports_nothing_and_names_the_row(as_user, people, tree):
    client = as_user(people.hr)
    bad = GOOD + "1985031220100120,,Salah NIP,Staf,PNS,33.15,,,\n"
    response = upload(client, (HEADER + bad).encode(), "pegawai.csv", tree.ri)
    text = response.content.decode()
    assert "baris 5: NIP tidak valid" in text
    assert not can_apply(response)
    job = response.context["job"]
    assert client.post(f"/pegawai/impor/{job.pk}/terapkan/").status_code == 302
    assert not Employee.objects.filter(name="Heru Santoso").exists()


def test_unknown_column_set_and_unit_outside_scope(as_user, people, tree):
    client = as_user(people.hr)
    response = upload(client, b"nama,foo\nA,B\n", "x.csv", tree.ri)
    assert "Baris judul tidak memuat kolom" in response.content.decode()
    response = upload(client, (HEADER + ",N1,A,Staf,Non-ASN,35.78,,,\n").encode(), "x.csv", tree.jateng)
    # HR at KPU RI may import into Jawa Tengah, but Surabaya is not under it.
    assert "bukan unit yang boleh Anda impor" in response.content.decode()


def test_xlsx_import(as_user, people, tree):
    wb = Workbook()
    ws = wb.active
    ws.append(["NIP", "Nama", "Jabatan", "Jenis Kepegawaian", "Kode Unit"])
    ws.append(["198001012005011001", "Heru Santoso", "Sekretaris", "PNS", "33.15"])
    ws.append(["197701012003122004", "Ani", "Staf", "pppk", "33.15"])
    buf = io.BytesIO()
    wb.save(buf)
    client = as_user(people.hr)
    response = upload(client, buf.getvalue(), "pegawai.xlsx", tree.ri)
    assert can_apply(response), response.context["job"].errors
    apply(client, response)
    assert Employee.objects.filter(nip="197701012003122004", employment_type="pppk").exists()


def test_import_refused_for_leader_and_outsider(as_user, people, tree):
    assert as_user(people.leader_jateng).get("/pegawai/impor/").status_code == 403
    response = upload(as_user(people.outsider), (HEADER + GOOD).encode(), "p.csv", tree.ri)
    assert response.status_code == 403


def test_broken_file_gets_a_message_not_a_500(as_user, people, tree):
    response = upload(as_user(people.hr), b"\x00\x01garbage", "p.xlsx", tree.ri)
    assert response.status_code == 200
    assert "bukan XLSX" in response.content.decode()


def test_xlsx_nip_stored_as_number_is_explained(as_user, people, tree):
    wb = Workbook()
    ws = wb.active
    ws.append(["NIP", "Nama", "Jenis Kepegawaian", "Kode Unit"])
    ws.append([197701012003122004, "Ani", "PNS", "33.15"])  # a Number cell: Excel keeps 15 digits
    buf = io.BytesIO()
    wb.save(buf)
    response = upload(as_user(people.hr), buf.getvalue(), "pegawai.xlsx", tree.ri)
    assert "baris 2: NIP disimpan sebagai angka" in response.content.decode(), response.context["job"].errors


def test_check_page_polls_and_only_the_uploader_sees_the_job(as_user, people, tree):
    from marwah.people.models import ImportJob

    job = ImportJob.objects.create(created_by=people.hr, root=tree.ri, filename="x.csv", total=40000, done=10000)
    page = as_user(people.hr).get(f"/pegawai/impor/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="25"' in page
    assert as_user(people.admin).get(f"/pegawai/impor/{job.pk}/status/").status_code == 404
    assert as_user(people.outsider).post(f"/pegawai/impor/{job.pk}/terapkan/").status_code == 404


def test_upload_returns_at_once_and_check_runs_later(as_user, people, tree):
    from marwah.people.models import ImportJob

    response = as_user(people.hr).post("/pegawai/impor/", {"unit": tree.ri.pk,
                                                            "file": _file((HEADER + GOOD).encode(), "p.csv")})
    assert response.status_code == 302
    assert ImportJob.objects.get().status == "checking"  # the worker has not run yet: the page did not wait
