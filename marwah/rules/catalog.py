"""Regulations as data, with citations, in one place a lawyer can review.

Every rule the code enforces is declared here with the article it comes from.
Entries marked `confirmed=False` were not found in an official text
(../shared/domain/regulations.md marks them UNCONFIRMED): they are defaults an
administrator may change, and the UI says so.

Sections: roles and units; (further sections are added by the apps that use them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marwah.accounts.models import Role
from marwah.orgs.models import UnitKind

StrOrPromise = str | Promise


@dataclass(frozen=True)
class Citation:
    source: str  # e.g. "Keputusan KPU No. 1341 Tahun 2024"
    article: str = ""  # e.g. "Pasal 4 ayat (1)"
    confirmed: bool = True

    def __str__(self) -> str:
        return f"{self.source}{', ' + self.article if self.article else ''}"


@dataclass(frozen=True)
class RoleUnitRule:
    role: str
    allowed_unit_kinds: frozenset[str]
    message: StrOrPromise
    citation: Citation


ROLE_UNIT_RULES: dict[str, RoleUnitRule] = {
    Role.SATGAS_PKS: RoleUnitRule(
        role=Role.SATGAS_PKS,
        allowed_unit_kinds=frozenset({UnitKind.KPU_RI, UnitKind.KPU_PROVINCE}),
        message=_("A Satgas PKS exists only at KPU RI and at each KPU Province; "
                  "reports from a regency/city go to the provincial Satgas."),
        citation=Citation("Keputusan KPU No. 1341 Tahun 2024", "Pedoman Pencegahan Kekerasan Seksual, Satgas PKS"),
    ),
}


def role_unit_error(role: str, unit_kind: str) -> str | None:
    rule = ROLE_UNIT_RULES.get(role)
    if rule and unit_kind not in rule.allowed_unit_kinds:
        return f"{rule.message} ({rule.citation})"
    return None
