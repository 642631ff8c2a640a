"""Confidential reports, their encrypted content and who holds a key to them.

Only statistics stay in plaintext (category, kind, institution, unit, dates,
anonymous flag). Everything a reporter typed or uploaded, the conversation and
the reporter's identity are ciphertext (see `crypto.py`); the per-report key is
stored only sealed to each recipient's public key and to the reporter's
receipt-derived key.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marwah.rules.violations import category_choices, kind_choices


def new_public_id() -> str:
    return secrets.token_urlsafe(12)  # 96 random bits, 16 URL-safe characters


class UserKey(models.Model):
    """A user's Curve25519 key pair; the private half is wrapped under the user's password."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marwah_key")
    public_key = models.BinaryField(max_length=32)
    private_box = models.BinaryField()
    kdf_salt = models.BinaryField(max_length=16)
    kdf_ops = models.PositiveIntegerField()
    kdf_mem = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    rewrapped_at = models.DateTimeField(null=True, blank=True)
    # The private key wrapped under the user's recovery key (shown once; see vault.create_recovery_key).
    recovery_box = models.BinaryField(null=True, blank=True)
    recovery_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("user key")

    def __str__(self) -> str:
        return f"key of user {self.user_id}"


class RetiredKey(models.Model):
    """A key pair the user replaced after losing the recovery key: kept, never deleted, so the
    recovery key (if found again) or the old password still opens its sealed copies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    public_key = models.BinaryField(max_length=32)
    private_box = models.BinaryField()
    kdf_salt = models.BinaryField(max_length=16)
    kdf_ops = models.PositiveIntegerField()
    kdf_mem = models.PositiveBigIntegerField()
    recovery_box = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"retired key of user {self.user_id}"


class Report(models.Model):
    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    category = models.CharField(_("category"), max_length=24, choices=category_choices())
    kind = models.CharField(_("kind"), max_length=32, choices=kind_choices())
    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    unit_path = models.CharField(max_length=255, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    evidence_count = models.PositiveSmallIntegerField(default=0)
    # Ciphertexts (crypto.encrypt_text tokens); see services.submit_report.
    content = models.TextField(blank=True)
    identity = models.TextField(blank=True)
    identity_key = models.TextField(blank=True)
    # Receipt: argon2id-derived lookup id; the report key sealed to the receipt-derived public key.
    receipt_lookup = models.CharField(max_length=64, unique=True, null=True, blank=True)
    reporter_sealed_key = models.BinaryField(null=True, blank=True)
    last_reporter_activity_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["category", "submitted_at"], name="report_category_date"),
            models.Index(fields=["unit_path"], name="report_unit_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.public_id


class ReportAccess(models.Model):
    """The report key sealed to one user's public key."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_accesses")
    sealed_key = models.BinaryField()
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # A holder above the team (vault/escrow): holds the key so no report depends on one person.
    is_escrow = models.BooleanField(default=False)
    # Set when the user replaced their key pair: the copy is kept, sealed to the retired key.
    retired_key = models.ForeignKey(RetiredKey, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], condition=models.Q(retired_key=None),
                                               name="report_access_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.user_id}"


class CustodianShare(models.Model):
    """The custodians' share of a report's identity key, sealed to one identity custodian.

    The identity key is BLAKE2b(team share || custodian share); the team share is encrypted with
    the report key. Nobody holds both: custodians never get the report key (vault.seal_report_key)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="custodian_shares")
    custodian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sealed_share = models.BinaryField()
    granted_at = models.DateTimeField(default=timezone.now)
    # Set when the custodian replaced their key pair: the copy is kept, sealed to the retired key.
    retired_key = models.ForeignKey(RetiredKey, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "custodian"], condition=models.Q(retired_key=None),
                                               name="custodian_share_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} ⇢ {self.custodian_id}"


class Message(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField()  # ciphertext
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)  # by the other side

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["report", "from_reporter", "read_at"], name="message_unread")]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Evidence(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    name = models.TextField()  # ciphertext of the original (sanitised) file name
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    stored_name = models.CharField(max_length=64, unique=True)  # random; the file under MEDIA_ROOT
    from_reporter = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"evidence {self.pk}"


class IdentityRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identity_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()  # ciphertext: the written reason may quote the report
    # The reason sealed to each custodian holding a share ({user id: base64 sealed box}).
    custodian_reasons = models.JSONField(default=dict, blank=True)
    # On approval: the custodian share re-sealed to the requester's public key.
    sealed_share = models.BinaryField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"identity request {self.pk}"


class MatchToken(models.Model):
    """Escrowed repeat-perpetrator token (Callisto): keyed HMAC, never a plain NIP or name."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="match_tokens")
    token = models.CharField(max_length=64, db_index=True)
    reporter_fp = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "token"], name="match_token_unique")]

    def __str__(self) -> str:
        return f"token of report {self.report_id}"
