"""Writes for onboarding: inviting people, activating accounts, deactivating leavers.

Secrets (link tokens and activation codes) are shown or sent once; only a keyed
hash is stored. Every write is atomic and audited.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection, send_mail, send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from marwah.accounts import services as accounts
from marwah.accounts.models import Role, User
from marwah.accounts.selectors import ORG_MANAGERS, has_role
from marwah.audit import services as audit
from marwah.core import memo
from marwah.onboarding.models import Invitation, InvitationBatch
from marwah.orgs.models import Unit
from marwah.people import selectors as people_selectors
from marwah.people import services as people
from marwah.people.models import Employee

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 10
CHUNK = 1000


def invitation_days() -> int:
    return int(getattr(settings, "MARWAH_INVITATION_DAYS", 14))


def _hash(kind: str, secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"invite-{kind}:{secret}".encode(), hashlib.sha256).hexdigest()


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def link_hash(token: str) -> str:
    return _hash("link", token)


def code_hash(code: str) -> str:
    return _hash("code", normalize_code(code))


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def short_address() -> str:
    """The address people without email type on a phone: host and path, no scheme."""
    return site(reverse("onboarding:code")).split("://", 1)[-1]


@dataclass
class Issued:
    invitation: Invitation
    employee: Employee
    code: str = ""  # set for the code channel: shown once, never stored
    emailed: bool = False


def can_invite(actor: User, employee: Employee) -> bool:
    return bool(actor.is_superuser) or has_role(actor, ORG_MANAGERS, employee.unit) or (
        has_role(actor, Role.ADMIN, employee.unit))


def _new_invitation(*, employee: Employee, actor: User | None, batch: InvitationBatch | None = None,
                    role: str = "", role_unit: Unit | None = None, role_is_chair: bool = False,
                    force_code: bool = False) -> tuple[Invitation, str]:
    """An unsaved invitation and its secret (a link token or a code)."""
    email = "" if force_code else (employee.email or "")
    if email:
        secret = secrets.token_urlsafe(24)
        digest, channel = link_hash(secret), Invitation.Channel.EMAIL
    else:
        secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        digest, channel = code_hash(secret), Invitation.Channel.CODE
    invitation = Invitation(
        employee=employee, batch=batch, secret_hash=digest, channel=channel, email=email, role=role,
        role_unit=role_unit, role_is_chair=role_is_chair, created_by=actor, unit_path=employee.unit_path,
        expires_at=timezone.now() + timedelta(days=invitation_days()),
    )
    return invitation, secret


def _email_message(employee: Employee, token: str, expires: str) -> tuple[str, str]:
    url = site(reverse("onboarding:link", args=[token]))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your Marwah account is ready to activate")
        body = _("Hello %(name)s,\n\nAn account in Marwah has been prepared for you. Open this link to choose "
                 "your password:\n%(url)s\n\nThe link works once and expires on %(expires)s. If you did not "
                 "expect this message, ignore it.") % {"name": employee.name, "url": url, "expires": expires}
    return subject, body


def _expiry_text(invitation: Invitation) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(formats.date_format(timezone.localtime(invitation.expires_at), "j F Y"))


def invite(*, actor: User, employee: Employee, role: str = "", role_unit: Unit | None = None,
           role_is_chair: bool = False, force_code: bool = False) -> Issued:
    """Invite one person: by email when they have one, else with a code shown once to the actor."""
    if not can_invite(actor, employee):
        raise PermissionDenied
    if employee.user_id is not None:
        raise ValidationError(_("This person already has an account."))
    with transaction.atomic():
        # A new invitation replaces any earlier open one.
        Invitation.objects.filter(employee=employee, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        invitation, secret = _new_invitation(employee=employee, actor=actor, role=role, role_unit=role_unit,
                                             role_is_chair=role_is_chair, force_code=force_code)
        invitation.save()
        audit.record(actor=actor, action="onboarding.invite", target=employee, unit=employee.unit_id,
                     detail={"channel": invitation.channel, "role": role})
    issued = Issued(invitation, employee)
    if invitation.channel == Invitation.Channel.EMAIL:
        subject, body = _email_message(employee, secret, _expiry_text(invitation))
        issued.emailed = bool(send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email],
                                        fail_silently=True))
    else:
        issued.code = format_code(secret)
    return issued


def revoke(*, actor: User, invitation: Invitation) -> None:
    if not can_invite(actor, invitation.employee):
        raise PermissionDenied
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(actor=actor, action="onboarding.revoke", target=invitation.employee,
                     unit=invitation.employee.unit_id)


# --- Bulk invitations ---------------------------------------------------------------------------------

def start_batch(*, actor: User, unit: Unit, employment_types: list[str]) -> InvitationBatch:
    if not (actor.is_superuser or has_role(actor, ORG_MANAGERS, unit)):
        raise PermissionDenied
    from marwah.core.tasks import enqueue_on_commit
    from marwah.onboarding.tasks import run_batch_task

    with transaction.atomic():
        batch = InvitationBatch.objects.create(created_by=actor, unit=unit, employment_types=employment_types)
        audit.record(actor=actor, action="onboarding.batch_started", target=batch, unit=unit,
                     detail={"types": employment_types})
        enqueue_on_commit(run_batch_task, batch.pk)
    return batch


def codes_path(batch: InvitationBatch) -> Path:
    folder = Path(settings.DATA_DIR) / "invitations"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / f"batch-{batch.pk}.csv"


def code_csv_header() -> list[str]:
    return [_("Name"), _("NIP / number"), _("Unit"), _("Phone"), _("Activation code"), _("Address"),
            _("Valid until")]


def run_batch(*, batch: InvitationBatch) -> InvitationBatch:
    """Invite everyone without an account (and without an open invitation) under the batch's unit.

    Idempotent: people with an open invitation are skipped, so a second run emails and codes
    nobody twice. A run killed part-way (the batch still RUNNING) is resumed by the retried task:
    its counters go on from what was recorded and the printed-codes file is appended to."""
    unit = batch.unit
    resuming = batch.status == InvitationBatch.Status.RUNNING
    now = timezone.now()
    open_for = set(Invitation.objects.filter(unit_path__startswith=unit.path, accepted_at__isnull=True,
                                             revoked_at__isnull=True, expires_at__gt=now)
                   .values_list("employee_id", flat=True))
    people_qs = people_selectors.employees_without_account(unit_path=unit.path,
                                                           employment_types=list(batch.employment_types))
    ids = [pk for pk in people_qs.order_by("pk").values_list("pk", flat=True) if pk not in open_for]
    emailed, coded, done = (batch.emailed, batch.coded, batch.done) if resuming else (0, 0, 0)
    InvitationBatch.objects.filter(pk=batch.pk).update(status=InvitationBatch.Status.RUNNING, total=done + len(ids))
    address = short_address()
    mail = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        header = code_csv_header()
    path = codes_path(batch)
    append = resuming and path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC), 0o600)
    with os.fdopen(fd, "w", newline="") as handle:
        writer = csv.writer(handle)
        if not append:
            writer.writerow(header)
        for start in range(0, len(ids), CHUNK):
            chunk = list(Employee.objects.filter(pk__in=ids[start:start + CHUNK]).select_related("unit")
                         .order_by("unit_path", "name"))
            made = [(e, *_new_invitation(employee=e, actor=batch.created_by, batch=batch)) for e in chunk]
            with transaction.atomic():
                Invitation.objects.bulk_create([inv for _e, inv, _s in made], batch_size=CHUNK)
            messages = []
            for employee, invitation, secret in made:
                if invitation.channel == Invitation.Channel.EMAIL:
                    messages.append((*_email_message(employee, secret, _expiry_text(invitation)),
                                     settings.DEFAULT_FROM_EMAIL, [invitation.email]))
                else:
                    writer.writerow([employee.name, employee.nip or employee.employee_number or "", employee.unit.name,
                                     employee.phone, format_code(secret), address, _expiry_text(invitation)])
                    coded += 1
            if messages:
                emailed += send_mass_mail(messages, fail_silently=True, connection=mail)
            done += len(chunk)
            handle.flush()  # the chunk's codes are on disk before its progress is recorded
            InvitationBatch.objects.filter(pk=batch.pk).update(done=done, emailed=emailed, coded=coded)
    if not coded:
        path.unlink(missing_ok=True)
    with transaction.atomic():
        InvitationBatch.objects.filter(pk=batch.pk).update(
            status=InvitationBatch.Status.DONE, done=done, emailed=emailed, coded=coded, codes_ready=bool(coded),
            finished_at=timezone.now())
        audit.record(actor=batch.created_by, action="onboarding.batch_done", target=batch, unit=unit,
                     detail={"invited": done, "emailed": emailed, "codes": coded})
    batch.refresh_from_db()
    return batch


def take_batch_codes(*, actor: User, batch: InvitationBatch) -> bytes | None:
    """The batch's code file, handed over once and then deleted (the codes are secrets)."""
    if batch.created_by_id != actor.pk or not batch.codes_ready:
        return None
    path = codes_path(batch)
    if not path.exists():
        return None
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    with transaction.atomic():
        InvitationBatch.objects.filter(pk=batch.pk).update(codes_ready=False)
        audit.record(actor=actor, action="onboarding.codes_downloaded", target=batch, unit=batch.unit_id,
                     detail={"codes": batch.coded})
    return b"\xef\xbb\xbf" + data


