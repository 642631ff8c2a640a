"""Reading the audit log: auditors and administrators, within their scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import has_role, root_units_for_user, units_for_user
from marwah.audit.models import AuditEntry

AUDIT_READERS = (Role.AUDITOR, Role.ADMIN)


def can_read_audit(user: User) -> bool:
    return has_role(user, AUDIT_READERS)


def entries_for_user(user: User, *, action: str = "", actor: str = "", target: str = "",
                     target_type: str = "") -> QuerySet[AuditEntry]:
    unit_ids = units_for_user(user, AUDIT_READERS).values("id")
    scope = Q(unit_id__in=unit_ids)
    # Entries tied to no unit (logins, system jobs) are for auditors at an institution's root.
    if any(u.parent_id is None for u in root_units_for_user(user, AUDIT_READERS)):
        scope |= Q(unit_id__isnull=True)
    qs = AuditEntry.objects.filter(scope)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label=actor)
    if target:
        qs = qs.filter(target_id=target)
    if target_type:
        qs = qs.filter(target_type=target_type)
    return qs.order_by("-created_at", "-id")
