"""Employees: civil servants, contract staff, commissioners and ad hoc officers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmploymentType(models.TextChoices):
    PNS = "pns", _("PNS (civil servant)")
    PPPK = "pppk", _("PPPK (contract civil servant)")
    NON_ASN = "non_asn", _("Non-ASN staff")
    COMMISSIONER = "commissioner", _("Commissioner")
    AD_HOC = "ad_hoc", _("Ad hoc officer")


# NIP is mandatory for these types (UU 20/2023 ASN: PNS and PPPK carry a NIP).
NIP_REQUIRED = frozenset({EmploymentType.PNS, EmploymentType.PPPK})


class Employee(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="employees")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="employees")
    # Denormalised from unit.path so "everyone under a unit" needs no join.
    unit_path = models.CharField(max_length=255, editable=False)
    nip = models.CharField(_("NIP"), max_length=18, null=True, blank=True, unique=True)
    # For people without a NIP (ad hoc officers, non-ASN): the HR system's own number.
    employee_number = models.CharField(_("employee number"), max_length=40, null=True, blank=True)
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    employment_type = models.CharField(_("employment type"), max_length=16, choices=EmploymentType.choices)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    superior = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subordinates",
        verbose_name=_("direct superior"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="employee"
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("employee")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "employee_number"],
                condition=models.Q(employee_number__isnull=False),
                name="employee_number_unique_per_institution",
            ),
        ]
        indexes = [
            models.Index(fields=["unit_path"], name="employee_unit_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["employment_type", "unit_path"], name="employee_type_path",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One uploaded employee file: checked, then (if clean and confirmed) applied, in the background."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        CHECKED = "checked", _("Checked")
        REJECTED = "rejected", _("Rows with problems")
        FAILED = "failed", _("Could not be read")
        APPLYING = "applying", _("Importing")
        DONE = "done", _("Imported")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    root = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    total = models.PositiveIntegerField(default=0)  # rows in the file (estimated before reading)
    done = models.PositiveIntegerField(default=0)  # rows read so far
    row_count = models.PositiveIntegerField(default=0)  # clean rows
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # the first problems, already translated
    preview = models.JSONField(default=list)  # the first rows, for the confirmation page
    message = models.TextField(blank=True)  # a file-level problem
    summary = models.JSONField(default=dict)
    pending_token = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.APPLYING)

    @property
    def percent(self) -> int:
        if not self.running:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0
