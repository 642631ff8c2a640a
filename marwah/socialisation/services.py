"""Socialisation: every write goes through here (audit row in the same transaction)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import random
import re
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection, send_mass_mail
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marwah.audit.services import record
from marwah.orgs.models import SEGMENT, Institution, Unit, decode_path
from marwah.people.models import Employee
from marwah.rules.topics import DEFAULT_TOPICS, describes_violation
from marwah.socialisation.models import (
    SHARDED_DEPTH,
    TALLY_SHARDS,
    AccessCode,
    Attendance,
    AttendanceImport,
    Headcount,
    Material,
    Outreach,
    Programme,
    Question,
    Reach,
    Session,
    SessionUnit,
    Speaker,
    Topic,
)

QR_SLOT_SECONDS = 45  # the code on the room screen changes this often
QR_SLOTS_VALID = 3  # the current code and the two before it are accepted (a slow scan, a slow network)
CHECKIN_EARLY = timedelta(minutes=30)  # check-in opens this long before the start …
CHECKIN_GRACE = timedelta(minutes=30)  # … and closes this long after the end
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


# --- Periods ---------------------------------------------------------------------------------------

def buckets_for(day: date) -> list[str]:
    """The coverage periods a day counts in: its year and its quarter."""
    return [str(day.year), f"{day.year}-Q{(day.month - 1) // 3 + 1}"]


def bucket_range(bucket: str) -> tuple[date, date]:
    year = int(bucket[:4])
    if len(bucket) == 4:
        return date(year, 1, 1), date(year, 12, 31)
    quarter = int(bucket[-1])
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return start, end


# --- Topics, programmes, materials -----------------------------------------------------------------

def ensure_default_topics(*, institution: Institution, actor: Any = None) -> list[Topic]:
    out = []
    for default in DEFAULT_TOPICS:
        if default.institution_kind and default.institution_kind != institution.kind:
            continue
        topic, created = Topic.objects.get_or_create(
            institution=institution, key=default.key,
            defaults={"title": default.title, "regulation": str(default.citation),
                      "quiz": [{"q": q, "options": list(options), "answer": answer}
                               for q, options, answer in default.quiz]})
        if created:
            record(actor=actor, action="social.topic_created", target=topic, detail={"key": default.key})
        out.append(topic)
    return out


def create_topic(*, actor: Any, institution: Institution, title: str, regulation: str, description: str = "",
                 quiz: list[dict[str, Any]] | None = None) -> Topic:
    key = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50] or "topik"
    with transaction.atomic():
        n = Topic.objects.filter(institution=institution, key__startswith=key).count()
        topic = Topic.objects.create(institution=institution, key=f"{key}-{n}" if n else key, title=title,
                                     regulation=regulation, description=description, quiz=quiz or [])
        record(actor=actor, action="social.topic_created", target=topic)
    return topic


def add_material(*, actor: Any, kind: str, title: str, topic: Topic | None = None, session: Session | None = None,
                 upload: Any = None, url: str = "") -> Material:
    if upload is None and not url:
        raise ValidationError(_("Attach a file or give a link."))
    with transaction.atomic():
        material = Material(topic=topic, session=session, kind=kind, title=title, url=url, created_by=actor)
        if upload is not None:
            material.file.save(upload.name, upload, save=False)
        material.save()
        record(actor=actor, action="social.material_added", target=material,
               detail={"topic": topic.pk if topic else None, "session": session.pk if session else None})
    return material


def create_programme(*, actor: Any, unit: Unit, title: str, organiser_role: str, topics: list[Topic],
                     employment_types: list[str] | None = None, description: str = "") -> Programme:
    with transaction.atomic():
        programme = Programme.objects.create(
            institution_id=unit.institution_id, unit=unit, unit_path=unit.path, title=title, description=description,
            organiser=actor, organiser_role=organiser_role, employment_types=sorted(set(employment_types or [])))
        programme.topics.set(topics)
        record(actor=actor, action="social.programme_created", target=programme, unit=unit)
    return programme


def parse_quiz(text: str) -> list[dict[str, Any]]:
    """One question per line: `question | option | *right option | option`."""
    out = []
    for n, line in enumerate((raw for raw in text.splitlines() if raw.strip()), start=1):
        question, *options = [part.strip() for part in line.split("|")]
        right = [i for i, option in enumerate(options) if option.startswith("*")]
        if not question or len(options) < 2 or len(right) != 1:
            raise ValidationError(_("Quiz line %(n)s: write the question, then at least two options separated by "
                                    "\"|\", with exactly one marked * as the right answer.") % {"n": n})
        out.append({"q": question, "options": [o.lstrip("*").strip() for o in options], "answer": right[0]})
    return out


def quiz_score(topic: Topic, answers: dict[int, int]) -> int:
    return sum(1 for i, item in enumerate(topic.quiz) if answers.get(i) == item["answer"])


# --- Sessions --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SpeakerSpec:
    name: str
    affiliation: str = ""
    is_external: bool = False
    user: Any = None


def create_session(*, actor: Any, kind: str, title: str, topics: list[Topic], host_unit: Unit,
                   participating: list[Unit], starts_at: datetime, ends_at: datetime, mode: str = "offline",
                   place: str = "", meeting_url: str = "", programme: Programme | None = None,
                   speakers: list[SpeakerSpec] | None = None, late_after_minutes: int = 15) -> Session:
    if ends_at <= starts_at:
        raise ValidationError(_("The end must be after the start."))
    if not topics:
        raise ValidationError(_("Choose at least one topic."))
    units = participating or [host_unit]
    if any(u.institution_id != host_unit.institution_id for u in units):
        raise ValidationError(_("Participating units must belong to the host's institution."))
    with transaction.atomic():
        session = Session.objects.create(
            institution_id=host_unit.institution_id, programme=programme, kind=kind, mode=mode, title=title,
            host_unit=host_unit, host_path=host_unit.path, starts_at=starts_at, ends_at=ends_at, place=place,
            meeting_url=meeting_url, late_after_minutes=late_after_minutes, organiser=actor,
            secret=secrets.token_hex(32))
        session.topics.set(topics)
        SessionUnit.objects.bulk_create([SessionUnit(session=session, unit=u, unit_path=u.path)
                                         for u in {u.pk: u for u in units}.values()])
        Speaker.objects.bulk_create([Speaker(session=session, name=s.name, affiliation=s.affiliation,
                                             is_external=s.is_external, user=s.user) for s in speakers or []])
        record(actor=actor, action="social.session_created", target=session, unit=host_unit,
               detail={"kind": kind, "units": len(units), "topics": [t.pk for t in topics]})
    return session


def start_apel(*, actor: Any, unit: Unit, topic: Topic, title: str = "", minutes: int = 15,
               now: datetime | None = None) -> Session:
    """An internalisation item at this morning's roll-call: one tap, then tick who is there."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        default_title = _("Apel internalisation: %(topic)s") % {"topic": topic.title}
    return create_session(actor=actor, kind=Session.Kind.APEL, title=title or default_title, topics=[topic],
                          host_unit=unit, participating=[unit], starts_at=now, ends_at=now + timedelta(minutes=minutes),
                          place=unit.name)


