"""Demo socialisation: KPU RI's hybrid rakor on ethics and Keputusan KPU 1341/2024 with KPU NTT's attendance
(seed 000), the Jawa Tengah Satgas PKS education series organised by Kiki with KPU Grobogan attending and the
17 August launch (seed 001), and Kemenkumham NTT's neutrality internalisation at roll-calls for the last few
weeks, with posters, a circular and posts (seed 004 points 1-2)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from marwah.accounts.models import Role, User
from marwah.accounts.services import assign_role
from marwah.core.demo import DEMO_PASSWORD, DemoContext
from marwah.people.models import Employee
from marwah.socialisation import services
from marwah.socialisation.models import Attendance, Outreach, Session
from marwah.socialisation.services import SpeakerSpec


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _attend(session: Session, people: list[Employee], method: str, actor: object, *, late_every: int = 0) -> None:
    for i, employee in enumerate(people):
        late = bool(late_every) and i % late_every == late_every - 1
        at = session.starts_at + dt.timedelta(minutes=25 if late else 2 + i % 10)
        services.record_attendance(session=session, employee=employee, method=method, actor=actor, at=at, late=late)


def _secretary_login(ctx: DemoContext) -> User:
    """Journey 11: the secretary of KPU Provinsi NTT records his office's attendance."""
    unit = ctx.units["kpu_ntt"]
    employee = Employee.objects.filter(unit=unit, position="Sekretaris").first() or \
        Employee.objects.filter(unit=unit).order_by("pk").first()
    assert employee is not None
    first, _sep, last = employee.name.partition(" ")
    user = User(username="sekretaris_ntt", first_name=first, last_name=last,
                email="sekretaris_ntt@demo.marwah.local", is_demo=True)
    user.set_password(DEMO_PASSWORD)
    user.save()
    employee.user, employee.email = user, user.email
    employee.save(update_fields=["user", "email"])
    assign_role(actor=None, user=user, role=Role.UNIT_LEADER, unit=unit)
    TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    ctx.users["sekretaris_ntt"] = user
    ctx.logins.append(("sekretaris_ntt", "Secretary, KPU Provinsi NTT",
                       "record the office's attendance of the KPU RI rakor; apel for those absent"))
    return user


