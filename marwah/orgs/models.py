"""The organisation tree: institutions, Kemendagri regions and units.

Units form one tree per institution with a materialized path, so "everything
under this unit" is a single indexed prefix query and a unit's ancestors are
read off its path without a query per level.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

SEGMENT = 7  # base-36 digits per path segment: 78 billion ids per level


def encode_segment(pk: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    n = pk
    while n:
        n, rem = divmod(n, 36)
        out = digits[rem] + out
    return out.rjust(SEGMENT, "0") + "/"


def decode_path(path: str) -> list[int]:
    return [int(part, 36) for part in path.split("/") if part]


class Institution(models.Model):
    class Kind(models.TextChoices):
        ELECTION_COMMISSION = "election", _("Election commission")
        MINISTRY = "ministry", _("Ministry or agency")
        OTHER = "other", _("Other institution")

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("institution")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name


class Region(models.Model):
    """A Kemendagri administrative region: province, regency/city, district, village."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/City")
        DISTRICT = 3, _("District")
        VILLAGE = 4, _("Village")

    code = models.CharField(max_length=13, primary_key=True)  # 33, 33.15, 33.15.01, 33.15.01.2001
    name = models.CharField(max_length=120)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class UnitKind(models.TextChoices):
    KPU_RI = "kpu_ri", _("KPU RI")
    KPU_PROVINCE = "kpu_prov", _("KPU Province")
    KPU_REGENCY = "kpu_kab", _("KPU Regency/City")
    PPK = "ppk", _("PPK (district committee)")
    PPS = "pps", _("PPS (village committee)")
    KPPS = "kpps", _("KPPS (polling station)")
    HQ = "hq", _("Headquarters")
    REGIONAL_OFFICE = "kanwil", _("Regional office (Kanwil)")
    WORK_UNIT = "satker", _("Work unit (Satker)")
    DIVISION = "division", _("Division / bureau")


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def under_any(self, paths: list[str]) -> UnitQuerySet:
        if not paths:
            return self.none()
        q = models.Q()
        for path in paths:
            q |= models.Q(path__startswith=path)
        return self.filter(q)


class Unit(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="units")
    is_active = models.BooleanField(default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="unit_code_unique_per_institution"),
        ]
        indexes = [
            # text pattern ops lets PostgreSQL use the index for LIKE 'prefix%'.
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="unit_parent_name"),
            # The unit picker looks units up by Kemendagri code prefix.
            models.Index(fields=["code"], name="unit_code_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to (and including) this unit, read off the path."""
        return decode_path(self.path)

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)
