"""Writes to accounts, roles and second factors. Each is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from marwah.accounts.models import Role, RoleAssignment, User
from marwah.accounts.selectors import forget_grants, has_role
from marwah.audit import services as audit
from marwah.orgs.models import Unit
from marwah.rules.catalog import role_unit_error


def _require_admin(actor: User | None, unit: Unit) -> None:
    if actor is None:
        return  # system actions (seeding, commands)
    if not (actor.is_superuser or has_role(actor, Role.ADMIN, unit)):
        raise PermissionDenied


def assign_role(*, actor: User | None, user: User, role: str, unit: Unit, is_chair: bool = False) -> RoleAssignment:
    _require_admin(actor, unit)
    error = role_unit_error(role, unit.kind, unit.institution_id)
    if error:
        raise ValidationError(error)
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, unit=unit, defaults={"is_chair": is_chair, "granted_by": actor}
        )
        if not created and assignment.is_chair != is_chair:
            assignment.is_chair = is_chair
            assignment.save(update_fields=["is_chair"])
        audit.record(actor=actor, action="role.assign", target=user, unit=unit,
                     detail={"role": role, "chair": is_chair, "created": created})
    forget_grants(user)
    return assignment


def revoke_role(*, actor: User | None, assignment: RoleAssignment) -> None:
    _require_admin(actor, assignment.unit)
    with transaction.atomic():
        audit.record(actor=actor, action="role.revoke", target=assignment.user, unit=assignment.unit,
                     detail={"role": assignment.role})
        assignment.delete()
    forget_grants(assignment.user)


def create_account(
    *, actor: User | None, username: str, email: str = "", password: str | None = None,
    first_name: str = "", last_name: str = "",
) -> User:
    with transaction.atomic():
        user = User(username=username, email=email, first_name=first_name[:150], last_name=last_name[:150])
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(actor=actor, action="account.create", target=user)
    return user


def start_totp_enrollment(*, user: User) -> TOTPDevice:
    """A fresh unconfirmed device; an earlier unconfirmed one is replaced."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_totp(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device if the code is right; returns new one-time recovery codes."""
    if device.user_id != user.pk or not device.verify_token(token):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = regenerate_recovery_codes(user=user)
        audit.record(actor=user, action="2fa.enable", target=user)
    return codes


def regenerate_recovery_codes(*, user: User, count: int = 8) -> list[str]:
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(count)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def record_login(*, user: User, verified: bool, request_meta: dict[str, Any] | None = None) -> None:
    # No IP address in the audit log (GlobaLeaks practice): who and when is enough.
    with transaction.atomic():
        audit.record(actor=user, action="login.2fa" if verified else "login.password", target=user)