def issued_codes_csv(issued: list[Issued]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(code_csv_header())
    address = short_address()
    for item in issued:
        e = item.employee
        writer.writerow([e.name, e.nip or e.employee_number or "", e.unit.name, e.phone, item.code, address,
                         _expiry_text(item.invitation)])
    return "\ufeff" + out.getvalue()


# --- Activation -----------------------------------------------------------------------------------------

def find_open(*, token: str = "", code: str = "") -> Invitation | None:
    digest = link_hash(token) if token else code_hash(code) if code else ""
    if not digest:
        return None
    return (Invitation.objects.select_related("employee", "employee__unit", "role_unit", "created_by")
            .filter(secret_hash=digest, accepted_at__isnull=True, revoked_at__isnull=True,
                    expires_at__gt=timezone.now()).first())


def username_for(employee: Employee) -> str:
    base = employee.nip or employee.employee_number or f"pegawai{employee.pk}"
    if not User.objects.filter(username=base).exists():
        return base
    return f"{base}-{employee.pk}"


def activate(*, invitation: Invitation, password: str) -> User:
    """Create the account, link it to the person, grant any role the invitation carries."""
    employee = invitation.employee
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().filter(pk=invitation.pk, accepted_at__isnull=True,
                                                               revoked_at__isnull=True).first()
        if locked is None or employee.user_id is not None:
            raise ValidationError(_("This invitation was already used."))
        first, _sep, last = employee.name.partition(" ")
        user = accounts.create_account(actor=None, username=username_for(employee), email=employee.email,
                                       password=password, first_name=first, last_name=last)
        people.link_account(employee=employee, user=user)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        audit.record(actor=user, action="onboarding.activated", target=employee, unit=employee.unit_id)
        if invitation.role and invitation.role_unit is not None:
            try:
                accounts.assign_role(actor=invitation.created_by, user=user, role=invitation.role,
                                     unit=invitation.role_unit, is_chair=invitation.role_is_chair)
            except (PermissionDenied, ValidationError):
                pass  # the inviter lost the right meanwhile: the person gets an account, no role
    return user


# --- Leavers -------------------------------------------------------------------------------------------

def deactivate_account(*, actor: User, employee: Employee) -> int:
    """A leaver: the account is switched off, open invitations withdrawn, roles and case memberships ended.

    Returns how many case memberships were ended.
    """
    if not can_invite(actor, employee):
        raise PermissionDenied
    from marwah.cases import services as cases

    user = employee.user
    with transaction.atomic():
        Invitation.objects.filter(employee=employee, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        removed = 0
        if user is not None:
            User.objects.filter(pk=user.pk).update(is_active=False)
            memo.bump()  # the update sends no signal: routing must forget the account now
            for assignment in user.roles.select_related("unit"):
                accounts.revoke_role(actor=None, assignment=assignment)
            removed = cases.end_memberships(user=user, actor=actor)
        audit.record(actor=actor, action="onboarding.deactivated", target=employee, unit=employee.unit_id,
                     detail={"cases": removed})
    return removed
