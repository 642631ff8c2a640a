"""Reads for the reporting channel: public pickers, the reporter's own report, staff reads.

Staff reads check access through `marwah.cases.selectors.get_case_for_user` (one
source of truth for who may see a case) and are audited; content is decrypted only
with a key this session holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from marwah.audit.services import record
from marwah.core import memo
from marwah.orgs.models import Institution, Region, Unit, UnitKind
from marwah.orgs.selectors import ancestors
from marwah.people.models import Employee
from marwah.reporting import browserkey, crypto, vault
from marwah.reporting.models import Evidence, IdentityRequest, Message, Report
from marwah.rules import violations

# --- Public pickers (minimal information only) ---------------------------------------------------------

PICK_LIMIT = 12


def institutions() -> list[Institution]:
    # Remembered per process, forgotten when an institution or unit changes (core.memo).
    return memo.get("institutions", None, lambda: list(Institution.objects.order_by("name")))


def provinces() -> list[Region]:
    return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"))


ALL_INSTITUTIONS_MIN_QUERY = 3


def search_units(*, institution_id: int | None, province_code: str = "", query: str = "") -> list[Unit]:
    """Offices matching the words typed; without an institution, across all of them (3+ letters)."""
    if not institution_id and len(query.strip()) < ALL_INSTITUTIONS_MIN_QUERY:
        return []
    qs = Unit.objects.filter(is_active=True).select_related("institution")
    if institution_id:
        qs = qs.filter(institution_id=institution_id)
    qs = qs.exclude(
        kind__in=[UnitKind.PPS, UnitKind.KPPS, UnitKind.PPK] if not query else [])
    if province_code:
        qs = qs.filter(Q(region__code=province_code) | Q(region__code__startswith=province_code + ".")
                       | Q(region__isnull=True, depth=0))
    query = query.strip()
    if query:
        for word in query.split()[:4]:
            qs = qs.filter(name__icontains=word)
    return list(qs.order_by("depth", "name")[:PICK_LIMIT])


def get_unit(pk: int | None, institution_id: int | None = None) -> Unit | None:
    """An active office (with its institution); remembered per process, forgotten when a unit or an
    institution changes (core.memo)."""
    if not pk:
        return None

    def load() -> Unit | None:
        qs = Unit.objects.select_related("institution")
        if institution_id:
            qs = qs.filter(institution_id=institution_id)
        return qs.filter(pk=pk, is_active=True).first()

    return memo.get("active-unit", (pk, institution_id), load)


@dataclass(frozen=True)
class PersonPick:
    id: int
    name: str
    position: str
    unit_name: str


def _picks(qs) -> list[PersonPick]:
    return [PersonPick(e.pk, e.name, e.position, e.unit.name) for e in qs.select_related("unit")]


def search_people(*, query: str, institution_id: int | None, unit: Unit | None = None) -> list[PersonPick]:
    """Registry search for the 'who' step: name, position and unit only, never NIP or contact."""
    query = " ".join(query.split())
    if len(query) < 3 or not institution_id:
        return []
    qs = Employee.objects.filter(institution_id=institution_id, is_active=True)
    for word in query.split()[:4]:
        qs = qs.filter(name__icontains=word)
    if unit is not None:
        # People of the chosen office (and the offices above it) first.
        scope = [unit.path[: i + 8] for i in range(0, len(unit.path), 8)]
        near = list(qs.filter(unit_path__in=scope).order_by("name")[:PICK_LIMIT])
        rest = list(qs.exclude(unit_path__in=scope).order_by("name")[: PICK_LIMIT - len(near)])
        return _picks_list(near + rest)
    return _picks(qs.order_by("name")[:PICK_LIMIT])


def _picks_list(rows: list[Employee]) -> list[PersonPick]:
    units = Unit.objects.in_bulk({e.unit_id for e in rows})
    return [PersonPick(e.pk, e.name, e.position, units[e.unit_id].name) for e in rows]


def picked_people(ids: list[int], institution_id: int | None) -> list[Employee]:
    if not ids or not institution_id:
        return []
    return list(Employee.objects.filter(pk__in=ids[:10], institution_id=institution_id, is_active=True)
                .select_related("unit"))


def province_unit(unit: Unit) -> Unit | None:
    chain = [*ancestors(unit), unit]
    return next((u for u in chain if u.kind == UnitKind.KPU_PROVINCE), None)


def readers_description(category: str, unit: Unit | None) -> str:
    """Who will read a report, in plain words (the cases app does the actual routing)."""
    institution = unit.institution.short_name if unit is not None else ""
    if category == violations.SEXUAL_VIOLENCE:
        if unit is None:
            return _("the Satgas PKS (sexual-violence task force) responsible for the office you choose")
        if unit.institution.kind != Institution.Kind.ELECTION_COMMISSION:
            return _("the team handling sexual-violence reports at %(inst)s") % {"inst": institution}
        if unit.kind in (UnitKind.KPU_RI, UnitKind.KPU_PROVINCE):
            return _("the Satgas PKS of KPU RI")
        province = province_unit(unit)
        if province is None:
            return _("the Satgas PKS of KPU RI")
        return _("the Satgas PKS of %(unit)s") % {"unit": province.name}
    if category == violations.NEUTRALITY:
        if unit is None:
            return _("the internal neutrality team of the institution")
        return _("the internal neutrality team of %(inst)s") % {"inst": institution}
    if category in (violations.ETHICS, violations.DATA_LEAK):
        if unit is None:
            return _("the ethics handlers of the institution")
        return _("the ethics handlers of %(inst)s") % {"inst": institution}
    return _("the direct superior of the person you report, together with HR (personnel)")


# --- Receipts and the reporter's session -------------------------------------------------------------

SESSION_REPORTER = "mw_rep"


def find_by_receipt(receipt: str) -> tuple[Report, bytes] | None:
    """The report and its key for a receipt; None if no report has it."""
    derived = crypto.receipt_secrets(receipt)
    report = Report.objects.select_related("unit", "institution").filter(
        receipt_lookup=derived.lookup, purged_at__isnull=True).first()
    if report is None or not report.reporter_sealed_key:
        return None
    try:
        key = crypto.unseal(derived.keypair.private, bytes(report.reporter_sealed_key))
    except crypto.DecryptionError:
        return None
    return report, key


def remember_reporter(request: HttpRequest, report: Report, report_key: bytes) -> None:
    request.session.cycle_key()
    # The report key in the session is useless without the browser's cookie key.
    request.session[SESSION_REPORTER] = [report.pk, crypto.session_wrap(browserkey.rotate(request), report_key,
                                                                        aad=f"reporter:{report.pk}")]


def reporter_report(request: HttpRequest) -> tuple[Report, bytes] | None:
    stored = request.session.get(SESSION_REPORTER)
    if not stored:
        return None
    report = Report.objects.select_related("unit", "institution").filter(pk=stored[0], purged_at__isnull=True).first()
    if report is None:
        return None
    try:
        return report, crypto.session_unwrap(browserkey.get(request), stored[1], aad=f"reporter:{report.pk}")
    except crypto.DecryptionError:
        return None


# --- Decrypted content ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceInfo:
    id: int
    name: str
    size: int
    content_type: str
    from_reporter: bool
    created_at: datetime


@dataclass(frozen=True)
class ReportContent:
    category_label: str
    kind_label: str
    narrative: str
    when_text: str
    where_text: str
    accused_text: str
    witnesses_text: str
    accused: list[dict] = field(default_factory=list)  # picked from the registry: name, position, unit
    involved: list[dict] = field(default_factory=list)
    evidence: list[EvidenceInfo] = field(default_factory=list)


def content_aad(report: Report, name: str) -> str:
    return f"report:{report.public_id}:{name}"


def evidence_list(report: Report, key: bytes) -> list[EvidenceInfo]:
    out = []
    for ev in Evidence.objects.filter(report=report):
        try:
            name = crypto.decrypt_text(key, ev.name, aad=content_aad(report, f"evidence-name:{ev.stored_name}"))
        except crypto.DecryptionError:
            name = _("(unreadable file name)")
        out.append(EvidenceInfo(ev.pk, name, ev.size, ev.content_type, ev.from_reporter, ev.created_at))
    return out


def decrypt_content(report: Report, key: bytes) -> ReportContent:
    data = json.loads(crypto.decrypt_text(key, report.content, aad=content_aad(report, "content"))) \
        if report.content else {}
    kind = violations.KINDS.get(report.kind)
    category = violations.CATEGORIES.get(report.category)
    return ReportContent(
        category_label=str(category.label) if category else report.category,
        kind_label=str(kind.label) if kind else report.kind,
        narrative=data.get("narrative", ""), when_text=data.get("when", ""), where_text=data.get("where", ""),
        accused_text=data.get("accused_text", ""), witnesses_text=data.get("witnesses", ""),
        accused=data.get("accused", []), involved=data.get("involved", []),
        evidence=evidence_list(report, key),
    )


def open_report(*, request: HttpRequest, report: Report) -> ReportContent | None:
    """Decrypted content for staff (never the reporter identity); None if this session has no key."""
    key = vault.report_key_for(request, report)
    if key is None:
        return None
    record(actor=request.user, action="reporting.report_opened", target=report, unit=report.unit_id)
    return decrypt_content(report, key)


@dataclass(frozen=True)
class MessageView:
    id: int
    from_reporter: bool
    author_name: str
    text: str
    created_at: datetime
    files: list[EvidenceInfo]


def conversation(report: Report, key: bytes, *, for_staff: bool) -> list[MessageView]:
    files: dict[int, list[EvidenceInfo]] = {}
    evidence = {e.id: e for e in evidence_list(report, key)}
    for ev_id, msg_id in Evidence.objects.filter(report=report, message__isnull=False).values_list("id", "message_id"):
        files.setdefault(msg_id, []).append(evidence[ev_id])
    out = []
    for msg in Message.objects.filter(report=report).select_related("author"):
        try:
            text = crypto.decrypt_text(key, msg.body, aad=content_aad(report, "message"))
        except crypto.DecryptionError:
            text = _("(this message cannot be read)")
        if msg.from_reporter:
            author = _("Reporter")
        elif for_staff and msg.author is not None:
            author = msg.author.display_name
        else:
            author = _("Handling team")
        out.append(MessageView(msg.pk, msg.from_reporter, author, text, msg.created_at, files.get(msg.pk, [])))
    return out


def unread_for_handlers(report_ids: list[int]) -> dict[int, int]:
    rows = (Message.objects.filter(report_id__in=report_ids, from_reporter=True, read_at__isnull=True)
            .values("report_id").annotate(n=Count("id")))
    return {row["report_id"]: row["n"] for row in rows}


def unread_for_reporter(report: Report) -> int:
    return Message.objects.filter(report=report, from_reporter=False, read_at__isnull=True).count()


def public_status(report: Report, report_key: bytes):
    """The cases app's reporter-facing status, or None while it is absent or has no case yet.

    `report_key` is the key the reporter opened with the receipt: the rejection reason and the
    decision summary are stored encrypted with it, like the conversation.
    """
    try:
        from marwah.cases.selectors import public_status as cases_public_status
    except ImportError:
        return None
    return cases_public_status(report, report_key=report_key)


# --- Staff access ----------------------------------------------------------------------------------------

def _case_access(user, public_id: str) -> Report:
    try:
        from marwah.cases.selectors import get_case_for_user
    except ImportError:
        pass
    else:
        return get_case_for_user(user, public_id).report
    # Until the cases app lands: only people the key was sealed to.
    report = Report.objects.filter(public_id=public_id, accesses__user=user).first()
    if report is None:
        raise Http404
    return report


def get_report_for_staff(user, public_id: str) -> Report:
    """The report if the user may handle its case (404 otherwise, including purged reports)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    report = _case_access(user, public_id)
    if report.purged_at is not None:
        raise Http404
    return report


def get_evidence(report: Report, pk: int) -> Evidence:
    found = Evidence.objects.filter(report=report, pk=pk).first()
    if found is None:
        raise Http404
    return found


def audit_read(user, report: Report, action: str, detail: dict | None = None) -> None:
    record(actor=user, action=action, target=report, unit=report.unit_id, detail=detail)


def identity_requests(report: Report) -> list[IdentityRequest]:
    return list(IdentityRequest.objects.filter(report=report).select_related("requester", "decided_by"))


def get_identity_request(report: Report, pk: int) -> IdentityRequest:
    found = IdentityRequest.objects.select_related("requester").filter(report=report, pk=pk).first()
    if found is None:
        raise Http404
    return found
