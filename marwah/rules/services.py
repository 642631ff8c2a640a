"""Institution overrides of catalog rules: validated, audited, by an administrator of the institution."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import grants
from marwah.audit.services import record
from marwah.orgs.models import Institution
from marwah.rules import catalog
from marwah.rules.deadlines import DAY_KINDS
from marwah.rules.models import RuleOverride


def _require_admin(actor: User, institution: Institution) -> None:
    if not any(g.role == Role.ADMIN and g.institution_id == institution.pk for g in grants(actor)):
        raise PermissionDenied


def clean_value(item: catalog.Rule, value: Any) -> Any:
    """The value in the form the rule's kind stores, or ValidationError with a clear message."""
    if not item.overridable:
        raise ValidationError(_("This rule is law and cannot be changed by an institution."))
    if item.overridable == catalog.OVERRIDE_DAYS:
        try:
            days = int(value.get("days"))
        except (AttributeError, TypeError, ValueError):
            raise ValidationError(_("Enter a number of days.")) from None
        if not 1 <= days <= 365:
            raise ValidationError(_("Enter a number of days from 1 to 365."))
        day_kind = value.get("day_kind")
        if day_kind not in DAY_KINDS:
            raise ValidationError(_("Choose working days or calendar days."))
        return {"days": days, "day_kind": day_kind}
    allowed = {code for code, _label in item.choices}
    if item.overridable == catalog.OVERRIDE_TIER:
        if value not in allowed:
            raise ValidationError(_("Choose one of the tiers the law leaves open."))
        return value
    values = sorted(set(value or []))
    if not values or not set(values) <= allowed:
        raise ValidationError(_("Choose at least one of the options."))
    return values


@transaction.atomic
def set_override(*, actor: User, key: str, institution: Institution, value: Any, note: str) -> RuleOverride:
    _require_admin(actor, institution)
    item = catalog.get(key)
    value = clean_value(item, value)
    if not note.strip():
        raise ValidationError(_("Write the reason or the legal basis for your institution's value."))
    override, created = RuleOverride.objects.update_or_create(
        key=key, institution=institution, defaults={"value": value, "note": note.strip()[:300], "updated_by": actor})
    record(actor=actor, action="rules.override_set", target=override,
           detail={"key": key, "institution": institution.pk, "value": value, "default": item.default,
                   "created": created})
    return override


@transaction.atomic
def clear_override(*, actor: User, key: str, institution: Institution) -> bool:
    _require_admin(actor, institution)
    deleted, _rows = RuleOverride.objects.filter(key=key, institution=institution).delete()
    if deleted:
        record(actor=actor, action="rules.override_cleared", target=("rules.ruleoverride", key),
               detail={"key": key, "institution": institution.pk})
    return bool(deleted)
