"""Demo: KPU allows regency/city information points for the Satgas PKS (as Jawa Tengah's "Jaring
Informasi"), so /aturan/ shows an institution's value beside the catalog default."""

from __future__ import annotations

from marwah.core.demo import DemoContext
from marwah.rules.services import set_override


def seed(ctx: DemoContext) -> None:
    admin = ctx.users.get("admin")
    unit = ctx.units.get("kpu_ri")
    if admin is None or unit is None:
        return
    set_override(actor=admin, key="roles.satgas_pks_units", institution=unit.institution,
                 value=["kpu_ri", "kpu_prov", "kpu_kab"],
                 note="Contoh: jaring informasi kabupaten/kota yang meneruskan laporan ke Satgas provinsi")
