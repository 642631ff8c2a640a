"""Accounts and roles scoped to a unit and its subtree."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    # Set only by the demo seeder; shows the 2FA code on screen in demo mode.
    is_demo = models.BooleanField(default=False, editable=False)
    preferred_language = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    UNIT_LEADER = "leader", _("Unit leader")
    SATGAS_PKS = "satgas", _("Satgas PKS member")
    NEUTRALITY_TEAM = "neutrality", _("Internal neutrality team")
    ETHICS = "ethics", _("Ethics handler")
    HR = "hr", _("HR (Biro Kepegawaian)")
    IDENTITY_CUSTODIAN = "custodian", _("Identity custodian")
    AUTHORISED_OFFICIAL = "ppk", _("Authorised official (PPK) or delegate")
    AUDITOR = "auditor", _("Auditor (read-only)")
    ADMIN = "admin", _("Administrator")


# Every role above plain employee must use two-factor authentication.
ROLES_REQUIRING_2FA = frozenset(Role) - {Role.EMPLOYEE}


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="role_assignments")
    is_chair = models.BooleanField(_("chair / team lead"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("role assignment")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique")]
        indexes = [models.Index(fields=["role", "unit"], name="role_unit")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.unit_id}"
