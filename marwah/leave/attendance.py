"""Reading and checking a daily attendance file (attendance machine or e-presensi export).

Columns (header names as the exports spell them): nip (or nomor_pegawai), tanggal,
jam_masuk, jam_pulang, and optionally status/keterangan (H/hadir, A/alpa/tanpa keterangan).
A row with a check-in or check-out time, or status "hadir", is a day present; otherwise the
person has no attendance that day. The whole file is checked first; nothing is imported
from a file with errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO

from django.utils.translation import gettext as _

from marwah.people.importer import ImportFileError, read_rows

HEADERS: dict[str, tuple[str, ...]] = {
    "ref": ("nip", "nomor_pegawai", "no_pegawai", "employee_number", "id_pegawai", "pin"),
    "day": ("tanggal", "tgl", "date", "hari_tanggal"),
    "check_in": ("jam_masuk", "masuk", "check_in", "scan_masuk"),
    "check_out": ("jam_pulang", "pulang", "check_out", "scan_pulang"),
    "status": ("status", "keterangan", "ket"),
}
PRESENT_WORDS = {"h", "hadir", "present", "masuk", "tl", "terlambat", "psw"}
ABSENT_WORDS = {"a", "alpa", "alpha", "absent", "tk", "tanpa keterangan", "tidak hadir", "mangkir", ""}
MAX_ROWS = 2_000_000
MAX_SHOWN = 200

# One checked row: employee id, day, present?, check-in, check-out.
Row = tuple[int, date, bool, time | None, time | None]


@dataclass
class CheckResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    first: date | None = None
    last: date | None = None
    people: int = 0

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_SHOWN:
            self.errors.append(_("row %(row)s: %(message)s") % {"row": line, "message": message})


def _norm(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", str(value or "").strip().lower())


def _map(header: list[str]) -> dict[str, int]:
    names = [_norm(h) for h in header]
    mapping: dict[str, int] = {}
    for key, aliases in HEADERS.items():
        for index, name in enumerate(names):
            if name in aliases:
                mapping[key] = index
                break
    missing = [HEADERS[k][0] for k in ("ref", "day") if k not in mapping]
    if missing:
        raise ImportFileError(_("The header row is missing these columns: %(columns)s.")
                              % {"columns": ", ".join(missing)})
    return mapping


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_day(text: str) -> date | None:
    text = text.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _DMY.match(text)
    if match:
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return None
    return None


def parse_time(text: str) -> time | None | bool:
    """A time, None when empty, False when unreadable."""
    text = text.strip()
    if not text or text == "-":
        return None
    if " " in text:  # an XLSX cell read as a datetime
        text = text.rsplit(" ", 1)[-1]
    try:
        return time.fromisoformat(text.replace(".", ":"))
    except ValueError:
        try:
            return datetime.strptime(text, "%H:%M").time()  # noqa: DTZ007 - a wall-clock time, no zone
        except ValueError:
            return False


def check_file(upload: IO[bytes], filename: str, *, resolve: Callable[[set[str]], dict[str, int]],
               today: date) -> CheckResult:
    """Read and validate every row; `resolve(refs)` maps NIPs/numbers in the importer's scope to ids."""
    result = CheckResult()
    rows = read_rows(upload, filename)
    try:
        _line, header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    mapping = _map(header)
    raw: list[tuple[int, str, str, str, str, str]] = []
    get_ref, get_day = mapping["ref"], mapping["day"]
    get_in, get_out, get_status = mapping.get("check_in"), mapping.get("check_out"), mapping.get("status")

    def cell(cells: list[str], index: int | None) -> str:
        return cells[index] if index is not None and index < len(cells) else ""

    for line, cells in rows:
        if not any(cells):
            continue
        if len(raw) >= MAX_ROWS:
            raise ImportFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
        raw.append((line, cell(cells, get_ref).replace(" ", ""), cell(cells, get_day), cell(cells, get_in),
                    cell(cells, get_out), cell(cells, get_status).strip().lower()))
    if not raw:
        raise ImportFileError(_("The file has a header but no rows."))
    ids = resolve({r[1] for r in raw if r[1]})
    seen: dict[tuple[int, date], int] = {}
    # A month's file repeats ~22 dates and a few thousand times: parse each distinct text once.
    days_cache: dict[str, date | None] = {}
    times_cache: dict[str, time | None | bool] = {}
    for line, ref, day_text, in_text, out_text, status in raw:
        problems: list[str] = []
        employee_id = ids.get(ref)
        if not ref:
            problems.append(_("NIP is empty"))
        elif employee_id is None:
            problems.append(_("'%(ref)s' is not an employee of a unit you may import into") % {"ref": ref})
        if day_text not in days_cache:
            days_cache[day_text] = parse_day(day_text)
        day = days_cache[day_text]
        if day is None:
            problems.append(_("date '%(value)s' is not readable (use YYYY-MM-DD or DD/MM/YYYY)")
                            % {"value": day_text})
        elif day > today:
            problems.append(_("date %(day)s is in the future") % {"day": day.isoformat()})
        for text in (in_text, out_text):
            if text not in times_cache:
                times_cache[text] = parse_time(text)
        check_in, check_out = times_cache[in_text], times_cache[out_text]
        if check_in is False or check_out is False:
            problems.append(_("time is not readable (use HH:MM)"))
        if status not in PRESENT_WORDS and status not in ABSENT_WORDS:
            problems.append(_("status '%(value)s' is not known (use H for present or A for absent)")
                            % {"value": status})
        if not problems and employee_id is not None and day is not None:
            previous = seen.get((employee_id, day))
            if previous:
                problems.append(_("the same person and day already appear on row %(row)s") % {"row": previous})
            else:
                seen[(employee_id, day)] = line
        if problems:
            result.add_error(line, "; ".join(problems))
            continue
        assert employee_id is not None and day is not None
        cin = check_in if isinstance(check_in, time) else None
        cout = check_out if isinstance(check_out, time) else None
        present = status in PRESENT_WORDS if status else (cin is not None or cout is not None)
        result.rows.append((employee_id, day, present, cin, cout))
    if result.rows:
        days = [r[1] for r in result.rows]
        result.first, result.last = min(days), max(days)
        result.people = len({r[0] for r in result.rows})
    return result
