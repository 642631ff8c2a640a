"""Invitations that turn an imported person into an account holder.

An invitation carries a one-time secret: a link token sent by email, or a short
code for people without email (printed or sent by SMS). Only a keyed hash of
the secret is stored; it works once and expires.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marwah.accounts.models import Role


class InvitationBatch(models.Model):
    """A bulk invitation for a unit subtree, run in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    employment_types = models.JSONField(default=list)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    emailed = models.PositiveIntegerField(default=0)
    coded = models.PositiveIntegerField(default=0)
    # The codes for people without email wait in a private file until downloaded once.
    codes_ready = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk invitation")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch {self.pk} @ {self.unit_id}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class Invitation(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email link")
        CODE = "code", _("Activation code")

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="invitations")
    batch = models.ForeignKey(InvitationBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="invitations")
    secret_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    email = models.EmailField(blank=True)
    # A role to grant on activation (assigning a role to someone without an account).
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    role_unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    role_is_chair = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Kept for the scoped list of invitations; copied from the employee at creation.
    unit_path = models.CharField(max_length=255, editable=False)

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["employee", "accepted_at"], name="invitation_employee"),
            models.Index(fields=["unit_path"], name="invitation_unit_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} for {self.employee_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return str(_("Activated"))
        if self.revoked_at:
            return str(_("Withdrawn"))
        if self.expires_at <= timezone.now():
            return str(_("Expired"))
        return str(_("Waiting"))
