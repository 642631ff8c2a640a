"""Pledges: reads, each checking who may see what (404 for anyone out of scope)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, models, router
from django.db.models import Q, QuerySet, Sum, Value
from django.db.models.functions import Left, Length
from django.http import Http404, HttpRequest
from django.utils import timezone

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import grants, has_role, path_q, role_paths
from marwah.core import memo
from marwah.core.params import parse_id
from marwah.core.pg import hot_cursor
from marwah.core.prepared import Prepared
from marwah.orgs.models import SEGMENT, Institution, Unit
from marwah.orgs.selectors import unit_by_pk, units_by_name
from marwah.people.models import Employee
from marwah.pledges.models import Campaign, Ceremony, Document, DocumentVersion, Signature, Tally

MANAGERS = (Role.ADMIN, Role.HR, Role.UNIT_LEADER)
READERS = (*MANAGERS, Role.AUDITOR)
EDITORS = (Role.ADMIN, Role.HR)
SEG = SEGMENT + 1
PLEDGE_SESSION_KEY = "pledges_employee_id"
PLEDGE_SESSION_UNTIL = "pledges_until"


# --- Who is signing --------------------------------------------------------------------------------

def signer_employee(request: HttpRequest) -> Employee | None:
    """The logged-in user's employee record, or the one a one-time code opened in this session."""
    user = request.user
    if user.is_authenticated:
        return Employee.objects.filter(user=user, is_active=True).select_related("unit").first()
    employee_id = request.session.get(PLEDGE_SESSION_KEY)
    until = request.session.get(PLEDGE_SESSION_UNTIL, 0)
    if employee_id and until > timezone.now().timestamp():
        return Employee.objects.filter(pk=employee_id, is_active=True).select_related("unit").first()
    return None


def signatures_for_employee(employee: Employee) -> QuerySet[Signature]:
    return (Signature.objects.filter(employee=employee)
            .exclude(campaign__status=Campaign.Status.PREPARING)
            .select_related("campaign", "campaign__version", "version")
            .order_by("status", "-campaign__created_at"))


def pending_for_employee(employee: Employee) -> list[Signature]:
    return list(Signature.objects.filter(employee=employee, status=Signature.Status.PENDING,
                                         campaign__status=Campaign.Status.ACTIVE)
                .select_related("campaign", "campaign__version").order_by("campaign__deadline")[:10])


def get_signature_for_signer(request: HttpRequest, pk: int) -> Signature:
    """The signer's own row, in one query (the hot path of a signing burst); 404 for anyone else.

    The scope check is in the WHERE clause: the row must belong to the signed-in user's active employee
    record, or to the employee a one-time code opened this session for (and only until it lapses)."""
    user = request.user
    owner_id: Any
    if user.is_authenticated:
        owner, owner_id = "e.user_id", user.pk
    else:
        owner, owner_id = "s.employee_id", request.session.get(PLEDGE_SESSION_KEY)
        if not owner_id or request.session.get(PLEDGE_SESSION_UNTIL, 0) <= timezone.now().timestamp():
            raise Http404
    signature = _signer_row(owner, owner_id, pk)
    if signature is None:
        raise Http404
    # The campaign and its (immutable) version come from a short per-process cache.
    signature.campaign = cached_campaign(signature.campaign_id)
    if signature.campaign.status == Campaign.Status.PREPARING:
        raise Http404
    return signature


_SIG_FIELDS = list(Signature._meta.concrete_fields)
# In the model's field order: Model.from_db() assigns a subset of values in that order.
_EMPLOYEE_FIELDS = [f.attname for f in Employee._meta.concrete_fields
                    if f.attname in {"id", "name", "nip", "employee_number", "position", "unit_id", "is_active"}]
_SIGNER_SQL = (
    f"SELECT {', '.join(f's.{f.column}' for f in _SIG_FIELDS)}, "  # noqa: S608
    f"{', '.join('e.' + name for name in _EMPLOYEE_FIELDS)}, u.name "
    "FROM pledges_signature s JOIN people_employee e ON e.id = s.employee_id JOIN orgs_unit u ON u.id = s.unit_id "
    "WHERE s.id = %s AND e.is_active AND {owner} = %s")
_SIGNER_QUERIES = {owner: _SIGNER_SQL.format(owner=owner) for owner in ("e.user_id", "s.employee_id")}


