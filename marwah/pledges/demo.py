"""Demo pledges: the KPU integrity pact at Halmahera Selatan (Darmin), the Kemenkumham neutrality
pledge with a ceremony at Kanwil NTT (Marciana), a KPPS pledge for the officer `kpps` in Kupang, and the
Jawa Tengah secretariat pact that Rina has still to sign."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from marwah.core.demo import DemoContext
from marwah.people.models import EmploymentType
from marwah.pledges import services
from marwah.pledges.models import Signature


def _launch(*, actor, version, unit, title, place, days, types=()):
    campaign = services.create_campaign(actor=actor, version=version, unit=unit, employment_types=list(types),
                                        title=title, place=place, deadline=timezone.localdate() + dt.timedelta(days=days))
    services.launch_campaign(campaign=campaign)  # the demo seeds synchronously; the app queues it
    campaign.refresh_from_db()
    return campaign


def seed(ctx: DemoContext) -> None:
    u, users, e = ctx.units, ctx.users, ctx.employees
    kpu_docs = services.ensure_default_documents(institution=u["kpu_ri"].institution, actor=users["admin"])
    kum_docs = services.ensure_default_documents(institution=u["kum_hq"].institution, actor=users["admin_kum"])
    pact = next(d for d in kpu_docs if d.kind == "integrity_pact").versions.first()
    neutrality = next(d for d in kum_docs if d.kind == "neutrality").versions.first()

    # Journey 3: Darmin launches the pact for the Halmahera Selatan secretariat; some have signed.
    halsel = _launch(actor=users["darmin"], version=pact, unit=u["kpu_halsel"], place="Labuha", days=5,
                     title="Pakta Integritas Pegawai KPU Halmahera Selatan — Pilkada 2024")
    pending = list(Signature.objects.filter(campaign=halsel).select_related("employee", "unit", "campaign__version")
                   .order_by("employee__name"))
    signed = [s for s in pending if s.employee_id != e["darmin"].pk][: len(pending) // 2]
    for i, signature in enumerate(signed):
        services.sign(signature=signature, method=Signature.Method.PASSWORD,
                      now=timezone.now() - dt.timedelta(days=2, hours=i))
    for signature in signed[:2]:
        signature.refresh_from_db()
        services.ensure_pdf(signature=signature)

    # Journey 5: Marciana's neutrality ceremony at Kanwil NTT (seed 003).
    ntt = _launch(actor=users["admin_kum"], version=neutrality, unit=u["kum_ntt"], place="Kupang", days=10,
                  title="Ikrar Netralitas ASN Pemilu dan Pemilihan 2024")
    staff = list(Signature.objects.filter(campaign=ntt, unit=u["kum_ntt"]).select_related("employee", "unit",
                                                                                         "campaign__version"))
    present = [s for s in staff if s.employee_id != e["marciana"].pk][:18]
    services.record_ceremony(campaign=ntt, unit=u["kum_ntt"], held_on=timezone.localdate() - dt.timedelta(days=1),
                             place="Aula Kanwil Kemenkumham NTT", actor=users["marciana"], signatures=present)

    # Journey 4: ad hoc officers in Kabupaten Kupang, including the demo KPPS officer.
    _launch(actor=users["admin"], version=pact, unit=u["kpu_kupang"], place="Oelamasi", days=3,
            types=[EmploymentType.AD_HOC], title="Pakta Integritas Badan Ad Hoc Pemilu 2024 — Kabupaten Kupang")

    # Journey 1's Rina and her colleagues: the provincial pact for every secretariat in Jawa Tengah.
    jateng = _launch(actor=users["admin"], version=pact, unit=u["kpu_jateng"], place="Semarang", days=14,
                     types=[EmploymentType.PNS, EmploymentType.PPPK, EmploymentType.NON_ASN],
                     title="Pakta Integritas Sekretariat KPU se-Jawa Tengah 2026")
    early = list(Signature.objects.filter(campaign=jateng).exclude(employee=e["rina"])
                 .select_related("employee", "unit", "campaign__version").order_by("employee__name")[:12])
    for signature in early:
        services.sign(signature=signature, method=Signature.Method.PASSWORD)