def _rakor(ctx: DemoContext, topics: dict) -> None:
    u, users = ctx.units, ctx.users
    day = dt.date(2025, 7, 8)
    rakor = services.create_session(
        actor=users["satgas_ri"], kind=Session.Kind.RAKOR, mode=Session.Mode.HYBRID,
        title="Rapat Koordinasi Penguatan Etika Penyelenggara Pemilu dan Sosialisasi Keputusan KPU Nomor 1341 "
              "Tahun 2024 tentang Pencegahan Kekerasan Seksual di Lingkungan KPU",
        topics=[topics["kode-etik"], topics["pks-1341"]], host_unit=u["kpu_ri"], participating=[u["kpu_ri"]],
        starts_at=_at(day, 9), ends_at=_at(day, 12), place="Ruang Sidang Utama Lantai 2, Kantor KPU RI, Jakarta",
        meeting_url="https://zoom.us/j/0000000000",
        speakers=[SpeakerSpec("Mochammad Afifuddin", "Ketua KPU RI"),
                  SpeakerSpec("Betty Epsilon Idroos", "Anggota KPU RI"),
                  SpeakerSpec("Parsadaan Harahap", "Anggota KPU RI"),
                  SpeakerSpec("Iffa Rosita", "Anggota KPU RI")])
    services.add_material(actor=users["satgas_ri"], kind="link", title="Keputusan KPU No. 1341 Tahun 2024 (JDIH KPU)",
                          session=rakor, url="https://jdih.kpu.go.id/")
    # KPU RI's own staff in the hall.
    ri = list(Employee.objects.filter(unit=u["kpu_ri"]).order_by("name")[:15])
    _attend(rakor, ri, Attendance.Method.QR, None, late_every=6)
    # Journey 11: KPU NTT followed online; its secretary records who attended from the office.
    secretary = _secretary_login(ctx)
    ntt = list(Employee.objects.filter(unit=u["kpu_ntt"]).order_by("name"))
    present, absent = ntt[: len(ntt) * 2 // 3], ntt[len(ntt) * 2 // 3:]
    _attend(rakor, present, Attendance.Method.TICKED, secretary)
    # … and runs a short internalisation at Monday's apel for the staff who were not there.
    apel_day = dt.date(2025, 7, 14)
    apel = services.create_session(
        actor=secretary, kind=Session.Kind.APEL, title="Internalisasi Keputusan KPU 1341/2024 saat apel pagi",
        topics=[topics["pks-1341"]], host_unit=u["kpu_ntt"], participating=[u["kpu_ntt"]],
        starts_at=_at(apel_day, 7, 30), ends_at=_at(apel_day, 7, 50), place="Halaman Kantor KPU Provinsi NTT")
    _attend(apel, absent, Attendance.Method.TICKED, secretary)
    # A few other provinces record theirs too.
    for key in ("kpu_jateng", "kpu_jatim", "kpu_malut"):
        people = list(Employee.objects.filter(unit=u[key]).order_by("name"))
        _attend(rakor, people[: len(people) // 2], Attendance.Method.IMPORTED, users["admin"])


def _jateng_series(ctx: DemoContext, topics: dict) -> None:
    u, users, e = ctx.units, ctx.users, ctx.employees
    kiki = users["kiki"]
    programme = services.create_programme(
        actor=kiki, unit=u["kpu_jateng"], organiser_role=Role.SATGAS_PKS, topics=[topics["pks-1341"]],
        title="Edukasi Penciptaan Lingkungan Kerja Anti Kekerasan Seksual KPU se-Jawa Tengah 2025",
        description="Serangkaian edukasi Satgas PKS KPU Provinsi Jawa Tengah menuju launching Unit Anti Kekerasan.")
    day = dt.date(2025, 8, 6)
    zoom = services.create_session(
        actor=kiki, programme=programme, kind=Session.Kind.SOSIALISASI, mode=Session.Mode.ONLINE,
        title="Sosialisasi Penciptaan Lingkungan Kerja Anti Kekerasan Seksual melalui Zoom Meeting",
        topics=[topics["pks-1341"]], host_unit=u["kpu_jateng"], participating=[u["kpu_jateng"]],
        starts_at=_at(day, 9), ends_at=_at(day, 12), meeting_url="https://zoom.us/j/1111111111",
        speakers=[SpeakerSpec("Nur Laila Hafidhoh", "LRC-KJHAM", is_external=True),
                  SpeakerSpec("Mey Nurlela", "Kadiv SDM dan Litbang KPU Provinsi Jawa Tengah", user=users["mey"]),
                  SpeakerSpec("Muslim Aisha", "Kadiv Hukum dan Pengawasan KPU Provinsi Jawa Tengah"),
                  SpeakerSpec("Kiki Rizka Ningsih", "Moderator, Kabag Parmas dan SDM", user=kiki)])
    services.add_material(actor=kiki, kind="link", title="Paparan LRC-KJHAM: jenis-jenis kekerasan seksual (salindia)",
                          session=zoom, url="https://lrc-kjham.org/")
    # KPU Grobogan followed from its hall: the secretary ticked most, others scanned the code.
    grobogan = list(Employee.objects.filter(unit=u["kpu_grobogan"]).exclude(pk=e["rina"].pk).order_by("name"))
    _attend(zoom, grobogan[:8], Attendance.Method.TICKED, users["ketua_jateng"])
    _attend(zoom, grobogan[8:14], Attendance.Method.QR, None, late_every=3)
    province = list(Employee.objects.filter(unit=u["kpu_jateng"]).order_by("name"))
    _attend(zoom, province, Attendance.Method.QR, None, late_every=7)
    semarang = list(Employee.objects.filter(unit=u["kpu_semarang"]).order_by("name"))
    _attend(zoom, semarang[: len(semarang) // 2], Attendance.Method.IMPORTED, kiki)
    services.ask_question(session=zoom, employee=None, anonymous=True,
                          text="Kalau atasan sering mengirim pesan bermuatan seksual lewat WhatsApp di luar jam kerja, "
                               "apakah itu termasuk kekerasan seksual? Ke mana saya melapor?")
    asked = services.ask_question(session=zoom, employee=grobogan[0], anonymous=False,
                                  text="Apakah Satgas PKS juga ada di tingkat kabupaten/kota?")
    services.mark_answered(question=asked, actor=kiki)
    launch = dt.date(2025, 8, 17)
    services.create_session(
        actor=kiki, programme=programme, kind=Session.Kind.LAUNCH, mode=Session.Mode.HYBRID,
        title="Launching Unit Anti Kekerasan di Lingkungan KPU Provinsi Jawa Tengah",
        topics=[topics["pks-1341"]], host_unit=u["kpu_jateng"], participating=[u["kpu_jateng"]],
        starts_at=_at(launch, 10), ends_at=_at(launch, 11, 30), place="Aula KPU Provinsi Jawa Tengah, Semarang",
        meeting_url="https://zoom.us/j/2222222222")
    # Next in the series, so Rina sees it on her home page.
    soon = timezone.localdate() + dt.timedelta(days=6)
    services.create_session(
        actor=kiki, programme=programme, kind=Session.Kind.TRAINING, mode=Session.Mode.ONLINE,
        title="Pelatihan Penanganan Laporan Kekerasan Seksual bagi Sekretariat KPU Kabupaten/Kota",
        topics=[topics["pks-1341"]], host_unit=u["kpu_jateng"], participating=[u["kpu_jateng"]],
        starts_at=_at(soon, 9), ends_at=_at(soon, 11), meeting_url="https://zoom.us/j/3333333333")
    services.create_outreach(actor=kiki, unit=u["kpu_jateng"], day=dt.date(2025, 8, 7), channel=Outreach.Channel.SOCIAL,
                             topic=topics["pks-1341"], title="Unggahan Instagram: Merdeka dari kekerasan seksual",
                             link="https://www.instagram.com/kpujateng/", reach=2140)


def _kemenkumham_apel(ctx: DemoContext) -> None:
    u, users = ctx.units, ctx.users
    topics = {t.key: t for t in services.ensure_default_topics(institution=u["kum_ntt"].institution,
                                                               actor=users["admin_kum"])}
    neutrality = topics["netralitas-asn"]
    marciana = users["marciana"]
    staff = list(Employee.objects.filter(unit=u["kum_ntt"]).order_by("name"))
    today = timezone.localdate()
    start = today - dt.timedelta(days=21)
    day = start
    n = 0
    while day < today:
        if day.weekday() in (0, 3):  # Monday morning and Thursday afternoon roll-calls
            hour = 7 if day.weekday() == 0 else 16
            apel = services.create_session(
                actor=marciana, kind=Session.Kind.APEL, title="Internalisasi netralitas ASN saat apel",
                topics=[neutrality], host_unit=u["kum_ntt"], participating=[u["kum_ntt"]],
                starts_at=_at(day, hour, 30), ends_at=_at(day, hour, 50), place="Halaman Kanwil Kemenkumham NTT")
            present = [p for i, p in enumerate(staff) if (i + n) % 5]
            _attend(apel, present, Attendance.Method.TICKED, marciana)
            n += 1
        day += dt.timedelta(days=1)
    for offset, channel, title, reach in (
            (20, Outreach.Channel.CIRCULAR, "Surat Edaran Kakanwil tentang Netralitas Pegawai pada Pemilu 2024", None),
            (15, Outreach.Channel.POSTER, "Poster \"ASN Netral\" di lobi dan ruang pelayanan", None),
            (9, Outreach.Channel.SOCIAL, "Unggahan Instagram: 10 bentuk pelanggaran netralitas", 3520),
            (4, Outreach.Channel.PRINT, "Advertorial netralitas ASN di harian lokal", 12000)):
        services.create_outreach(actor=marciana, unit=u["kum_ntt"], day=today - dt.timedelta(days=offset),
                                 channel=channel, topic=neutrality, title=title, reach=reach)


def seed(ctx: DemoContext) -> None:
    u, users = ctx.units, ctx.users
    topics = {t.key: t for t in services.ensure_default_topics(institution=u["kpu_ri"].institution,
                                                               actor=users["admin"])}
    _rakor(ctx, topics)
    _jateng_series(ctx, topics)
    _kemenkumham_apel(ctx)
    services.refresh_headcounts(institution=u["kpu_ri"].institution)
    services.refresh_headcounts(institution=u["kum_ntt"].institution)