# --- The rotating QR code --------------------------------------------------------------------------

def current_slot(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // QR_SLOT_SECONDS)


def qr_token(session: Session, slot: int) -> str:
    key = (settings.SECRET_KEY + session.secret).encode()
    return hmac.new(key, f"checkin:{session.pk}:{slot}".encode(), hashlib.sha256).hexdigest()[:20]


def qr_path(session: Session, slot: int | None = None) -> str:
    slot = current_slot() if slot is None else slot
    return reverse("socialisation:scan", args=[session.pk, slot, qr_token(session, slot)])


def qr_svg(url: str) -> str:
    """An SVG without fixed size (a viewBox only), so the room screen can show it large."""
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=1, border=2, xmldecl=False, svgns=True, omitsize=True)
    return buf.getvalue().decode()


def checkin_window(session: Session) -> tuple[datetime, datetime]:
    return session.starts_at - CHECKIN_EARLY, session.ends_at + CHECKIN_GRACE


def is_open(session: Session, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    opens, closes = checkin_window(session)
    return opens <= now <= closes


def token_valid(session: Session, slot: int, token: str, *, now: float | None = None) -> bool:
    current = current_slot(now)
    if not current - QR_SLOTS_VALID < slot <= current:
        return False
    return hmac.compare_digest(qr_token(session, slot), token)


# --- Attendance and the counters -------------------------------------------------------------------

def _rollup(path: str, shard_rows: bool = True) -> list[tuple[int, int | None, int]]:
    """(unit id, parent id, shard) from the institution's root down to the unit; random shard near the root."""
    ids = decode_path(path)
    return [(unit_id, ids[depth - 1] if depth else None,
             random.randrange(TALLY_SHARDS) if shard_rows and depth < SHARDED_DEPTH else 0)
            for depth, unit_id in enumerate(ids)]


def _bump_session(cur: Any, session_id: int, path: str, *, late: bool, sign: int = 1) -> None:
    rows = _rollup(path)
    values: list[Any] = []
    for unit_id, parent_id, shard in rows:
        values += [session_id, unit_id, parent_id, shard, sign, sign if late else 0]
    cur.execute(
        "INSERT INTO socialisation_sessiontally (session_id, unit_id, parent_unit_id, shard, present, late) "  # noqa: S608
        f"VALUES {','.join(['(%s,%s,%s,%s,%s,%s)'] * len(rows))} ON CONFLICT (session_id, unit_id, shard) "
        "DO UPDATE SET present = socialisation_sessiontally.present + excluded.present, "
        "late = socialisation_sessiontally.late + excluded.late", values)


def _bump_topics(cur: Any, reached: list[tuple[int, str]], path: str, *, sign: int = 1) -> None:
    rows = _rollup(path)
    values: list[Any] = []
    for topic_id, bucket in reached:
        for unit_id, parent_id, shard in rows:
            values += [topic_id, bucket, unit_id, parent_id, shard, sign]
    if not values:
        return
    cur.execute(
        "INSERT INTO socialisation_topictally (topic_id, bucket, unit_id, parent_unit_id, shard, reached) "  # noqa: S608
        f"VALUES {','.join(['(%s,%s,%s,%s,%s,%s)'] * (len(values) // 6))} ON CONFLICT "
        "(topic_id, bucket, unit_id, shard) DO UPDATE SET reached = socialisation_topictally.reached + excluded.reached",
        values)


def is_late(session: Session, at: datetime) -> bool:
    return at > session.starts_at + timedelta(minutes=session.late_after_minutes)


def session_topic_ids(session: Session) -> list[int]:
    cached = getattr(session, "_topic_ids", None)
    if cached is None:
        cached = sorted(session.topics.values_list("pk", flat=True))
        session._topic_ids = cached  # type: ignore[attr-defined]
    return cached


def record_attendance(*, session: Session, employee: Employee, method: str, actor: Any = None,
                      at: datetime | None = None, late: bool | None = None) -> bool:
    """One row per person per session; False (nothing changed) if they were already recorded.
    The person's first attendance of a topic in a year/quarter raises that topic's coverage tallies."""
    at = at or timezone.now()
    if late is None:
        late = is_late(session, at)
    day = timezone.localdate(session.starts_at)
    buckets = buckets_for(day)
    topic_ids = session_topic_ids(session)
    recorder = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    row = [session.pk, employee.pk, employee.unit_id, employee.unit_path, method, at, late, recorder]
    pairs = [(t, b) for t in topic_ids for b in buckets]
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            inserted = _attend_pg(cur, row, session.pk, employee, pairs, late=late)
        else:
            inserted = _attend_portable(cur, row, session.pk, employee, pairs, late=late)
        if inserted is None:
            return False
        record(actor=actor, action="social.attended", target=("socialisation.attendance", inserted),
               unit=employee.unit_id, detail={"session": session.pk, "method": method, "late": late})
    return True


_ATTEND = ("INSERT INTO socialisation_attendance (session_id, employee_id, unit_id, unit_path, method, at, late, "
           "recorded_by_id) VALUES (%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (session_id, employee_id) DO NOTHING "
           "RETURNING id")


def _attend_portable(cur: Any, row: list[Any], session_id: int, employee: Employee, pairs: list[tuple[int, str]],
                     *, late: bool) -> int | None:
    cur.execute(_ATTEND, row)
    inserted = cur.fetchone()
    if inserted is None:
        return None
    _bump_session(cur, session_id, employee.unit_path, late=late)
    values = [v for t, b in pairs for v in (t, b, employee.pk, employee.unit_path)]
    cur.execute(
        "INSERT INTO socialisation_reach (topic_id, bucket, employee_id, unit_path) VALUES "  # noqa: S608
        f"{','.join(['(%s,%s,%s,%s)'] * len(pairs))} ON CONFLICT (topic_id, bucket, employee_id) DO NOTHING "
        "RETURNING topic_id, bucket", values)
    _bump_topics(cur, [(r[0], r[1]) for r in cur.fetchall()], employee.unit_path)
    return int(inserted[0])


def _attend_pg(cur: Any, row: list[Any], session_id: int, employee: Employee, pairs: list[tuple[int, str]],
               *, late: bool) -> int | None:
    """The same four writes in one statement (one round trip on the hot path): each later part runs only
    if the attendance row was new, and a topic's tallies only for a (topic, bucket) reached for the first time."""
    units = _rollup(employee.unit_path)
    unit_values = [v for unit_id, parent_id, shard in units for v in (unit_id, parent_id, shard)]
    reach_values = [v for t, b in pairs for v in (t, b, employee.pk, employee.unit_path)]
    unit_rows = ",".join(["(%s::bigint,%s::bigint,%s::smallint)"] * len(units))
    cur.execute(
        f"WITH a AS ({_ATTEND}), u(unit_id, parent_id, shard) AS (VALUES {unit_rows}), "  # noqa: S608
        "s AS (INSERT INTO socialisation_sessiontally (session_id, unit_id, parent_unit_id, shard, present, late) "
        "SELECT %s, unit_id, parent_id, shard, 1, %s FROM u WHERE EXISTS (SELECT 1 FROM a) "
        "ON CONFLICT (session_id, unit_id, shard) DO UPDATE SET present = socialisation_sessiontally.present + 1, "
        "late = socialisation_sessiontally.late + excluded.late), "
        "r AS (INSERT INTO socialisation_reach (topic_id, bucket, employee_id, unit_path) "
        f"SELECT * FROM (VALUES {','.join(['(%s::bigint,%s,%s::bigint,%s)'] * len(pairs))}) v "
        "WHERE EXISTS (SELECT 1 FROM a) ON CONFLICT (topic_id, bucket, employee_id) DO NOTHING "
        "RETURNING topic_id, bucket), "
        "t AS (INSERT INTO socialisation_topictally (topic_id, bucket, unit_id, parent_unit_id, shard, reached) "
        "SELECT r.topic_id, r.bucket, u.unit_id, u.parent_id, u.shard, 1 FROM r CROSS JOIN u "
        "ON CONFLICT (topic_id, bucket, unit_id, shard) DO UPDATE SET reached = socialisation_topictally.reached + 1) "
        "SELECT id FROM a",
        [*row, *unit_values, session_id, 1 if late else 0, *reach_values])
    found = cur.fetchone()
    return int(found[0]) if found else None


def remove_attendance(*, session: Session, employee: Employee, actor: Any) -> bool:
    """Undo a tick. The topic stays covered for the person if another session in the period covered it."""
    with transaction.atomic(), connection.cursor() as cur:
        row = Attendance.objects.select_for_update().filter(session=session, employee=employee).first()
        if row is None:
            return False
        row.delete()
        _bump_session(cur, session.pk, row.unit_path, late=row.late, sign=-1)
        day = timezone.localdate(session.starts_at)
        lost: list[tuple[int, str]] = []
        for topic_id in session_topic_ids(session):
            for bucket in buckets_for(day):
                start, end = bucket_range(bucket)
                still = Attendance.objects.filter(
                    employee=employee, session__topics=topic_id, session__starts_at__date__gte=start,
                    session__starts_at__date__lte=end).exists()
                if not still and Reach.objects.filter(topic_id=topic_id, bucket=bucket, employee=employee).delete()[0]:
                    lost.append((topic_id, bucket))
        _bump_topics(cur, lost, row.unit_path, sign=-1)
        record(actor=actor, action="social.attendance_removed", target=row, unit=row.unit_id,
               detail={"session": session.pk})
    return True


def refresh_headcounts(*, institution: Institution) -> int:
    """Active people per unit subtree, set-based: one grouped INSERT … SELECT per tree level."""
    unit_table, emp_table = Unit._meta.db_table, Employee._meta.db_table
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        Headcount.objects.filter(unit__institution=institution).delete()
        cur.execute(f"SELECT max(length(unit_path)) FROM {emp_table} WHERE institution_id = %s",  # noqa: S608
                    [institution.pk])
        longest = cur.fetchone()[0] or 0
        seg = SEGMENT + 1
        for length in range(seg, longest + 1, seg):
            cur.execute(
                "INSERT INTO socialisation_headcount (unit_id, parent_unit_id, people, refreshed_at) "  # noqa: S608
                f"SELECT u.id, u.parent_id, x.n, %s FROM (SELECT substr(unit_path, 1, %s) AS p, count(*) AS n "
                f"FROM {emp_table} WHERE institution_id = %s AND is_active AND length(unit_path) >= %s "
                # GROUP BY position: with server-side binding a repeated parameter is another expression.
                f"GROUP BY 1) x JOIN {unit_table} u ON u.path = x.p",
                [now, length, institution.pk, length])
        n = Headcount.objects.filter(unit__institution=institution).count()
        record(actor=None, action="social.headcounts_refreshed", target=institution, detail={"units": n})
    return n


# --- One-time codes for people without an account --------------------------------------------------

def _code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(settings.SECRET_KEY.encode(), b"social-code:" + normal.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    employee: Employee
    code: str


def issue_codes(*, session: Session, employees: list[Employee], actor: Any) -> list[IssuedCode]:
    """One code per person (shown once, stored hashed), valid until check-in closes."""
    _, closes = checkin_window(session)
    issued = []
    with transaction.atomic():
        AccessCode.objects.filter(session=session, employee__in=employees, used_at__isnull=True).delete()
        rows = []
        for employee in employees:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            rows.append(AccessCode(employee=employee, session=session, code_hash=_code_hash(code), issued_by=actor,
                                   expires_at=closes))
            issued.append(IssuedCode(employee, f"{code[:4]}-{code[4:]}"))
        AccessCode.objects.bulk_create(rows)
        record(actor=actor, action="social.codes_issued", target=session, detail={"count": len(rows)})
    return issued


def redeem_code(*, session: Session, code: str) -> Employee | None:
    with transaction.atomic():
        row = (AccessCode.objects.select_for_update().select_related("employee")
               .filter(code_hash=_code_hash(code), session=session, used_at__isnull=True,
                       expires_at__gt=timezone.now()).first())
        if row is None:
            return None
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        record(actor=None, action="social.code_used", target=row.employee, unit=row.employee.unit_id,
               detail={"session": session.pk})
    return row.employee


# --- Importing a meeting tool's participant list ---------------------------------------------------

NAME_HEADERS = ("name (original name)", "name", "nama", "participant", "display name", "full name")
EMAIL_HEADERS = ("user email", "email", "e-mail", "surel")
NIP_HEADERS = ("nip", "employee number", "nomor pegawai")
JOIN_HEADERS = ("join time", "joined", "waktu bergabung", "first seen")
NIP_RE = re.compile(r"\b(\d{18})\b")
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file could not be read as text (CSV)."))


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def parse_participants(data: bytes) -> list[dict[str, Any]]:
    """Rows of a Zoom-like participant CSV: name, email, NIP (a column, or 18 digits in the name), join time."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = [r for r in reader]
    # Zoom puts a meeting summary block above the participant table: find the header row.
    start = next((i for i, r in enumerate(rows) if _column(r, NAME_HEADERS) is not None), None)
    if start is None:
        raise ValidationError(_("No column with the participants' names was found (expected e.g. "
                                "\"Name (Original Name)\" or \"Nama\")."))
    header = rows[start]
    cols = {k: _column(header, names) for k, names in
            (("name", NAME_HEADERS), ("email", EMAIL_HEADERS), ("nip", NIP_HEADERS), ("joined", JOIN_HEADERS))}
    out = []
    for offset, raw in enumerate(rows[start + 1:], start=start + 2):
        if not any(cell.strip() for cell in raw):
            continue

        def cell(key: str, raw: list[str] = raw) -> str:
            i = cols[key]
            return raw[i].strip() if i is not None and i < len(raw) else ""

        name = cell("name")
        nip = cell("nip")
        if not nip:
            found = NIP_RE.search(name)
            nip = found.group(1) if found else ""
        out.append({"line": offset, "name": name[:150], "email": cell("email")[:254].lower(), "nip": nip[:40],
                    "joined": cell("joined")[:40], "status": "unmatched", "employee_id": None, "message": ""})
    if not out:
        raise ValidationError(_("The file has a header but no participant rows."))
    return out


def _normal_name(name: str) -> str:
    name = re.sub(r"\(.*?\)|\d{6,}", " ", name)
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def _match(rows: list[dict[str, Any]], scope: Any) -> None:
    """Fill employee_id/status/message per row: NIP, then email, then a unique exact name."""
    nips = {r["nip"] for r in rows if r["nip"]}
    emails = {r["email"] for r in rows if r["email"]}
    by_nip = {e.nip: e for e in scope.filter(Q(nip__in=nips) | Q(employee_number__in=nips))} if nips else {}
    by_number = {e.employee_number: e for e in by_nip.values() if e.employee_number}
    by_email: dict[str, Any] = {}
    if emails:
        for e in scope.filter(email__in=emails):
            by_email.setdefault(e.email.lower(), e)
    names = {_normal_name(r["name"]) for r in rows if r["name"]}
    # Candidates by exact stored spelling variants (an index lookup, not a scan of the scope).
    variants = {v for n in names for v in (n, n.title(), n.upper())}
    by_name: dict[str, list[Any]] = {}
    if names:
        for e in scope.filter(name__in=variants).only("id", "name", "unit_id", "unit_path"):
            key = _normal_name(e.name)
            if key in names:
                by_name.setdefault(key, []).append(e)
    seen: set[int] = set()
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            if row["status"] == "recorded":
                continue
            match = by_nip.get(row["nip"]) or by_number.get(row["nip"]) or by_email.get(row["email"])
            how = _("matched by NIP") if row["nip"] and match else _("matched by email")
            if match is None:
                candidates = by_name.get(_normal_name(row["name"]), [])
                if len(candidates) == 1:
                    match, how = candidates[0], _("matched by name")
                elif len(candidates) > 1:
                    row["message"] = _("Several people in scope have this name: choose one.")
                    continue
            if match is None:
                row["message"] = _("No one in scope with this NIP, email or name: choose the person or skip.")
                continue
            if match.pk in seen:
                row.update(status="duplicate", employee_id=match.pk,
                           message=_("Same person as an earlier row (joined twice): counted once."))
                continue
            seen.add(match.pk)
            row.update(status="matched", employee_id=match.pk, message=str(how))


def start_import(*, session: Session, unit: Unit, actor: Any, filename: str, data: bytes,
                 scope: Any) -> AttendanceImport:
    rows = parse_participants(data)
    _match(rows, scope)
    with transaction.atomic():
        batch = AttendanceImport.objects.create(session=session, unit=unit, filename=filename[:200], rows=rows,
                                                created_by=actor)
        record(actor=actor, action="social.import_started", target=batch, unit=unit,
               detail={"session": session.pk, "rows": len(rows)})
    return batch


def match_row(*, batch: AttendanceImport, line: int, employee: Employee | None, actor: Any) -> None:
    """The organiser's manual match (or skip, with employee None) for one row."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        batch = AttendanceImport.objects.select_for_update().get(pk=batch.pk)
        for row in batch.rows:
            if row["line"] == line and row["status"] != "recorded":
                if employee is None:
                    row.update(status="skipped", employee_id=None, message=_("Skipped by the organiser."))
                else:
                    row.update(status="matched", employee_id=employee.pk, message=_("Matched by the organiser."))
        batch.save(update_fields=["rows"])
        record(actor=actor, action="social.import_row_matched", target=batch, detail={"line": line})


def _joined_at(text: str) -> datetime | None:
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.get_current_timezone())
        except ValueError:
            continue
    return None


def record_import(*, batch: AttendanceImport, actor: Any) -> int:
    """Record every matched row (method "imported"); late from the join time when the file has one."""
    session = batch.session
    ids = [r["employee_id"] for r in batch.rows if r["status"] == "matched"]
    people = Employee.objects.in_bulk(ids)
    recorded = 0
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        batch = AttendanceImport.objects.select_for_update().get(pk=batch.pk)
        for row in batch.rows:
            employee = people.get(row["employee_id"]) if row["status"] == "matched" else None
            if employee is None:
                continue
            joined = _joined_at(row["joined"]) if row["joined"] else None
            at = joined or session.starts_at
            new = record_attendance(session=session, employee=employee, method=Attendance.Method.IMPORTED,
                                    actor=actor, at=at, late=None if joined else False)
            recorded += new
            row.update(status="recorded", message=_("Recorded.") if new else _("Already recorded before."))
        batch.recorded_at = timezone.now()
        batch.save(update_fields=["rows", "recorded_at"])
        record(actor=actor, action="social.import_recorded", target=batch, detail={"recorded": recorded})
    return recorded


# --- Questions -------------------------------------------------------------------------------------

def ask_question(*, session: Session, text: str, employee: Employee | None, anonymous: bool) -> Question:
    """Anonymous: no asker, the time only to the hour, and an audit row without actor or unit."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your question."))
    now = timezone.now()
    with transaction.atomic():
        question = Question.objects.create(
            session=session, text=text[:2000], asker=None if anonymous else employee,
            created_at=now.replace(minute=0, second=0, microsecond=0) if anonymous else now,
            describes_violation=describes_violation(text))
        if anonymous:
            record(actor=None, action="social.question_asked", target=session, detail={"anonymous": True})
        else:
            record(actor=employee.user if employee else None, action="social.question_asked", target=question,
                   unit=employee.unit_id if employee else None)
    return question


def mark_answered(*, question: Question, actor: Any) -> None:
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(status=Question.Status.ANSWERED, answered_at=timezone.now())
        record(actor=actor, action="social.question_answered", target=question, detail={"session": question.session_id})


# --- Outreach --------------------------------------------------------------------------------------

def create_outreach(*, actor: Any, unit: Unit, day: date, channel: str, title: str, topic: Topic | None = None,
                    link: str = "", reach: int | None = None) -> Outreach:
    with transaction.atomic():
        item = Outreach.objects.create(institution_id=unit.institution_id, unit=unit, unit_path=unit.path, date=day,
                                       channel=channel, topic=topic, title=title, link=link, reach=reach,
                                       created_by=actor)
        record(actor=actor, action="social.outreach_recorded", target=item, unit=unit, detail={"channel": channel})
    return item


# --- Reminders -------------------------------------------------------------------------------------

def remind_absent(*, session: Session, employees: list[Employee], actor: Any) -> int:
    """Email the expected people not recorded yet. The mail names the session, nothing about anyone."""
    url = settings.SITE_URL.rstrip("/") + reverse("socialisation:session", args=[session.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Socialisation: %(title)s") % {"title": session.title}
        where = session.place or session.meeting_url
        body = _("You are expected at \"%(title)s\" on %(when)s (%(where)s).\nDetails and materials: %(url)s\n"
                 "If you attended already, please ignore this message.") % {
            "title": session.title, "when": timezone.localtime(session.starts_at).strftime("%d-%m-%Y %H:%M"),
            "where": where, "url": url}
    batch = [(subject, body, settings.DEFAULT_FROM_EMAIL, [e.email]) for e in employees if e.email]
    sent = 0
    mail = get_connection()
    for i in range(0, len(batch), 500):
        sent += send_mass_mail(batch[i:i + 500], fail_silently=True, connection=mail)
    with transaction.atomic():
        record(actor=actor, action="social.reminders_sent", target=session, detail={"emails": sent})
    return sent
