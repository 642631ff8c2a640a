"""Demo reports: Rina's anonymous KSBE report about her superior, and a few others.

Submitted through the real service, so the cases app's receiver routes them and
seals their keys. Nothing secret is printed; Rina's receipt goes into the demo
login table so a visitor can try returning with it.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from marwah.core.demo import DEMO_PASSWORD, DemoContext
from marwah.people.models import Employee
from marwah.reporting import services, vault
from marwah.reporting.evidence import CleanFile


def chat_screenshot() -> bytes:
    """A made-up chat screenshot (no real person's messages)."""
    img = Image.new("RGB", (360, 640), (236, 229, 221))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 360, 56), fill=(7, 94, 84))
    draw.text((16, 20), "Pak B. (atasan)", fill=(255, 255, 255))
    bubbles = [(20, 90, "Rin, fotomu tadi cantik sekali..."), (20, 150, "Kirim foto yang lain dong, yg pribadi"),
               (150, 215, "Maaf Pak, saya tidak mau."), (20, 280, "Jangan sok jual mahal. Ingat evaluasi kinerja.")]
    for x, y, text in bubbles:
        mine = x > 100
        draw.rounded_rectangle((x, y, x + 200, y + 46), radius=10, fill=(220, 248, 198) if mine else (255, 255, 255))
        draw.text((x + 10, y + 16), text[:34], fill=(20, 20, 20))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _employee(ctx: DemoContext, key: str) -> Employee | None:
    return ctx.employees.get(key)


def seed(ctx: DemoContext) -> None:
    # Key pairs for every demo login, so reports can be sealed to handlers before they first log in.
    for user in ctx.users.values():
        vault.unlock_user_key(user=user, password=DEMO_PASSWORD)
    # The ethics handler is a one-person team: their recovery key (normally shown once at 2FA set-up,
    # never stored) is printed here so a visitor can try a reset and restore the key.
    etik = ctx.users.get("etik_kpu")
    recovery = vault.set_recovery_key(user=etik, password=DEMO_PASSWORD) if etik is not None else None
    if recovery:
        ctx.logins.append(("(recovery key)", "etik_kpu's recovery key, for trying a password reset", recovery))
    u = ctx.units
    bambang = _employee(ctx, "bambang")
    grobogan = u["kpu_grobogan"]
    _report, receipt = services.submit_report(submission=services.Submission(
        category="sexual_violence", kind="sv_electronic", institution=grobogan.institution, unit=grobogan,
        narrative=("Sejak Februari, atasan langsung saya mengirim pesan WhatsApp bernada seksual hampir setiap "
                   "malam dan meminta foto pribadi. Ketika saya menolak, ia menyinggung penilaian kinerja saya. "
                   "Saya takut melapor langsung karena ia yang menilai saya."),
        when_text="Februari – Maret 2025, biasanya malam hari", where_text="Pesan WhatsApp pribadi",
        accused=[bambang] if bambang else [], accused_text="" if bambang else "Bambang Wibowo",
        witnesses_text="Seorang rekan pernah melihat pesannya di ponsel saya.",
        files=[CleanFile("tangkapan-layar-chat.png", "image/png", chat_screenshot())],
        is_anonymous=True, reporter_source="demo:rina",
    ))
    ctx.logins.append(("(receipt)", "Rina's anonymous report", receipt))

    services.submit_report(submission=services.Submission(
        category="neutrality", kind="n_social_interaction", institution=u["kum_ntt"].institution, unit=u["kum_ntt"],
        narrative=("Seorang pegawai Kanwil membagikan dan menyukai unggahan tim pemenangan salah satu calon, "
                   "dan bergabung di grup WhatsApp relawan calon tersebut."),
        when_text="Masa kampanye", accused_text="Pegawai Subbagian Umum (nama belum diketahui)",
        is_anonymous=True, reporter_source="demo:neutrality",
    ))
    darmin = _employee(ctx, "darmin")
    halsel = u["kpu_halsel"]
    services.submit_report(submission=services.Submission(
        category="ethics", kind="e_partisan_meeting", institution=halsel.institution, unit=halsel,
        narrative=("Seorang staf sekretariat terlihat duduk lama di warung kopi bersama pengurus partai, "
                   "membicarakan jadwal verifikasi."),
        when_text="Minggu lalu, sore hari", where_text="Warung kopi dekat kantor",
        accused_text="Staf sekretariat KPU Halmahera Selatan", witnesses_text="Beberapa warga yang ada di sana",
        involved=[darmin] if darmin else [],
        is_anonymous=False, reporter_name="Warga Labuha", reporter_contact="warga.labuha@example.org",
        reporter_source="demo:ethics",
    ))
    services.submit_report(submission=services.Submission(
        category="discipline", kind="d_absence", institution=u["kum_lapas"].institution, unit=u["kum_lapas"],
        narrative=("Seorang pegawai tidak masuk lima hari berturut-turut; izinnya hanya lewat pesan WhatsApp "
                   "kepada rekan, bukan izin tertulis dari atasan."),
        when_text="Awal bulan ini", accused_text="Pegawai bagian registrasi",
        is_anonymous=True, reporter_source="demo:discipline",
    ))
