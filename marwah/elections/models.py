"""Elections as data: stages with dates, vulnerable points, participants, watch tasks, stage tags.

An election (Pemilu, Pilkada) is loaded from a data file or imported by an administrator
(CSV/XLSX); nothing about a particular election is in code. Cases are tagged with the
stage they were logged in by `ElectionTag` (keyed by case, written by a receiver), so the
cases app's own tables stay untouched.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ElectionKind(models.TextChoices):
    PEMILU = "pemilu", _("General election (Pemilu)")
    PILKADA = "pilkada", _("Regional election (Pilkada)")


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional (simultaneous)")
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency / city")


class Period(models.TextChoices):
    BEFORE = "before", _("Before the election")
    DURING = "during", _("During the election")
    AFTER = "after", _("After the election")


class Election(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=ElectionKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.NATIONAL)
    area = models.CharField(_("area"), max_length=200, blank=True)
    source = models.CharField(_("legal source"), max_length=300, blank=True)
    # A planning draft: dates not yet fixed by a PKPU. Shown as such everywhere.
    is_draft = models.BooleanField(_("planning draft"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("election")
        ordering = ["-code"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    watch = models.TextField(_("what to watch"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("stage")
        ordering = ["election", "starts", "order"]
        constraints = [models.UniqueConstraint(fields=["election", "code"], name="stage_code_unique")]
        indexes = [models.Index(fields=["starts", "ends"], name="stage_dates")]

    def __str__(self) -> str:
        return f"{self.election.name}: {self.name}"

    @property
    def days(self) -> int:
        return (self.ends - self.starts).days + 1


class VulnerablePoint(models.Model):
    """A form of violation likely in a stage, with its risk weight (% of violations)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="points")
    form = models.PositiveSmallIntegerField(_("form of violation"))
    weight = models.DecimalField(_("risk weight (%)"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("vulnerable point")
        ordering = ["stage", "-weight", "form"]
        constraints = [models.UniqueConstraint(fields=["stage", "form"], name="point_form_unique")]

    def __str__(self) -> str:
        return f"{self.stage_id}: {self.form} ({self.weight}%)"


class ParticipantKind(models.TextChoices):
    PAIR = "pair", _("Candidate pair")
    CANDIDATE = "candidate", _("Candidate")
    PARTY = "party", _("Political party")


class Participant(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=16, choices=ParticipantKind.choices)
    number = models.CharField(_("ballot number"), max_length=8, blank=True)
    name = models.CharField(_("name"), max_length=200)
    area = models.CharField(_("area"), max_length=120, blank=True)
    aliases = models.JSONField(_("names and abbreviations"), default=list, blank=True)
    slogans = models.JSONField(_("slogans"), default=list, blank=True)
    hashtags = models.JSONField(_("hashtags"), default=list, blank=True)
    teams = models.JSONField(_("campaign teams"), default=list, blank=True)
    symbols = models.JSONField(_("symbols"), default=list, blank=True)

    class Meta:
        verbose_name = _("participant")
        ordering = ["election", "kind", "area", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()

    def as_data(self) -> dict:
        return {"kind": self.kind, "number": self.number, "name": self.name, "area": self.area,
                "aliases": self.aliases, "slogans": self.slogans, "hashtags": self.hashtags,
                "teams": self.teams, "symbols": self.symbols}


class WatchStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")


class WatchTask(models.Model):
    """One unit's supervision of one vulnerable point in one stage."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    form = models.PositiveSmallIntegerField(_("form of violation"))
    status = models.CharField(_("status"), max_length=8, choices=WatchStatus.choices, default=WatchStatus.OPEN)
    checked = models.TextField(_("what was checked"), blank=True)
    found = models.TextField(_("what was found"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watch task")
        ordering = ["stage", "unit__path", "form"]
        constraints = [models.UniqueConstraint(fields=["stage", "unit", "form"], name="watch_task_unique")]

    def __str__(self) -> str:
        return f"{self.stage_id}/{self.unit_id}/{self.form}"


class ElectionTag(models.Model):
    """The election stage and period a neutrality case was logged in (set from its date)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="election_tag")
    election = models.ForeignKey(Election, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    period = models.CharField(_("period"), max_length=8, choices=Period.choices, blank=True)
    form = models.PositiveSmallIntegerField(null=True, blank=True)
    is_lead = models.BooleanField(default=False)
    unit_path = models.CharField(max_length=255)  # the handling unit's path, for subtree counts
    logged_on = models.DateField()

    class Meta:
        verbose_name = _("election tag")
        indexes = [models.Index(fields=["unit_path"], name="election_tag_unit_path",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.stage_id} {self.period}"
