"""Reading and checking an election-stage file (CSV or XLSX) before anything is written.

Columns (Indonesian headers, English accepted): kode, nama, mulai, selesai, periode,
bentuk_rawan, yang_diawasi. `bentuk_rawan` lists forms 1–10 separated by `;`, each
optionally with its risk weight (`2:30.4;6;7`); forms without a weight take the default.
The whole file is checked first; a file with any bad row imports nothing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

from marwah.elections.catalog import DEFAULT_WEIGHTS
from marwah.people.importer import ImportFileError, read_rows

HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("kode", "code", "kode_tahapan"),
    "name": ("nama", "name", "tahapan", "nama_tahapan"),
    "starts": ("mulai", "starts", "tanggal_mulai", "start"),
    "ends": ("selesai", "ends", "tanggal_selesai", "end"),
    "period": ("periode", "period", "masa"),
    "forms": ("bentuk_rawan", "forms", "titik_rawan", "vulnerable_forms"),
    "watch": ("yang_diawasi", "watch", "pengawasan", "catatan"),
}
REQUIRED = ("name", "starts", "ends", "period")
PERIODS = {"sebelum": "before", "before": "before", "pra": "before", "selama": "during", "during": "during",
           "saat": "during", "sesudah": "after", "setelah": "after", "after": "after", "pasca": "after"}
MAX_ROWS = 500


@dataclass
class StageRow:
    line: int
    code: str
    name: str
    starts: str  # ISO dates, so the rows survive a round trip through the session
    ends: str
    period: str
    points: list[tuple[int, str]] = field(default_factory=list)  # (form, weight as text)
    watch: str = ""


@dataclass
class CheckResult:
    rows: list[StageRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add_error(self, line: int, message: str) -> None:
        self.errors.append(_("row %(row)s: %(message)s") % {"row": line, "message": message})

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.rows]


def rows_from_json(data: list[dict[str, Any]]) -> list[StageRow]:
    return [StageRow(**{**r, "points": [tuple(p) for p in r["points"]]}) for r in data]


def _norm(value: Any) -> str:
    return re.sub(r"[\s\-/]+", "_", str(value or "").strip().lower())


def _date(value: str) -> date | None:
    value = value.strip().split(" ")[0]
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _points(raw: str) -> list[tuple[int, str]] | None:
    out: list[tuple[int, str]] = []
    for part in re.split(r"[;,]", raw):
        part = part.strip()
        if not part:
            continue
        form_text, _sep, weight_text = part.partition(":")
        if not form_text.strip().isdigit() or not 1 <= int(form_text) <= 10:
            return None
        form = int(form_text)
        try:
            weight = Decimal(weight_text.strip().replace("%", "")) if weight_text.strip() else DEFAULT_WEIGHTS[form]
        except InvalidOperation:
            return None
        if not Decimal(0) <= weight <= Decimal(100) or any(f == form for f, _w in out):
            return None
        out.append((form, str(weight)))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def check_file(upload: IO[bytes], filename: str) -> CheckResult:
    result = CheckResult()
    rows = read_rows(upload, filename)
    try:
        _line, header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    names = [_norm(h) for h in header]
    mapping = {f: names.index(a) for f, aliases in HEADERS.items() for a in aliases if a in names}
    missing = [HEADERS[f][0] for f in REQUIRED if f not in mapping]
    if missing:
        raise ImportFileError(_("The header row is missing these columns: %(columns)s.")
                              % {"columns": ", ".join(missing)})
    seen: set[str] = set()
    for line, cells in rows:
        if not any(cells):
            continue
        if len(result.rows) + len(result.errors) >= MAX_ROWS:
            raise ImportFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})

        def get(name: str, cells: list[str] = cells) -> str:
            index = mapping.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        problems = []
        name = get("name")
        if not name:
            problems.append(_("the stage name is empty"))
        code = _slug(get("code") or name)
        if code in seen:
            problems.append(_("the stage code '%(code)s' appears twice") % {"code": code})
        seen.add(code)
        starts, ends = _date(get("starts")), _date(get("ends"))
        if starts is None:
            problems.append(_("start date '%(value)s' is not a date (use YYYY-MM-DD)") % {"value": get("starts")})
        if ends is None:
            problems.append(_("end date '%(value)s' is not a date (use YYYY-MM-DD)") % {"value": get("ends")})
        if starts and ends and ends < starts:
            problems.append(_("the stage ends before it starts"))
        period = PERIODS.get(get("period").lower())
        if period is None:
            problems.append(_("period '%(value)s' is not known (use sebelum, selama or sesudah)")
                            % {"value": get("period")})
        points = _points(get("forms"))
        if points is None:
            problems.append(_("vulnerable forms '%(value)s' must be numbers 1–10, each at most once, "
                              "optionally with a weight 0–100 (e.g. 2:30.4;6)") % {"value": get("forms")})
        if problems:
            for p in problems:
                result.add_error(line, p)
            continue
        assert starts and ends and period and points is not None
        result.rows.append(StageRow(line, code, name[:200], starts.isoformat(), ends.isoformat(), period,
                                    points, get("watch")[:2000]))
    if not result.rows and not result.errors:
        raise ImportFileError(_("The file has no stages."))
    return result
