"""Pledges: versioned documents, campaigns, one signature row per person in scope, tallies.

Design in one paragraph: a campaign's launch inserts one `Signature` row per person in
scope (pending) with a set-based INSERT … SELECT, and one `Tally` row per unit that
holds the *subtree* totals of that unit (a rollup). Signing flips the person's row from
pending to signed with a single conditional UPDATE (idempotent), and adds 1 to the tally
of every ancestor unit. The hot rows near the root are spread over `TALLY_SHARDS` rows
chosen at random, so a national row does not serialise all writers; a coverage read sums
at most `TALLY_SHARDS` rows for the unit plus its children's rows — never the signatures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Rollup rows for units at depth < SHARDED_DEPTH are split over this many rows.
TALLY_SHARDS = 16
SHARDED_DEPTH = 3


class DocumentKind(models.TextChoices):
    INTEGRITY_PACT = "integrity_pact", _("Integrity pact")
    NEUTRALITY_PLEDGE = "neutrality", _("Neutrality pledge")
    CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct acknowledgement")
    OWN = "own", _("Institution's own document")


class Document(models.Model):
    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="pledge_documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("pledge document")
        ordering = ["institution", "title"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """An immutable text. Publishing a change creates a new version; signatures point at theirs."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    body_sha256 = models.CharField(max_length=64, editable=False)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("document version")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="pledge_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class Campaign(models.Model):
    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        ACTIVE = "active", _("Open for signing")
        CLOSED = "closed", _("Closed")

    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="pledge_campaigns")
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="campaigns",
                                verbose_name=_("document version"))
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="pledge_campaigns",
                             verbose_name=_("unit (with everything under it)"))
    unit_path = models.CharField(max_length=255, editable=False)
    # Empty list: every employment type.
    employment_types = models.JSONField(_("employment types"), default=list, blank=True)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place of signing"), max_length=120,
                             help_text=_("Printed as the place on the signed document, e.g. Labuha."))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREPARING)
    # Office-sized campaigns get their PDFs rendered right after each signature; mass
    # campaigns render a PDF on its first download (scale.md: 475 CPU-hours otherwise).
    prerender_pdfs = models.BooleanField(default=True, editable=False)
    in_scope = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    last_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("pledge campaign")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit_path"], name="pledge_campaign_path",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.title


class Ceremony(models.Model):
    """A pledge read aloud together (seed 003), led and attested by the unit's leader.

    Choice: the leader's attestation creates the signatures (method "ceremony"). The legal
    act of an ikrar is the oath spoken in public before the head of office, who answers for
    the attendance list; asking each person to confirm again on a device would leave the
    people without accounts uncounted although they did pledge. Each such signature links
    to this event and names the attesting leader on the signed PDF, so it is never
    mistaken for a personal online confirmation.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="ceremonies")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    led_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendance = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pledge ceremony")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.place} {self.held_on}"


class Signature(models.Model):
    """One person in a campaign's scope: pending until signed; then the record of what was signed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not signed")
        SIGNED = "signed", _("Signed")
        LATE = "late", _("Signed late")

    class Method(models.TextChoices):
        PASSWORD = "password", _("Confirmed with password")
        CODE = "code", _("Confirmed with one-time code")
        CEREMONY = "ceremony", _("Pledged at a ceremony")

    # Every index of this table is written by every signing (status changes, so no update is HOT):
    # single-column indexes that a composite index below already leads with are left out.
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="signatures", db_index=False)
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="pledge_signatures",
                                 db_index=False)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    signed_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey(DocumentVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The values filled into the placeholders, kept so the PDF reproduces exactly the hashed text.
    fields = models.JSONField(null=True, blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    ceremony = models.ForeignKey(Ceremony, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="signatures", db_index=False)
    verify_code = models.CharField(max_length=20, null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # When this person was last emailed a reminder: nobody is reminded twice within the interval.
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("signature")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "employee"], name="pledge_signature_once"),
            # A constraint, not unique=True: that also builds a LIKE index, one more write per signing.
            models.UniqueConstraint(fields=["verify_code"], name="pledge_sig_verify_code"),
        ]
        indexes = [
            # "Who has not signed under this unit": campaign + status, then path prefix, in path order.
            # ORDER BY unit_path USING ~<~, id is then read straight off the index (see selectors).
            models.Index(fields=["campaign", "status", "unit_path", "id"], name="pledge_sig_status_path_id",
                         opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"]),
            models.Index(fields=["employee", "status"], name="pledge_sig_employee"),
            models.Index(fields=["pdf_sha256"], name="pledge_sig_pdf_hash", condition=~models.Q(pdf_sha256="")),
            models.Index(fields=["ceremony"], name="pledge_sig_ceremony", condition=models.Q(ceremony__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.employee_id}:{self.status}"

    @property
    def is_signed(self) -> bool:
        return self.status != self.Status.PENDING


class Tally(models.Model):
    """Subtree totals of one unit for one campaign (sum over its shards)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    parent_unit_id = models.BigIntegerField(null=True)
    shard = models.PositiveSmallIntegerField(default=0)
    in_scope = models.IntegerField(default=0)
    signed = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("coverage tally")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "shard"], name="pledge_tally_unique")]
        indexes = [models.Index(fields=["campaign", "parent_unit_id"], name="pledge_tally_parent")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.unit_id}:{self.shard}"


class AccessCode(models.Model):
    """A one-time code for a person without a password: opens a pledge-only session."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="pledge_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        indexes = [models.Index(fields=["employee", "used_at"], name="pledge_code_employee")]

    def __str__(self) -> str:
        return f"code for {self.employee_id}"
