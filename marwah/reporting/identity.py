"""The reporter's identity behind a two-person rule that is cryptographic, not an `if`.

At submission the identity is encrypted with K = BLAKE2b(s1 || s2) (`crypto.identity_key_from_shares`):
- s1, the team share, is encrypted with the report key (`Report.identity_key`): every handler
  holding the report key has it;
- s2, the custodian share, is sealed to each identity custodian (`Role.IDENTITY_CUSTODIAN`,
  assigned per unit and applying to its subtree) on the report unit's chain, minus anyone the
  conflict rules block and anyone holding the report key (`CustodianShare`).
Nobody holds both: `vault.seal_report_key` never seals a report key to a custodian of that report.

Revealing: a handler writes a reason (`request_identity`; encrypted with the report key for the
team and sealed to each custodian); a custodian approves (`decide`), which opens s2 with the
custodian's key and re-seals it to that handler's public key; the handler then combines s1 and
s2 (`reveal_identity`). Each step is audited. The server never holds s2 in the clear.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from marwah.accounts.models import Role, RoleAssignment, User
from marwah.audit.services import record
from marwah.core.rows import insert
from marwah.orgs.models import Unit, decode_path
from marwah.reporting import crypto, vault
from marwah.reporting.models import CustodianShare, IdentityRequest, Report, ReportAccess, UserKey
from marwah.reporting.selectors import content_aad


def team_share_token(report: Report, report_key: bytes, team_share: bytes) -> str:
    return crypto.encrypt_text(report_key, base64.b64encode(team_share).decode(),
                               aad=content_aad(report, "identity-team-share"))


def _team_share(report: Report, report_key: bytes) -> bytes:
    return base64.b64decode(crypto.decrypt_text(report_key, report.identity_key,
                                                aad=content_aad(report, "identity-team-share")))


def encrypt_identity(report: Report, identity: dict, team_share: bytes, custodian_share: bytes) -> str:
    key = crypto.identity_key_from_shares(team_share, custodian_share)
    return crypto.encrypt_text(key, json.dumps(identity), aad=content_aad(report, "identity"))


def custodians_for(report: Report, *, accused_ids: list[int], involved_ids: list[int]) -> list[User]:
    """Custodians on the report unit's chain (up to the institution's root), minus the conflicted."""
    unit = report.unit or Unit.objects.filter(institution_id=report.institution_id, parent=None).first()
    if unit is None:
        return []
    from marwah.cases.routing import role_holders

    chain = decode_path(unit.path)
    by_unit = role_holders(Role.IDENTITY_CUSTODIAN, chain)
    users = list({u.pk: u for unit_id in chain for u, _chair in by_unit.get(unit_id, [])}.values())
    if not users:
        return []
    try:
        from marwah.cases.routing import Router
    except ImportError:  # pragma: no cover - the cases app is always installed
        return users
    bad = Router(accused_ids=accused_ids, involved_ids=involved_ids).conflicted(users)
    return [u for u in users if u.pk not in bad]


def seal_custodian_shares(*, report: Report, custodian_share: bytes, accused_ids: list[int],
                          involved_ids: list[int], key_holders: set[int] | None = None) -> int:
    """Seal s2 to the custodians (after the report key was sealed: key holders are left out).
    `key_holders`: the users the report key was just sealed to, when the caller knows them
    (a new report); otherwise they are read from the database."""
    custodians = custodians_for(report, accused_ids=accused_ids, involved_ids=involved_ids)
    if key_holders is not None:
        holders = key_holders
    else:
        holders = set(ReportAccess.objects.filter(report=report).values_list("user_id", flat=True))
    ids = [u.pk for u in custodians if u.pk not in holders]
    keys = vault.public_keys(ids)
    rows = [CustodianShare(report=report, custodian_id=uid, sealed_share=crypto.seal(bytes(pub), custodian_share))
            for uid, pub in keys]
    if rows:
        insert(rows)  # the rows themselves say who holds a share
    else:  # the identity can never be revealed: worth an audit row an administrator will see
        record(actor=None, action="reporting.identity_no_custodian", target=report, unit=report.unit_id)
    return len(rows)


# --- Handler side ---------------------------------------------------------------------------------

def request_identity(*, request: HttpRequest, report: Report, reason: str) -> IdentityRequest:
    key = vault.report_key_for(request, report)
    if key is None:
        raise vault.ReportLocked("locked")
    custodian_keys = (UserKey.objects.filter(user_id__in=CustodianShare.objects.filter(report=report, retired_key=None)
                                             .values("custodian_id")).values_list("user_id", "public_key"))
    sealed = {str(uid): base64.b64encode(crypto.seal(bytes(pub), reason.encode())).decode()
              for uid, pub in custodian_keys}
    with transaction.atomic():
        req = IdentityRequest.objects.create(
            report=report, requester=vault.request_user(request), custodian_reasons=sealed,
            reason=crypto.encrypt_text(key, reason, aad=content_aad(report, "identity-reason")))
        record(actor=request.user, action="reporting.identity_requested", target=report, unit=report.unit_id,
               detail={"request": req.pk, "custodians": len(sealed)})
    return req


def handler_reason(*, request: HttpRequest, identity_request: IdentityRequest) -> str:
    key = vault.report_key_for(request, identity_request.report)
    if key is None:
        return ""
    try:
        return crypto.decrypt_text(key, identity_request.reason,
                                   aad=content_aad(identity_request.report, "identity-reason"))
    except crypto.DecryptionError:
        return ""


def reveal_identity(*, request: HttpRequest, identity_request: IdentityRequest) -> dict:
    """The identity, for the handler whose request a custodian approved (both shares needed)."""
    req = identity_request
    user = vault.request_user(request)
    if req.requester_id != user.pk or req.status != IdentityRequest.Status.APPROVED or not req.sealed_share:
        raise PermissionDenied("not approved")
    key = vault.report_key_for(request, req.report)
    private = vault.session_private_key(request)
    if key is None or private is None:
        raise vault.ReportLocked("locked")
    report = req.report
    if not report.identity:
        return {}
    try:
        identity_key = crypto.identity_key_from_shares(_team_share(report, key),
                                                       crypto.unseal(private, bytes(req.sealed_share)))
        identity = json.loads(crypto.decrypt_text(identity_key, report.identity, aad=content_aad(report, "identity")))
    except (crypto.DecryptionError, ValueError) as exc:
        raise PermissionDenied("the identity cannot be opened") from exc
    record(actor=user, action="reporting.identity_viewed", target=report, unit=report.unit_id,
           detail={"request": req.pk})
    return identity


# --- Custodian side -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PendingRequest:
    request: IdentityRequest
    reason: str
    created_at: datetime


def is_custodian(user: User) -> bool:
    from marwah.accounts.selectors import has_role

    return has_role(user, Role.IDENTITY_CUSTODIAN)


def _custodian_reason(request: HttpRequest, req: IdentityRequest) -> str:
    private = vault.session_private_key(request)
    sealed = (req.custodian_reasons or {}).get(str(request.user.pk))
    if private is None or not sealed:
        return ""
    try:
        return crypto.unseal(private, base64.b64decode(sealed)).decode()
    except (crypto.DecryptionError, ValueError):
        return ""


def requests_for_custodian(request: HttpRequest, *, pending_only: bool = True) -> list[PendingRequest]:
    """Requests on reports this custodian holds a share of (nobody else's)."""
    user = vault.request_user(request)
    qs = (IdentityRequest.objects.filter(report__custodian_shares__custodian=user,
                                         report__custodian_shares__retired_key=None, report__purged_at=None)
          .select_related("report", "requester", "decided_by").order_by("-created_at"))
    if pending_only:
        qs = qs.filter(status=IdentityRequest.Status.PENDING)
    return [PendingRequest(r, _custodian_reason(request, r), r.created_at) for r in qs[:200]]


def get_request_for_custodian(user: User, pk: int) -> IdentityRequest:
    found = (IdentityRequest.objects.select_related("report", "requester")
             .filter(pk=pk, report__custodian_shares__custodian=user, report__custodian_shares__retired_key=None,
                     report__purged_at=None).first())
    if found is None:
        raise Http404
    return found


def decide(*, request: HttpRequest, identity_request: IdentityRequest, approve: bool) -> None:
    """A custodian's decision. Approval re-seals the custodian share to the requesting handler."""
    req = identity_request
    user = vault.request_user(request)
    if req.requester_id == user.pk:
        raise PermissionDenied("a second person must decide")
    if req.status != IdentityRequest.Status.PENDING:
        raise PermissionDenied("already decided")
    share = CustodianShare.objects.filter(report=req.report, custodian=user, retired_key=None).first()
    if share is None:
        raise PermissionDenied("not a custodian of this report")
    sealed_for_requester = None
    if approve:
        private = vault.session_private_key(request)
        requester_key = UserKey.objects.filter(user_id=req.requester_id).values_list("public_key", flat=True).first()
        if private is None:
            raise vault.ReportLocked("locked")
        if requester_key is None:
            raise PermissionDenied("the requester has no key")
        try:
            custodian_share = crypto.unseal(private, bytes(share.sealed_share))
        except crypto.DecryptionError as exc:
            raise vault.ReportLocked("locked") from exc
        sealed_for_requester = crypto.seal(bytes(requester_key), custodian_share)
    with transaction.atomic():
        req.status = IdentityRequest.Status.APPROVED if approve else IdentityRequest.Status.REFUSED
        req.decided_by = user
        req.decided_at = timezone.now()
        req.sealed_share = sealed_for_requester
        req.save(update_fields=["status", "decided_by", "decided_at", "sealed_share"])
        record(actor=user, action=f"reporting.identity_{req.status}", target=req.report,
               unit=req.report.unit_id, detail={"request": req.pk, "requester": req.requester_id})


# --- No identity depends on one custodian ---------------------------------------------------------

def _eligible_custodians(report: Report) -> list[User]:
    """Custodians on the report's chain, minus key holders and anyone the case blocks."""
    unit = report.unit or Unit.objects.filter(institution_id=report.institution_id, parent=None).first()
    if unit is None:
        return []
    rows = (RoleAssignment.objects.filter(role=Role.IDENTITY_CUSTODIAN, unit_id__in=decode_path(unit.path),
                                          user__is_active=True).select_related("user"))
    users = list({ra.user_id: ra.user for ra in rows}.values())
    holders = set(ReportAccess.objects.filter(report=report).values_list("user_id", flat=True))
    users = [u for u in users if u.pk not in holders]
    from marwah.cases.models import Case
    from marwah.cases.selectors import conflicted_users

    case = Case.objects.filter(report=report).first()
    if case is not None and users:
        bad = conflicted_users(users, set(case.blocks.values_list("token", flat=True)))
        users = [u for u in users if u.pk not in bad]
    return users


def share_with_custodians(*, request: HttpRequest, limit: int = 500) -> int:
    """This custodian re-seals their share to the other eligible custodians who lack one (a new
    custodian, or one who replaced their key pair), so no identity depends on one custodian."""
    user = vault.request_user(request)
    private = vault.session_private_key(request)
    if private is None:
        raise vault.ReportLocked("locked")
    sealed = 0
    for share in (CustodianShare.objects.filter(custodian=user, retired_key=None, report__purged_at=None)
                  .select_related("report", "report__unit")[:limit]):
        missing = [u for u in _eligible_custodians(share.report) if u.pk != user.pk]
        have = set(CustodianShare.objects.filter(report=share.report, retired_key=None)
                   .values_list("custodian_id", flat=True))
        keys = UserKey.objects.filter(user_id__in=[u.pk for u in missing if u.pk not in have]).values_list(
            "user_id", "public_key")
        if not keys:
            continue
        try:
            custodian_share = crypto.unseal(private, bytes(share.sealed_share))
        except crypto.DecryptionError:
            continue
        rows = [CustodianShare(report=share.report, custodian_id=uid, sealed_share=crypto.seal(bytes(pub),
                                                                                            custodian_share))
                for uid, pub in keys]
        CustodianShare.objects.bulk_create(rows, ignore_conflicts=True)
        sealed += len(rows)
    record(actor=user, action="reporting.identity_shares_reshared", target=user, detail={"shares": sealed})
    return sealed
