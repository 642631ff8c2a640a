"""Reading the regulation catalog for the /aturan/ page: who may read it, and its rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import grants
from marwah.orgs.models import Institution
from marwah.rules import catalog
from marwah.rules.overrides import overrides_for

# Everyone with a role above plain employee reads the catalog; administrators edit overrides.
READERS = tuple(r for r in Role if r != Role.EMPLOYEE)


def can_read(user: User) -> bool:
    return any(g.role in READERS for g in grants(user))


def require_reader(user: User) -> None:
    if not can_read(user):
        raise Http404


def admin_institutions(user: User) -> list[Institution]:
    ids = {g.institution_id for g in grants(user) if g.role == Role.ADMIN}
    return list(Institution.objects.filter(pk__in=ids).order_by("name"))


def reader_institution_ids(user: User) -> list[int]:
    return sorted({g.institution_id for g in grants(user) if g.role in READERS})


@dataclass
class CatalogRow:
    rule: catalog.Rule
    used_in: list[str]
    overrides: list[Any] = field(default_factory=list)  # rules.RuleOverride rows of the reader's institutions
    legacy: str = ""  # a global cases.DeadlinePolicy override, for deadlines


def rows(user: User, *, area: str = "", mark: str = "") -> list[CatalogRow]:
    require_reader(user)
    found = overrides_for(reader_institution_ids(user))
    legacy = _legacy_deadlines()
    out = []
    for item in catalog.all_rules():
        if (area and item.area != area) or (mark and item.mark != mark):
            continue
        overrides = found.get(item.key, [])
        for override in overrides:
            override.display = catalog.display_value(item, override.value)
        out.append(CatalogRow(item, catalog.used_in(item), overrides, legacy.get(item.key, "")))
    return out


def areas() -> list[str]:
    return sorted({r.area for r in catalog.all_rules()})


def area_choices() -> list[tuple[str, Any]]:
    return [(a, catalog.AREAS.get(a, a)) for a in areas()]


def _legacy_deadlines() -> dict[str, str]:
    try:
        from marwah.cases.selectors import deadline_policies
    except ImportError:
        return {}
    return deadline_policies()


def get_rule(key: str) -> catalog.Rule:
    try:
        return catalog.get(key)
    except KeyError:
        raise Http404 from None