def _signer_row(owner: str, owner_id: Any, pk: int) -> Signature | None:
    """A raw query instead of the ORM's: this runs once per signing, and compiling a select_related
    query cost more CPU than the database spent answering it (docs/benchmarks/pledges.md). Prepared once per
    connection (core.pg): planning the three-table join cost PostgreSQL more than running it."""
    with hot_cursor() as cur:
        cur.execute(_SIGNER_QUERIES[owner], [pk, owner_id])
        row = cur.fetchone()
    if row is None:
        return None
    n = len(_SIG_FIELDS)
    values = list(row[:n])
    for i, field in enumerate(_SIG_FIELDS):  # what the ORM's converters do (SQLite: text dates, JSON)
        if values[i] is not None and isinstance(field, (models.DateTimeField, models.JSONField)):
            values[i] = field.to_python(values[i]) if isinstance(field, models.DateTimeField) else (
                json.loads(values[i]) if isinstance(values[i], str) else values[i])
            if isinstance(field, models.DateTimeField) and timezone.is_naive(values[i]):
                values[i] = timezone.make_aware(values[i], UTC)
    db = connection.alias
    signature = Signature.from_db(db, [f.attname for f in _SIG_FIELDS], values)
    signature.employee = Employee.from_db(db, _EMPLOYEE_FIELDS, row[n:n + len(_EMPLOYEE_FIELDS)])
    signature.unit = Unit.from_db(db, ["id", "name"], [signature.unit_id, row[-1]])
    return signature


_CAMPAIGNS: dict[int, tuple[float, Campaign]] = {}
CAMPAIGN_CACHE_SECONDS = 5.0


def cached_campaign(campaign_id: int) -> Campaign:
    """A campaign with its (immutable) version, re-read at most every few seconds per process."""
    now = time.monotonic()
    hit = _CAMPAIGNS.get(campaign_id)
    if hit is None or hit[0] < now:
        campaign = Campaign.objects.select_related("version__document", "institution").get(pk=campaign_id)
        if len(_CAMPAIGNS) > 1000:
            _CAMPAIGNS.clear()
        _CAMPAIGNS[campaign_id] = hit = (now + CAMPAIGN_CACHE_SECONDS, campaign)
    return hit[1]


def get_signature_by_code(code: str) -> Signature:
    signature = (Signature.objects.select_related("employee", "unit", "version", "campaign__institution", "ceremony")
                 .filter(verify_code=code.upper()).exclude(status=Signature.Status.PENDING).first())
    if signature is None:
        raise Http404
    return signature


# --- Documents -------------------------------------------------------------------------------------

def institutions_for_user(user: User, roles: tuple[str, ...] = MANAGERS) -> list[Institution]:
    ids = {g.institution_id for g in grants(user) if g.role in roles}
    return list(Institution.objects.filter(pk__in=ids).order_by("name"))


def documents_for_user(user: User) -> QuerySet[Document]:
    ids = [i.pk for i in institutions_for_user(user)]
    return Document.objects.filter(institution_id__in=ids).select_related("institution").prefetch_related("versions")


def _editor_of(user: User, institution_id: int) -> bool:
    return any(g.role in EDITORS and g.institution_id == institution_id for g in grants(user))


def can_edit_documents(user: User, institution_id: int | None = None) -> bool:
    return any(g.role in EDITORS and (institution_id is None or g.institution_id == institution_id)
               for g in grants(user))


def get_document_for_user(user: User, pk: int, *, edit: bool = False) -> Document:
    doc = Document.objects.select_related("institution").filter(pk=pk).first()
    if doc is None or not any(g.role in MANAGERS and g.institution_id == doc.institution_id for g in grants(user)):
        raise Http404
    if edit and not _editor_of(user, doc.institution_id):
        raise Http404
    return doc


def versions_for_user(user: User) -> QuerySet[DocumentVersion]:
    """The newest version of each document the user may launch."""
    ids = [i.pk for i in institutions_for_user(user)]
    return (DocumentVersion.objects.filter(document__institution_id__in=ids)
            .select_related("document", "document__institution").order_by("document__title", "-number"))


def get_version_for_user(user: User, pk: int) -> DocumentVersion:
    version = DocumentVersion.objects.select_related("document__institution").filter(pk=pk).first()
    if version is None:
        raise Http404
    get_document_for_user(user, version.document_id)
    return version


