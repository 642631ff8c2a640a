"""Monitoring: case/report summary tables kept on write, and the periodic reports sent up the tree.

`CaseStat` is a rollup like pledges' `Tally`: one row per (ancestor unit, month, category, kind,
measure) holding the subtree total, so a dashboard for any unit reads a few hundred rows of its
own plus its children's, never the case table. `CaseFact` is one small row per case with the
statistics columns only (no text, nothing from encrypted content): it remembers the status a
counter must be moved from, and answers "open cases past their deadline" from a partial index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseFact(models.Model):
    case_id = models.BigIntegerField(primary_key=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    category = models.CharField(max_length=32)
    kind = models.CharField(max_length=48)
    reported_on = models.DateField()
    status = models.CharField(max_length=16)
    is_open = models.BooleanField(default=True)
    stage_due = models.DateField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    missed_deadlines = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["stage_due", "unit_path"], name="mon_fact_open_due",
                         condition=models.Q(is_open=True)),
            models.Index(fields=["unit_path"], name="mon_fact_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"fact {self.case_id}"


class CaseStat(models.Model):
    """Subtree total of one measure for one unit, month, category and kind."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    parent_unit_id = models.BigIntegerField(null=True)
    month = models.DateField()  # first day of the month
    category = models.CharField(max_length=32)
    kind = models.CharField(max_length=48, blank=True)
    measure = models.CharField(max_length=40)
    value = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month", "category", "kind", "measure"],
                                               name="mon_stat_unique")]
        indexes = [models.Index(fields=["parent_unit_id", "measure", "month"], name="mon_stat_parent")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.category}/{self.kind} {self.measure}={self.value}"


class PeriodicReport(models.Model):
    """One version of a unit's monitoring-and-evaluation report for a period.

    Made in the background; once sent it is frozen (figures, text and files): a correction is
    a new version. The unit above acknowledges it or returns it with a note.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RETURNED = "returned", _("Returned")

    class Build(models.TextChoices):
        NONE = "", _("Not made yet")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    period_kind = models.CharField(max_length=12)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveSmallIntegerField(default=1)
    consolidated = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    evaluation = models.TextField(_("evaluation"), blank=True)
    follow_up = models.TextField(_("follow-up plan"), blank=True)
    build = models.CharField(max_length=12, choices=Build.choices, blank=True, default=Build.NONE)
    progress = models.PositiveSmallIntegerField(default=0)
    snapshot = models.JSONField(default=dict, blank=True)  # the published figures, frozen with the files
    pdf = models.BinaryField(null=True, blank=True)
    xlsx = models.BinaryField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("monitoring report")
        ordering = ["-period_start", "unit_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["unit", "period_start", "period_end", "version"],
                                               name="mon_report_version_unique")]
        indexes = [models.Index(fields=["period_start", "period_end", "status"], name="mon_report_period")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_start}..{self.period_end} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class ReportReminder(models.Model):
    """A reminder sent to a unit for a period, so it is sent once."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "period_start"], name="mon_reminder_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_start}"
