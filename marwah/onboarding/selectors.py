"""Reads of invitations, always within the reader's scope (HR and administrators)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from marwah.accounts.models import User
from marwah.accounts.selectors import ORG_MANAGERS, has_role, path_q, role_paths
from marwah.onboarding.models import Invitation, InvitationBatch


def can_manage(user: User) -> bool:
    return bool(user.is_superuser) or has_role(user, ORG_MANAGERS)


def invitations_for_user(user: User, *, query: str = "", limit: int = 100) -> list[Invitation]:
    qs: QuerySet[Invitation] = Invitation.objects.filter(path_q("unit_path", role_paths(user, ORG_MANAGERS)))
    query = query.strip()
    if query:
        qs = qs.filter(employee__nip__startswith=query) if query.isascii() and query.isdigit() else qs.filter(
            employee__name__icontains=query)
    return list(qs.select_related("employee", "employee__unit", "role_unit").order_by("-created_at")[:limit])


def batches_for_user(user: User, limit: int = 20) -> list[InvitationBatch]:
    qs = InvitationBatch.objects.filter(path_q("unit__path", role_paths(user, ORG_MANAGERS)))
    return list(qs.select_related("unit").order_by("-created_at")[:limit])


def get_batch_for_user(user: User, pk: int) -> InvitationBatch:
    batch = InvitationBatch.objects.select_related("unit").filter(pk=pk).first()
    if batch is None or not has_role(user, ORG_MANAGERS, batch.unit):
        raise Http404
    return batch


def get_invitation_for_user(user: User, pk: int) -> Invitation:
    invitation = Invitation.objects.select_related("employee", "employee__unit").filter(pk=pk).first()
    if invitation is None or not has_role(user, ORG_MANAGERS, invitation.employee.unit):
        raise Http404
    return invitation