# --- Campaigns -------------------------------------------------------------------------------------

def _prefixes(path: str) -> list[str]:
    return [path[:i] for i in range(SEG, len(path) + 1, SEG)]


def campaigns_for_user(user: User, roles: tuple[str, ...] = READERS) -> QuerySet[Campaign]:
    """Campaigns inside the user's scope, and wider campaigns that reach into it."""
    paths = role_paths(user, roles)
    above = sorted({p for path in paths for p in _prefixes(path)})
    return (Campaign.objects.filter(path_q("unit_path", paths) | Q(unit_path__in=above))
            .select_related("unit", "version", "institution"))


def reaches(user: User, campaign: Campaign, roles: tuple[str, ...] = READERS) -> bool:
    """`campaigns_for_user`'s rule for one campaign: inside one of the user's units, or wider and reaching
    into one (unit paths are whole segments, so a prefix of a path is an ancestor's path)."""
    path = campaign.unit_path
    return any(path.startswith(p) or p.startswith(path) for p in role_paths(user, roles))


# Every coverage request opens its campaign: compiled once per process (core.prepared), and the scope
# checked in Python against the user's remembered grants, instead of ~2 ms of ORM work per request.
_CAMPAIGN = Prepared(lambda pk: Campaign.objects.filter(pk=pk).order_by()
                     .select_related("unit", "version__document", "institution")[:1], pk=int)
_MAX_ID = 2**63 - 1


def get_campaign_for_user(user: User, pk: int, roles: tuple[str, ...] = READERS) -> Campaign:
    """The campaign, if the user holds one of `roles` over it; 404 otherwise. The row is remembered per
    process (`core.memo`): every write to a campaign bumps the memo's generation, which every request
    reads with its session, so a closed campaign shows as closed at once on every server. Callers must
    not change the instance they get."""
    if not 0 < pk <= _MAX_ID:
        raise Http404
    campaign = memo.get("pledges.campaign", pk, lambda: _campaign_row(pk))  # raises Http404: nothing kept
    if not reaches(user, campaign, roles):
        raise Http404
    return campaign


def _campaign_row(pk: int) -> Campaign:
    found = _CAMPAIGN.objects(router.db_for_read(Campaign), pk=pk)
    if not found:
        raise Http404  # not remembered: unknown ids must not fill the memo
    return found[0]  # type: ignore[no-any-return]


def coverage_unit(user: User, campaign: Campaign, unit_id: Any = None, roles: tuple[str, ...] = READERS) -> Unit:
    """The unit to show: inside the campaign and inside the user's scope; defaults to the widest allowed."""
    if unit_id:
        number = parse_id(unit_id)
        unit = unit_by_pk(number) if number else None
        if unit is None or not unit.path.startswith(campaign.unit_path) or not has_role(user, roles, unit):
            raise Http404
        return unit
    if has_role(user, roles, campaign.unit):
        return campaign.unit
    paths = [p for p in role_paths(user, roles) if p.startswith(campaign.unit_path)]
    unit = Unit.objects.filter(path__in=paths).order_by("path").first()
    if unit is None:
        raise Http404
    return unit


def can_manage(user: User, unit: Unit) -> bool:
    return has_role(user, MANAGERS, unit)


@dataclass(frozen=True)
class Counts:
    in_scope: int
    signed: int
    late: int

    @property
    def pending(self) -> int:
        return max(self.in_scope - self.signed - self.late, 0)

    @property
    def percent(self) -> int:
        return round(100 * (self.signed + self.late) / self.in_scope) if self.in_scope else 0


@dataclass(frozen=True)
class ChildRow:
    unit: Unit
    counts: Counts


_SUMS = {"a": Sum("in_scope"), "s": Sum("signed"), "late": Sum("late")}
_TOTALS = Prepared(lambda campaign_id, unit_id: Tally.objects.filter(campaign_id=campaign_id, unit_id=unit_id)
                   .order_by().values_list("unit_id").annotate(**_SUMS), campaign_id=int, unit_id=int)
_CHILDREN = Prepared(lambda campaign_id, unit_id: Tally.objects.filter(campaign_id=campaign_id, parent_unit_id=unit_id)
                     .order_by().values_list("unit_id").annotate(**_SUMS), campaign_id=int, unit_id=int)


