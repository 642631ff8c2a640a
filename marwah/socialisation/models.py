"""Socialisation and internalisation: topics, programmes, sessions, attendance, outreach, questions.

Design in one paragraph: a session is held for a set of participating units (each with its subtree).
Attendance is one row per person per session, however it was taken (QR scan, the organiser's tick, a
meeting tool's CSV). Coverage asks "who in scope attended this topic at least once in the period": the
first attendance of a person on a topic in a period bucket (a year and a quarter) inserts one `Reach`
row, and only that insert adds 1 to the `TopicTally` of every unit from the institution's root down to
the person's unit (sharded near the root, as pledges' Tally). The denominators come from `Headcount`,
a per-unit subtree headcount refreshed set-based in the background. A coverage page therefore reads a
few dozen counter rows, never the attendance.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marwah.accounts.models import Role

TALLY_SHARDS = 16
SHARDED_DEPTH = 3


class Topic(models.Model):
    """One subject in the institution's catalog, with the regulation it socialises."""

    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=60)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    regulation = models.CharField(_("source regulation"), max_length=300,
                                  help_text=_("The regulation and article this topic socialises."))
    # Optional short quiz: [{"q": "...", "options": ["...", ...], "answer": 0}, ...]
    quiz = models.JSONField(_("quiz"), default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic")
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["institution", "key"], name="soc_topic_key_unique")]

    def __str__(self) -> str:
        return self.title


class Programme(models.Model):
    """A series of sessions on topics for a unit subtree, owned by an organiser."""

    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit (with everything under it)"))
    unit_path = models.CharField(max_length=255, editable=False)
    employment_types = models.JSONField(_("employment types"), default=list, blank=True)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("organiser"))
    organiser_role = models.CharField(_("organising as"), max_length=24, choices=Role.choices)
    topics = models.ManyToManyField(Topic, related_name="programmes", verbose_name=_("topics"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit_path"], name="soc_programme_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    class Kind(models.TextChoices):
        RAKOR = "rakor", _("Coordination meeting (rakor)")
        SOSIALISASI = "sosialisasi", _("Socialisation")
        TRAINING = "training", _("Training")
        APEL = "apel", _("Internalisation at roll-call (apel)")
        LAUNCH = "launch", _("Declaration / launch")

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="sessions", verbose_name=_("programme"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    mode = models.CharField(_("form"), max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    title = models.CharField(_("title"), max_length=200)
    topics = models.ManyToManyField(Topic, related_name="sessions", verbose_name=_("topics"))
    host_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("host unit"))
    host_path = models.CharField(max_length=255, editable=False)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_url = models.URLField(_("meeting link"), blank=True)
    late_after_minutes = models.PositiveSmallIntegerField(_("late after (minutes)"), default=15)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Key of the rotating QR code; never shown.
    secret = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["host_path"], name="soc_session_host", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["starts_at"], name="soc_session_starts"),
        ]

    def __str__(self) -> str:
        return self.title


class SessionUnit(models.Model):
    """A participating unit: everyone in its subtree is expected (one national session, hundreds of offices)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participating")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "unit"], name="soc_session_unit_unique")]
        indexes = [models.Index(fields=["unit_path"], name="soc_session_unit_path")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.unit_id}"



class Speaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=150)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    is_external = models.BooleanField(_("outside speaker"), default=False)
    # A speaker with an account sees the questions live.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        verbose_name = _("speaker")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("Document or slides")
        VIDEO = "video", _("Video link")
        LINK = "link", _("Other link")

    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="materials")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="socialisation/%Y/%m/", blank=True)
    url = models.URLField(_("link"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One person at one session, however it was recorded."""

    class Method(models.TextChoices):
        QR = "qr", _("Scanned the QR code")
        TICKED = "ticked", _("Ticked by the organiser")
        IMPORTED = "imported", _("Imported from the meeting tool")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    method = models.CharField(max_length=10, choices=Method.choices)
    at = models.DateTimeField()
    late = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "employee"], name="soc_attendance_once")]
        indexes = [
            models.Index(fields=["session", "unit_path"], name="soc_att_session_path",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
            models.Index(fields=["employee", "at"], name="soc_att_employee"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.employee_id}"


class Reach(models.Model):
    """A person attended a topic at least once in a period bucket ("2025", "2025-Q3")."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    bucket = models.CharField(max_length=8)
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "bucket", "employee"], name="soc_reach_once")]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.bucket}:{self.employee_id}"



class TopicTally(models.Model):
    """Subtree count of people reached by a topic in a bucket, for one unit (sum over shards)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    bucket = models.CharField(max_length=8)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    parent_unit_id = models.BigIntegerField(null=True)
    shard = models.PositiveSmallIntegerField(default=0)
    reached = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "bucket", "unit", "shard"], name="soc_tally_unique")]
        indexes = [models.Index(fields=["topic", "bucket", "parent_unit_id"], name="soc_tally_parent")]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.bucket}:{self.unit_id}:{self.shard}"



class SessionTally(models.Model):
    """Subtree attendance of one session for one unit (sum over shards): each office sees its own."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    parent_unit_id = models.BigIntegerField(null=True)
    shard = models.PositiveSmallIntegerField(default=0)
    present = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "unit", "shard"], name="soc_stally_unique")]
        indexes = [models.Index(fields=["session", "parent_unit_id"], name="soc_stally_parent")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.unit_id}:{self.shard}"



class Headcount(models.Model):
    """Active people in a unit's subtree: the coverage denominator, refreshed set-based."""

    unit = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    parent_unit_id = models.BigIntegerField(null=True, db_index=True)
    people = models.IntegerField(default=0)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.people}"



class Outreach(models.Model):
    """A poster, circular or social-media post socialising a topic (seed 004 point 2)."""

    class Channel(models.TextChoices):
        POSTER = "poster", _("Poster / banner")
        CIRCULAR = "circular", _("Circular letter")
        SOCIAL = "social", _("Social media post")
        WEBSITE = "website", _("Website news")
        PRINT = "print", _("Print media")

    institution = models.ForeignKey("orgs.Institution", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    unit_path = models.CharField(max_length=255, editable=False)
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("topic"))
    title = models.CharField(_("title"), max_length=200)
    link = models.URLField(_("link"), blank=True)
    reach = models.PositiveIntegerField(_("reach (if known)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach item")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit_path", "date"], name="soc_outreach_path",
                                opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A participant's written question. Anonymous: no asker, no exact time, no audit actor."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"), max_length=2000)
    asker = models.ForeignKey("people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    describes_violation = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        ordering = ["status", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.pk}"


class AccessCode(models.Model):
    """A one-time code for an ad hoc officer without an account: checks them in once."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.employee_id}"



class AttendanceImport(models.Model):
    """A meeting tool's participant list, kept row by row so nothing is lost (matched, unmatched, recorded)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="imports")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    # [{"line", "name", "email", "nip", "joined", "status", "employee_id", "message"}]
    rows = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
