"""Reading and checking an employee file (CSV or XLSX) before anything is written.

The whole file is checked first; the import is applied only when every row is
clean, so a file with one bad row imports nothing and names the row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from marwah.people.models import NIP_REQUIRED, EmploymentType
from marwah.people.nip import NipError, normalize_nip, parse_nip

# Accepted header names (lower-cased, spaces/dashes as underscores) for each field.
HEADERS: dict[str, tuple[str, ...]] = {
    "nip": ("nip",),
    "employee_number": ("nomor_pegawai", "no_pegawai", "employee_number", "nomor_induk", "id_pegawai"),
    "name": ("nama", "nama_lengkap", "name"),
    "position": ("jabatan", "position"),
    "employment_type": ("jenis_kepegawaian", "jenis_pegawai", "status_kepegawaian", "employment_type", "jenis"),
    "unit_code": ("kode_unit", "kode_satker", "unit_code", "unit"),
    "email": ("email", "surel", "e_mail"),
    "phone": ("telepon", "no_hp", "hp", "phone", "nomor_hp"),
    "superior": ("nip_atasan", "atasan", "nomor_atasan", "superior"),
}
REQUIRED_HEADERS = ("name", "employment_type", "unit_code")

TYPE_ALIASES: dict[str, str] = {
    "pns": EmploymentType.PNS, "cpns": EmploymentType.PNS, "pegawai negeri sipil": EmploymentType.PNS,
    "pppk": EmploymentType.PPPK, "p3k": EmploymentType.PPPK,
    "non asn": EmploymentType.NON_ASN, "non-asn": EmploymentType.NON_ASN, "honorer": EmploymentType.NON_ASN,
    "ppnpn": EmploymentType.NON_ASN, "non_asn": EmploymentType.NON_ASN,
    "komisioner": EmploymentType.COMMISSIONER, "anggota": EmploymentType.COMMISSIONER,
    "commissioner": EmploymentType.COMMISSIONER,
    "ad hoc": EmploymentType.AD_HOC, "adhoc": EmploymentType.AD_HOC, "ad_hoc": EmploymentType.AD_HOC,
    "badan ad hoc": EmploymentType.AD_HOC, "ppk": EmploymentType.AD_HOC, "pps": EmploymentType.AD_HOC,
    "kpps": EmploymentType.AD_HOC,
}
MAX_ROWS = 200_000
PROGRESS_EVERY = 2000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong format, no header, too many rows)."""


@dataclass
class Row:
    line: int
    nip: str | None
    employee_number: str | None
    name: str
    position: str
    employment_type: str
    unit_code: str
    email: str
    phone: str
    superior: str | None
    birth_date: str | None = None
    gender: str = ""

    @property
    def key(self) -> str:
        return f"nip:{self.nip}" if self.nip else f"num:{self.employee_number}"


@dataclass
class CheckResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "baris 12: NIP tidak valid …"
    error_count: int = 0

    MAX_SHOWN = 200

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.MAX_SHOWN:
            self.errors.append(_("row %(row)s: %(message)s") % {"row": line, "message": message})

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.rows]


def _norm_header(value: Any) -> str:
    return re.sub(r"[\s\-/]+", "_", str(value or "").strip().lower())


def _map_headers(header: list[Any]) -> dict[str, int]:
    names = [_norm_header(h) for h in header]
    mapping: dict[str, int] = {}
    for field_name, aliases in HEADERS.items():
        for index, name in enumerate(names):
            if name in aliases:
                mapping[field_name] = index
                break
    missing = [f for f in REQUIRED_HEADERS if f not in mapping]
    if "nip" not in mapping and "employee_number" not in mapping:
        missing.append("nip")
    if missing:
        raise ImportFileError(
            _("The header row is missing these columns: %(columns)s.")
            % {"columns": ", ".join(HEADERS[m][0] for m in missing)}
        )
    return mapping


