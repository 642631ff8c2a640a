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
