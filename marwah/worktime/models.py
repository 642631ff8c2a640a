"""National holidays (libur nasional and cuti bersama) as data an administrator can correct."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("National holiday")
        CUTI_BERSAMA = "cuti_bersama", _("Collective leave (cuti bersama)")

    class Source(models.TextChoices):
        PACKAGE = "holidays", _("Loaded from the holidays package")
        ADMIN = "admin", _("Entered by an administrator")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PUBLIC)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.ADMIN)
    note = models.CharField(_("legal basis or note"), max_length=200, blank=True)
    # An administrator may cancel a day the package lists (e.g. a cuti bersama revoked by decree):
    # it is kept with is_active=False so reloading the package does not bring it back.
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("holiday")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