def totals(campaign: Campaign, unit: Unit) -> Counts:
    """Subtree totals of `unit`: the sum of its (at most TALLY_SHARDS) rollup rows."""
    for _unit_id, a, s, late in _TOTALS.rows(router.db_for_read(Tally), campaign_id=campaign.pk, unit_id=unit.pk):
        return Counts(a or 0, s or 0, late or 0)
    return Counts(0, 0, 0)


def coverage(campaign: Campaign, unit: Unit) -> tuple[Counts, list[ChildRow]]:
    """Subtree totals of `unit` and of each child, read from the rollup tallies (a few dozen rows)."""
    counts = totals(campaign, unit)
    rows = _CHILDREN.rows(router.db_for_read(Tally), campaign_id=campaign.pk, unit_id=unit.pk)
    by_id = {unit_id: Counts(a or 0, s or 0, late or 0) for unit_id, a, s, late in rows}
    units = units_by_name(by_id) if by_id else []
    return counts, [ChildRow(u, by_id[u.pk]) for u in units]


def not_signed(campaign: Campaign, unit: Unit) -> QuerySet[Signature]:
    return (Signature.objects.filter(campaign=campaign, status=Signature.Status.PENDING,
                                     unit_path__startswith=unit.path)
            .select_related("employee", "unit").order_by("unit_path", "id"))


def not_signed_page(campaign: Campaign, unit: Unit, *, offset: int, limit: int) -> list[Signature]:
    """One page of who has not signed, in tree order. On PostgreSQL the order comes off the
    (campaign, status, unit_path pattern_ops, id) index, so even the national first page reads 50 rows:
    a plain ORDER BY unit_path would sort millions (the pattern index does not serve the collation order)."""
    if connection.vendor != "postgresql":
        return list(not_signed(campaign, unit)[offset:offset + limit])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM pledges_signature WHERE campaign_id = %s AND status = 'pending' AND unit_path LIKE %s "
            "ORDER BY unit_path USING ~<~, id LIMIT %s OFFSET %s", [campaign.pk, unit.path + "%", limit, offset])
        ids = [row[0] for row in cur.fetchall()]
    rows = Signature.objects.select_related("employee", "unit").in_bulk(ids)
    return [rows[i] for i in ids]


def in_scope_list(campaign: Campaign, unit: Unit) -> QuerySet[Signature]:
    return (Signature.objects.filter(campaign=campaign, unit_path__startswith=unit.path)
            .select_related("employee", "unit").order_by("unit_path", "employee__name"))


def unit_people_for_ceremony(campaign: Campaign, unit: Unit) -> list[Signature]:
    return list(Signature.objects.filter(campaign=campaign, unit=unit)
                .select_related("employee", "unit", "ceremony").order_by("employee__name")[:1000])


# "path starts with" written as LEFT(path, LENGTH(prefix)) = prefix: the prefix reaches the SQL as a plain
# value, so the statement is compiled once per process (core.prepared); `__startswith` rewrites it.
_CEREMONIES = Prepared(lambda campaign_id, path: Ceremony.objects.filter(campaign_id=campaign_id)
                       .alias(prefix=Left("unit__path", Length(Value(path)))).filter(prefix=path)
                       .select_related("unit").order_by("-held_on", "-pk")[:20], campaign_id=int, path=str)


def ceremonies(campaign: Campaign, unit: Unit) -> list[Ceremony]:
    """The latest 20 ceremonies held in the subtree of `unit`."""
    return _CEREMONIES.objects(router.db_for_read(Ceremony), campaign_id=campaign.pk, path=unit.path)


def get_ceremony_for_user(user: User, pk: int) -> Ceremony:
    ceremony = Ceremony.objects.select_related("campaign", "unit", "led_by", "campaign__version").filter(pk=pk).first()
    if ceremony is None or not has_role(user, READERS, ceremony.unit):
        raise Http404
    return ceremony


def ceremony_signatures(ceremony: Ceremony) -> QuerySet[Signature]:
    return ceremony.signatures.select_related("employee").order_by("employee__name")


def manageable_units(user: User) -> QuerySet[Unit]:
    """Units a campaign may target: the user's management roots and their first two levels."""
    paths = role_paths(user, MANAGERS)
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path, depth__lte=path.count("/") + 1)
    return Unit.objects.filter(q).select_related("institution").order_by("path")[:1000]