LOST_DIGITS = "LOSTDIGITS"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    # An 18-digit NIP typed into a Number cell is stored as a double: its last digits are gone.
    if isinstance(value, float) and abs(value) >= 2**53:
        return LOST_DIGITS
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def estimate_rows(upload: IO[bytes], filename: str) -> int:
    """Rows in the file, cheaply (for a progress bar); the header counts as one."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(upload, read_only=True)
            rows = workbook.worksheets[0].max_row or 0
            workbook.close()
        except Exception:  # a broken file is reported by read_rows
            rows = 0
    else:
        rows = upload.read().count(b"\n") + 1
    upload.seek(0)
    return int(rows)


def read_rows(upload: IO[bytes], filename: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) from a CSV or XLSX file, header first."""
    lower = filename.lower()
    if lower.endswith(".xlsx") or lower.endswith(".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(upload, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportFileError(_("This is not a readable XLSX file.")) from exc
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in row]
        workbook.close()
        return
    if lower.endswith(".csv") or lower.endswith(".txt"):
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        sample = text[:4096]
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            yield number, [c.strip() for c in row]
        return
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def check_file(upload: IO[bytes], filename: str, *, resolve_units: Callable[[set[str]], set[str]],
               resolve_superiors: Callable[[set[str]], set[str]],
               progress: Callable[[int], None] | None = None) -> CheckResult:
    """Read and validate every row.

    `resolve_units(codes)` returns the codes the importer may import into;
    `resolve_superiors(refs)` returns the NIPs/employee numbers already registered;
    `progress(rows_read)` is called every few thousand rows.
    """
    result = CheckResult()
    rows = read_rows(upload, filename)
    try:
        _line, header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    mapping = _map_headers(header)
    seen: dict[str, int] = {}
    pending: list[tuple[Row, list[str]]] = []

    def get(cells: list[str], name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for line, cells in rows:
        if progress is not None and line % PROGRESS_EVERY == 0:
            progress(line)
        if not any(cells):
            continue
        if len(pending) >= MAX_ROWS:
            raise ImportFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
        problems: list[str] = []
        name = get(cells, "name")
        if not name:
            problems.append(_("name is empty"))
        raw_type = get(cells, "employment_type").lower()
        etype = TYPE_ALIASES.get(raw_type) or (raw_type if raw_type in EmploymentType.values else "")
        if not etype:
            problems.append(_("employment type '%(value)s' is not known (use PNS, PPPK, Non-ASN, Komisioner or Ad hoc)")
                            % {"value": get(cells, "employment_type")})
        nip = normalize_nip(get(cells, "nip")) or None
        birth = gender = None
        if nip == LOST_DIGITS:
            problems.append(_("the NIP was stored as a number, so the spreadsheet dropped its last digits; "
                              "format the NIP column as Text and type the NIP again"))
        elif nip:
            try:
                parsed = parse_nip(nip)
                birth, gender = parsed.birth_date.isoformat(), parsed.gender
            except NipError as exc:
                problems.append(_("NIP is not valid: %(reason)s") % {"reason": exc})
        elif etype in NIP_REQUIRED:
            problems.append(_("NIP is required for PNS and PPPK"))
        number = get(cells, "employee_number") or None
        if not nip and not number:
            problems.append(_("either NIP or employee number must be filled"))
        unit_code = get(cells, "unit_code")
        if not unit_code:
            problems.append(_("unit code is empty"))
        email = get(cells, "email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("email '%(email)s' is not valid") % {"email": email})
        row = Row(line=line, nip=nip, employee_number=number, name=name[:150], position=get(cells, "position")[:150],
                  employment_type=etype, unit_code=unit_code, email=email, phone=get(cells, "phone")[:32],
                  superior=normalize_nip(get(cells, "superior")) or None, birth_date=birth, gender=gender or "")
        if not problems:
            previous = seen.get(row.key)
            if previous:
                problems.append(_("the same person already appears on row %(row)s") % {"row": previous})
            else:
                seen[row.key] = line
        pending.append((row, problems))
    allowed_units = resolve_units({row.unit_code for row, _p in pending if row.unit_code})
    in_file = {r.nip for r, _p in pending if r.nip} | {r.employee_number for r, _p in pending if r.employee_number}
    wanted = {r.superior for r, _p in pending if r.superior and r.superior not in in_file}
    known = in_file | (resolve_superiors(wanted) if wanted else set())
    for row, problems in pending:
        if row.unit_code and row.unit_code not in allowed_units:
            problems.append(_("unit code '%(code)s' is not a unit you may import into") % {"code": row.unit_code})
        if row.superior and row.superior not in known:
            problems.append(_("superior '%(ref)s' is neither in this file nor registered") % {"ref": row.superior})
        if problems:
            result.add_error(row.line, "; ".join(problems))
        else:
            result.rows.append(row)
    if not result.rows and not result.error_count:
        raise ImportFileError(_("The file has a header but no people."))
    return result
