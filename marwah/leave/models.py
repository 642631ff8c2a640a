"""Leave, short written permissions, balances, attendance and the counters read by supervision."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _


def proof_storage() -> FileSystemStorage:
    # Proof (a doctor's letter) is personal: kept outside MEDIA_ROOT, served only through a checked view.
    return FileSystemStorage(location=settings.DATA_DIR / "private" / "leave")


class Kind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    PERMISSION = "permission", _("Permission")


class Status(models.TextChoices):
    WAITING_SUPERIOR = "waiting_superior", _("Waiting for the direct superior")
    WAITING_OFFICIAL = "waiting_official", _("Waiting for the authorised official")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")
    RECALLED = "recalled", _("Called back")


WAITING = (Status.WAITING_SUPERIOR, Status.WAITING_OFFICIAL)


class PermissionType(models.Model):
    """A kind of short written permission an institution allows, with its own rule."""

    institution = models.ForeignKey("orgs.Institution", on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=100)
    max_per_month = models.PositiveSmallIntegerField(_("at most per month"), null=True, blank=True)
    needs_document = models.BooleanField(_("needs a document"), default=False)
    needs_official = models.BooleanField(_("the authorised official decides after the superior"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="leave_permtype_code")]

    def __str__(self) -> str:
        return self.name


class Request(models.Model):
    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="leave_requests")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    leave_type = models.CharField(max_length=20, blank=True)  # rules.leave code
    permission_type = models.ForeignKey(PermissionType, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    # The last day actually covered: `end`, or the day before a call-back.
    effective_end = models.DateField()
    working_days = models.PositiveSmallIntegerField(default=0)
    reason = models.TextField(_("reason"), blank=True)  # private: never on the letter or the public page
    proof = models.FileField(storage=proof_storage, upload_to="proof/%Y/", blank=True)
    proof_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING_SUPERIOR)
    needs_official = models.BooleanField(default=False)
    superior = models.ForeignKey("people.Employee", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    superior_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    superior_decided_at = models.DateTimeField(null=True, blank=True)
    superior_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    letter_number = models.CharField(max_length=60, blank=True)
    verify_code = models.CharField(max_length=32, null=True, blank=True, unique=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # cancelled or called back
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "unit_path"], name="leave_req_status_path",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["employee", "start"], name="leave_req_emp_start"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.start}–{self.end}"

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING

    @property
    def type_label(self) -> str:
        from marwah.rules.leave import get_type

        if self.permission_type_id and self.permission_type is not None:
            return self.permission_type.name
        found = get_type(self.leave_type)
        return str(found.label) if found else self.leave_type


EVENT_LABELS = {
    "submitted": _("asked in writing"),
    "superior_approve": _("approved as direct superior"),
    "superior_change": _("changed the dates and approved as direct superior"),
    "superior_refuse": _("refused as direct superior"),
    "official_approve": _("approved as authorised official"),
    "official_change": _("changed the dates and approved as authorised official"),
    "official_refuse": _("refused as authorised official"),
    "cancelled": _("cancelled"),
    "recalled": _("called back from leave"),
}


class RequestEvent(models.Model):
    """The written trail of a request: who did what, when, with the note they wrote."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class Delegation(models.Model):
    """While `from_user` is away, `to_user` decides leave in their place."""

    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["to_user", "start", "end"], name="leave_deleg_to")]

    def __str__(self) -> str:
        return f"{self.from_user_id} → {self.to_user_id} {self.start}–{self.end}"


class Balance(models.Model):
    """Annual leave for one person and year: 12 days + carried − cuti bersama − used ± corrections."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="leave_balances")
    unit_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    entitlement = models.SmallIntegerField(default=12)
    carried = models.SmallIntegerField(default=0)
    collective = models.SmallIntegerField(default=0)
    used = models.SmallIntegerField(default=0)
    adjustment = models.SmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employee", "year"], name="leave_balance_emp_year")]
        indexes = [models.Index(fields=["unit_path", "year"], name="leave_balance_path_year",
                                opclasses=["varchar_pattern_ops", "int2_ops"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}"

    @property
    def available(self) -> int:
        return self.entitlement + self.carried + self.adjustment - self.collective - self.used


class BalanceCorrection(models.Model):
    balance = models.ForeignKey(Balance, on_delete=models.CASCADE, related_name="corrections")
    delta = models.SmallIntegerField()
    reason = models.CharField(max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.balance_id} {self.delta:+d}"


class DayStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("No attendance")
    EXCUSED = "excused", _("Excused by HR")


class Source(models.TextChoices):
    IMPORT = "import", _("Imported")
    MANUAL = "manual", _("Marked by HR")


class Attendance(models.Model):
    """One person's working day. Rows exist for every working day an import covered."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    status = models.CharField(max_length=8, choices=DayStatus.choices)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.IMPORT)
    check_in = models.TimeField(null=True, blank=True)
    check_out = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)  # HR's reason for a manual mark

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employee", "day"], name="leave_att_emp_day")]
        # The threshold check reads only days without attendance: a few percent of the table.
        indexes = [models.Index(fields=["employee", "day"], condition=models.Q(status="absent"),
                                name="leave_att_absent")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.day} {self.status}"


class AbsenceCounter(models.Model):
    """Unexcused working days per person and year, kept on write (import, mark, leave decision)."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    unit_id = models.BigIntegerField()
    unit_path = models.CharField(max_length=255)
    days = models.PositiveSmallIntegerField(default=0)
    longest_run = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField(default=0)  # rules.absence.level
    notified_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employee", "year"], name="leave_abs_emp_year")]
        indexes = [models.Index(fields=["unit_path", "year"], name="leave_abs_path_year",
                                opclasses=["varchar_pattern_ops", "int2_ops"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}: {self.days}"


class AbsenceNotice(models.Model):
    """A threshold crossed: the direct superior must examine it (PP 94/2021 Pasal 26/28)."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    sanction_code = models.CharField(max_length=40)
    days = models.PositiveSmallIntegerField()
    consecutive = models.PositiveSmallIntegerField()
    superior_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    case_public_id = models.CharField(max_length=40, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)
    # When the superior was emailed about it: a retried task emails no notice twice.
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["superior_user", "opened_at"], name="leave_notice_sup")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year} {self.sanction_code}"


class UnitMonth(models.Model):
    """Per unit and month: working person-days recorded and those without attendance."""

    unit_id = models.BigIntegerField()
    unit_path = models.CharField(max_length=255)
    month = models.DateField()  # the first of the month
    person_days = models.PositiveIntegerField(default=0)
    absent_days = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_id", "month"], name="leave_unitmonth_unit_month")]
        indexes = [models.Index(fields=["unit_path", "month"], name="leave_unitmonth_path",
                                opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"
