"""Cases: the handling side of a report.

A case is created when a report is submitted (`receivers.route_new_report`). Who may see it is
materialised in `CaseMember` (the routed team, the escalation leader, people a chair adds); who
must never see it is kept in `CaseBlock` as keyed tokens (HMAC with a secret outside the
database), so a database dump does not tell who was reported or named as involved.
Report content lives encrypted in `reporting`; nothing here holds the narrative. Free text a
handler writes about a case (rejection reason, decision summary, protection and referral
details) is stored in `*_enc` columns, encrypted with the report's own key
(`reporting.vault.encrypt_for_report`); only statistics (category, kind, unit, dates, status)
are plaintext.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marwah.rules.deadlines import STAGES
from marwah.rules.protection import ITEMS as PROTECTION_ITEMS
from marwah.rules.protection import REFERRAL_KINDS
from marwah.rules.violations import category_choices


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not followed up")
    EXAMINATION = "examination", _("Examination")
    DECISION = "decision", _("Decided")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.RECEIVED, Status.VERIFIED, Status.EXAMINATION, Status.DECISION, Status.FOLLOW_UP)


class TeamKind(models.TextChoices):
    SATGAS = "satgas", _("Satgas PKS")
    NEUTRALITY = "neutrality", _("Internal neutrality team")
    ETHICS = "ethics", _("Ethics handlers")
    SUPERIOR = "superior", _("Direct superior and HR")


# The human reference of a case (issue 9.15): "<prefix>-<year>-<number>", e.g. KS-2026-000123, numbered
# per category and year. It goes in letters, lists and the audit log; URLs keep the unguessable public_id.
REFERENCE_PREFIXES = {
    "sexual_violence": "KS",  # kekerasan seksual
    "neutrality": "NT",  # netralitas ASN
    "ethics": "ET",  # etik penyelenggara
    "discipline": "DS",  # disiplin
    "data_leak": "BD",  # bocor data
}


class CaseSequence(models.Model):
    """The last reference number given per prefix and year (a counter row, locked to allocate)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Case(models.Model):
    report = models.OneToOneField("reporting.Report", on_delete=models.PROTECT, related_name="case")
    # Copied from the report so the inbox and statistics need no join.
    public_id = models.CharField(max_length=64, unique=True, editable=False)
    reference = models.CharField(_("case number"), max_length=20, unique=True, null=True, editable=False)
    # Logged by staff (a neutrality lead): there is no reporter to talk to or to identify.
    internal = models.BooleanField(default=False)
    category = models.CharField(_("category"), max_length=32, choices=category_choices())
    kind = models.CharField(_("kind"), max_length=48)
    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handling_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="handled_cases")
    team_kind = models.CharField(_("team"), max_length=16, choices=TeamKind.choices)
    # Set when every team member at the first choice was conflicted and the case went one level up.
    escalated_for_conflict = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_cases", verbose_name=_("handler"))
    # The clock of the current stage (working days from DeadlinePolicy).
    stage = models.CharField(max_length=16, blank=True, choices=list(STAGES.items()))
    stage_started = models.DateField(null=True, blank=True)
    stage_due = models.DateField(null=True, blank=True)
    stage_catalog_version = models.CharField(max_length=40, blank=True)  # the catalog the deadline came from
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    repeat_flag = models.BooleanField(_("same person named by another reporter"), default=False)
    # The accused's employment type (no identity) drives sanction suggestions.
    accused_employment_type = models.CharField(max_length=16, blank=True)
    rejection_reason_enc = models.TextField(blank=True)  # ciphertext (report key); the reporter reads it
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "stage_due"], name="case_status_due"),
            models.Index(fields=["expires_at"], name="case_expires", condition=models.Q(purged_at__isnull=True)),
            models.Index(fields=["category", "status"], name="case_category_status"),
        ]

    def __str__(self) -> str:
        return self.reference or self.public_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def member_sort_keys(self) -> dict[str, object]:
        return {"case_open": self.is_open, "case_due": self.stage_due, "case_created": self.created_at}

    def sync_members(self) -> None:
        """Copy the inbox sort keys to every membership row (call after a status or stage change)."""
        CaseMember.objects.filter(case=self).update(**self.member_sort_keys())


