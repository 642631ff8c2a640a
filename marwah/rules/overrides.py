"""Reading institution overrides of catalog rules (writes are in rules.services)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def override_value(key: str, institution_id: int) -> Any:
    from marwah.core import memo
    from marwah.rules.models import RuleOverride

    return memo.get("rule-override", (key, institution_id), lambda: (
        RuleOverride.objects.filter(key=key, institution_id=institution_id).values_list("value", flat=True).first()))


def overrides_for(institution_ids: list[int]) -> dict[str, list[Any]]:
    """key -> overrides of these institutions (with the institution), for the catalog page."""
    from marwah.rules.models import RuleOverride

    out: dict[str, list[Any]] = {}
    rows = (RuleOverride.objects.filter(institution_id__in=institution_ids)
            .select_related("institution", "updated_by").order_by("key", "institution__name"))
    for row in rows:
        out.setdefault(row.key, []).append(row)
    return out


def version_for(institution_id: int | None) -> str:
    """The catalog version plus, when the institution overrides rules, a hash of its overrides."""
    from marwah.core import memo
    from marwah.rules.catalog import catalog_version
    from marwah.rules.models import RuleOverride

    version = catalog_version()
    if institution_id is None:
        return version
    rows = memo.get("rule-overrides", institution_id, lambda: list(
        RuleOverride.objects.filter(institution_id=institution_id).order_by("key").values_list("key", "value")))
    if not rows:
        return version
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()
    return f"{version}+o{digest[:8]}"
