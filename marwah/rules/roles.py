"""Which roles may be held at which kind of unit.

Correction 9 (issue 8): "Satgas PKS only at KPU RI and provinces" was marked confirmed without
an article, while seed 000 (a KPU NTT news page) speaks of a Satgas "di setiap tingkatan". It is
now UNCONFIRMED and overridable: an institution may allow Satgas PKS roles at regency/city units
for information points (Jawa Tengah's "Jaring Informasi") that feed the provincial Satgas.
Reports from a regency/city are still routed to the provincial Satgas (cases.routing).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import OVERRIDE_CHOICES, UNCONFIRMED, Citation, applies, effective, get, rule

KPU_1341 = "Keputusan KPU No. 1341 Tahun 2024 (Pedoman Pencegahan Kekerasan Seksual di Lingkungan KPU)"

SATGAS_UNITS = rule(
    "roles.satgas_pks_units", area="roles",
    decides=_("At which units a Satgas PKS (sexual-violence task force) role may be held"),
    value=_("KPU RI and each KPU Province; regency/city offices send reports to the provincial Satgas"),
    default=["kpu_ri", "kpu_prov"], overridable=OVERRIDE_CHOICES,
    choices=(("kpu_ri", _("KPU RI")), ("kpu_prov", _("KPU Province")),
             ("kpu_kab", _("KPU Regency/City (information point feeding the provincial Satgas)"))),
    mark=UNCONFIRMED,
    citations=(
        Citation(KPU_1341, "Satgas PKS (pasal tentang tingkatan pembentukan belum ditemukan)", confirmed=False),
        Citation("Berita KPU Provinsi NTT (seed 000): satgas \"di setiap tingkatan\"", confirmed=False),
        Citation("Berita KPU Provinsi Jawa Tengah: \"Jaring Informasi\" per kabupaten/kota", confirmed=False),
    ),
    used_in=("marwah.accounts.services.assign_role", "marwah.cases.routing"),
    note=_("Sources disagree: an institution may allow regency/city information points."),
)

# Roles whose allowed unit kinds come from a catalog rule.
ROLE_RULES = {"satgas": SATGAS_UNITS.key}  # accounts.Role.SATGAS_PKS

MESSAGES = {
    "satgas": _("A Satgas PKS role is allowed only at these units in your institution's catalog: "
                    "%(kinds)s. Reports from a regency/city go to the provincial Satgas."),
}


@applies(SATGAS_UNITS.key)
def role_unit_error(role: str, unit_kind: str, institution_id: int | None = None) -> str | None:
    key = ROLE_RULES.get(role)
    if key is None:
        return None
    allowed = effective(key, institution_id) or []
    if unit_kind in allowed:
        return None
    item = get(key)
    labels = ", ".join(str(label) for code, label in item.choices if code in allowed)
    citation = "; ".join(str(c) for c in item.citations[:1])
    return f"{MESSAGES[role] % {'kinds': labels}} ({citation}; {item.mark_label})"