class CaseMember(models.Model):
    class Reason(models.TextChoices):
        TEAM = "team", _("Team member")
        LEADER = "leader", _("Leader (escalation)")
        SUPERIOR = "superior", _("Direct superior")
        HR = "hr", _("HR")
        ADDED = "added", _("Added by the team chair")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    is_chair = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    # Copies of the case's inbox sort keys, kept by `Case.sync_members` whenever the case's status or
    # stage changes: the inbox reads a handler's most urgent cases straight off `case_member_inbox`
    # (user, active, open, due, newest first), so its cost is one page of index entries whatever the
    # number of cases in the country or on the handler's desk.
    case_open = models.BooleanField(default=True)
    case_due = models.DateField(null=True, blank=True)
    case_created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_unique")]
        indexes = [models.Index(fields=["user", "is_active", "case_open", "case_due", "-case_created"],
                                name="case_member_inbox")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"


class CaseBlock(models.Model):
    """Someone who must never see or hear of the case, as a keyed token of their user id."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="blocks")
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "token"], name="case_block_unique")]
        indexes = [models.Index(fields=["token"], name="case_block_token")]

    def __str__(self) -> str:
        return f"block {self.case_id}"


class CaseEmail(models.Model):
    """One email of one notification to one handler: a retried task finds it and sends no second.
    Recipients are case members already; retention deletes these rows with the case's content."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    notification = models.CharField(max_length=32)  # one id per enqueued notification
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "user"], name="case_email_once")]

    def __str__(self) -> str:
        return f"email {self.case_id} {self.notification}"


class CaseEvent(models.Model):
    """A step in the case's timeline. `reporter_visible` events appear on the reporter's status page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    kind = models.CharField(max_length=32)
    status = models.CharField(max_length=16, blank=True, choices=Status.choices)
    reporter_visible = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class DeadlinePolicy(models.Model):
    """An administrator's override of a default deadline (rules.deadlines) for one category and stage."""

    category = models.CharField(_("category"), max_length=32, choices=category_choices())
    stage = models.CharField(_("stage"), max_length=16, choices=list(STAGES.items()))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    note = models.CharField(_("reason or legal basis"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deadline policy")
        constraints = [models.UniqueConstraint(fields=["category", "stage"], name="deadline_policy_unique")]

    def __str__(self) -> str:
        return f"{self.category}/{self.stage}: {self.working_days}"


class ProtectionMeasure(models.Model):
    """A victim right (UU TPKS Pasal 66–70) provided in this case: what, by whom, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="protection")
    item = models.CharField(_("right"), max_length=32, choices=[(k, v.label) for k, v in PROTECTION_ITEMS.items()])
    provider_enc = models.TextField(blank=True)  # ciphertext (report key)
    provided_on = models.DateField(_("date"))
    note_enc = models.TextField(blank=True)  # ciphertext (report key)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provided_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.item}"


class Referral(models.Model):
    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined by the victim")
        COMPLETED = "completed", _("Completed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("referred to"), max_length=16, choices=list(REFERRAL_KINDS.items()))
    organisation_enc = models.TextField(blank=True)  # ciphertext (report key)
    referred_on = models.DateField(_("date"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OFFERED)
    note_enc = models.TextField(blank=True)  # ciphertext (report key)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["referred_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        PROVEN = "proven", _("Proven")
        NOT_PROVEN = "not_proven", _("Not proven")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    sanctions = models.JSONField(default=list)  # sanction codes from rules.sanctions
    summary_enc = models.TextField(blank=True)  # ciphertext (report key) of the summary the reporter reads
    letter_number = models.CharField(_("letter number"), max_length=80)
    # The catalog (rules.catalog version, with the institution's overrides) the decision was made under,
    # and the sanctions it suggested then.
    catalog_version = models.CharField(max_length=40, blank=True)
    suggested = models.JSONField(default=list)
    # The QR code of the letter opens /verifikasi/<code>/ (issue 9.8).
    verify_code = models.CharField(max_length=20, unique=True, null=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case_id} {self.outcome}"


class IssuedLetter(models.Model):
    """A signed decision letter handed out: its hash, so /verifikasi/ recognises an uploaded copy.

    The letter is rendered on each download (its summary is decrypted then, never stored in clear), so
    each download is a distinct signed file with its own hash."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="letters")
    sha256 = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.decision_id} {self.sha256[:12]}"


# Names that bind each ciphertext to its column (AEAD associated data, with the report's id).
FIELD_REJECTION = "case.rejection_reason"
FIELD_DECISION = "case.decision_summary"
FIELD_PROVIDER = "case.protection_provider"
FIELD_PROTECTION_NOTE = "case.protection_note"
FIELD_ORGANISATION = "case.referral_organisation"
FIELD_REFERRAL_NOTE = "case.referral_note"
