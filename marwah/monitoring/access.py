"""Who may see which monitoring figures, for which unit subtree.

Leaders, HR, administrators and auditors see every category; a Satgas PKS member sees the
sexual-violence figures, the neutrality team the neutrality figures, ethics handlers the
ethics figures (each for the subtree their role covers). Pledge and socialisation coverage
and the periodic report are for leaders, HR, administrators and auditors.
"""

from __future__ import annotations

from typing import Any

from marwah.accounts.models import Role
from marwah.accounts.selectors import has_role
from marwah.rules.violations import CATEGORIES, ETHICS, NEUTRALITY, SEXUAL_VIOLENCE

OVERSEERS = (Role.UNIT_LEADER, Role.HR, Role.ADMIN, Role.AUDITOR)
CATEGORY_ROLES = {Role.SATGAS_PKS: SEXUAL_VIOLENCE, Role.NEUTRALITY_TEAM: NEUTRALITY, Role.ETHICS: ETHICS}
DASHBOARD_ROLES = (*OVERSEERS, *CATEGORY_ROLES)
# Who writes, sends and reviews periodic reports.
REPORTERS = (Role.UNIT_LEADER, Role.HR, Role.ADMIN)
REPORT_READERS = (*REPORTERS, Role.AUDITOR)


def is_overseer(user: Any, unit: Any) -> bool:
    return has_role(user, OVERSEERS, unit)


def visible_categories(user: Any, unit: Any) -> list[str]:
    """Case categories whose figures `user` may see for `unit`'s subtree, in catalog order."""
    if is_overseer(user, unit):
        return list(CATEGORIES)
    allowed = {cat for role, cat in CATEGORY_ROLES.items() if has_role(user, role, unit)}
    return [c for c in CATEGORIES if c in allowed]
