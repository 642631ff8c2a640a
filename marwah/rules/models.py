"""An institution's own value for a catalog rule where the law leaves room (audited, ADMIN only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleOverride(models.Model):
    key = models.CharField(_("rule"), max_length=120)
    institution = models.ForeignKey("orgs.Institution", on_delete=models.CASCADE, related_name="+")
    value = models.JSONField(_("value"))
    note = models.CharField(_("reason or legal basis"), max_length=300)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rule override")
        constraints = [models.UniqueConstraint(fields=["key", "institution"], name="rule_override_unique")]

    def __str__(self) -> str:
        return f"{self.key}@{self.institution_id}"
