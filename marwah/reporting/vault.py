"""Who holds a key to which report, and the unlocked keys of the current session.

- Every user gets a Curve25519 key pair at their first login (`on_password_verified`);
  the private half is stored wrapped under their password (argon2id) and, once
  unlocked, kept in the server-side session wrapped with the server secret.
- A report key is sealed to each recipient (`ReportAccess`). Recipients without a
  key pair yet are skipped; they are added later with `share_access` by a teammate
  who can already open the report.
- Recovery: when a password is reset by e-mail the old private key cannot be
  opened any more, so a new key pair is made and the user's old sealed copies are
  dropped; a teammate re-shares the open cases (`share_access`, which the cases app
  calls whenever a handler opens a case, so access heals by itself as soon as any
  other team member opens the case). A password change keeps the key (it is re-wrapped).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from marwah.accounts.models import User
from marwah.audit.services import record
from marwah.reporting import crypto
from marwah.reporting.models import Report, ReportAccess, UserKey

SESSION_USER_KEY = "mw_uk"


def _session_aad(user_id: int) -> str:
    return f"session-user-key:{user_id}"


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a staff request; PermissionDenied for a visitor without an account."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def remember_private_key(request: HttpRequest, user_id: int, private_key: bytes) -> None:
    request.session[SESSION_USER_KEY] = [user_id, crypto.server_wrap(private_key, aad=_session_aad(user_id))]


def session_private_key(request: HttpRequest) -> bytes | None:
    user = getattr(request, "user", None)
    stored = request.session.get(SESSION_USER_KEY) if hasattr(request, "session") else None
    if not stored or user is None or not user.is_authenticated or stored[0] != user.pk:
        return None
    try:
        return crypto.server_unwrap(stored[1], aad=_session_aad(user.pk))
    except crypto.DecryptionError:
        return None


def _wrapped(uk: UserKey) -> crypto.WrappedKey:
    return crypto.WrappedKey(bytes(uk.private_box), bytes(uk.kdf_salt), uk.kdf_ops, uk.kdf_mem)


def _store_wrapped(uk: UserKey, private_key: bytes, password: str) -> None:
    w = crypto.wrap_with_password(private_key, password)
    uk.private_box, uk.kdf_salt, uk.kdf_ops, uk.kdf_mem = w.box, w.salt, w.ops, w.mem


@transaction.atomic
def _new_key_pair(*, user, password: str, replacing: UserKey | None) -> bytes:
    pair = crypto.new_keypair()
    if replacing is not None:
        # The old private key is lost: its sealed copies are useless and are dropped so a
        # teammate's share_access can seal the report keys again to the new public key.
        dropped, _ = ReportAccess.objects.filter(user=user).delete()
        uk = replacing
        uk.public_key = pair.public
        uk.created_at = timezone.now()
        uk.rewrapped_at = None
        _store_wrapped(uk, pair.private, password)
        uk.save()
        record(actor=user, action="reporting.key_replaced", target=uk, detail={"dropped_accesses": dropped})
    else:
        uk = UserKey(user=user, public_key=pair.public)
        _store_wrapped(uk, pair.private, password)
        uk.save()
        record(actor=user, action="reporting.key_created", target=uk)
    return pair.private


def unlock_user_key(*, user, password: str) -> bytes:
    """The user's private key, creating the key pair on first use."""
    uk = UserKey.objects.filter(user=user).first()
    if uk is None:
        return _new_key_pair(user=user, password=password, replacing=None)
    try:
        return crypto.unwrap_with_password(_wrapped(uk), password)
    except crypto.DecryptionError:
        # The password was set without us seeing it (e.g. by an administrator).
        return _new_key_pair(user=user, password=password, replacing=uk)


def try_unlock(*, request: HttpRequest, password: str) -> bool:
    """For the unlock page: check the password against the stored key only (never replace it)."""
    user = request_user(request)
    if not user.check_password(password):
        return False
    uk = UserKey.objects.filter(user=user).first()
    if uk is None:
        private = _new_key_pair(user=user, password=password, replacing=None)
    else:
        try:
            private = crypto.unwrap_with_password(_wrapped(uk), password)
        except crypto.DecryptionError:
            private = _new_key_pair(user=user, password=password, replacing=uk)
    remember_private_key(request, user.pk, private)
    return True


def on_password_verified(sender, request=None, user=None, password=None, **kwargs) -> None:
    if user is None or not password:
        return
    private = unlock_user_key(user=user, password=password)
    if request is not None and hasattr(request, "session"):
        remember_private_key(request, user.pk, private)


def on_password_changed(sender, request=None, user=None, password=None, old_password=None, **kwargs) -> None:
    if user is None or not password:
        return
    uk = UserKey.objects.filter(user=user).first()
    private: bytes | None = None
    if uk is not None and old_password:
        try:
            private = crypto.unwrap_with_password(_wrapped(uk), old_password)
        except crypto.DecryptionError:
            private = None
    if uk is not None and private is None and request is not None and getattr(request, "user", None) == user:
        private = session_private_key(request)
    if uk is None or private is None:
        private = _new_key_pair(user=user, password=password, replacing=uk)
    else:
        with transaction.atomic():
            _store_wrapped(uk, private, password)
            uk.rewrapped_at = timezone.now()
            uk.save()
            record(actor=user, action="reporting.key_rewrapped", target=uk)
    if request is not None and getattr(request, "user", None) == user and hasattr(request, "session"):
        remember_private_key(request, user.pk, private)


# --- Report keys -------------------------------------------------------------------------------------

def seal_report_key(*, report: Report, report_key: bytes, users: Iterable, actor=None) -> int:
    """Seal the report key to each user's public key; users without a key pair are skipped."""
    user_ids = {u.pk for u in users}
    if not user_ids:
        return 0
    existing = set(ReportAccess.objects.filter(report=report, user_id__in=user_ids).values_list("user_id", flat=True))
    keys = UserKey.objects.filter(user_id__in=user_ids - existing).values_list("user_id", "public_key")
    rows = [
        ReportAccess(report=report, user_id=uid, sealed_key=crypto.seal(bytes(pub), report_key),
                     granted_by=actor if getattr(actor, "is_authenticated", False) else None)
        for uid, pub in keys
    ]
    if rows:
        with transaction.atomic():
            ReportAccess.objects.bulk_create(rows, ignore_conflicts=True)
            record(actor=actor, action="reporting.access_sealed", target=report, unit=report.unit_id,
                   detail={"users": sorted(r.user_id for r in rows)})
    return len(rows)


def user_can_decrypt(user, report: Report) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and ReportAccess.objects.filter(
        report=report, user=user).exists()


def report_key_for(request: HttpRequest, report: Report) -> bytes | None:
    """The report key, if this session holds an unlocked key it was sealed to."""
    cache = request.__dict__.setdefault("_mw_report_keys", {})
    if report.pk in cache:
        return cache[report.pk]
    key = None
    private = session_private_key(request)
    if private is not None:
        sealed = ReportAccess.objects.filter(report=report, user=request_user(request)).values_list(
            "sealed_key", flat=True).first()
        if sealed is not None:
            try:
                key = crypto.unseal(private, bytes(sealed))
            except crypto.DecryptionError:
                key = None
    cache[report.pk] = key
    return key


def share_access(*, request: HttpRequest, report: Report, users: Iterable) -> int:
    """Re-seal the report key (opened with the requester's session key) for other users."""
    key = report_key_for(request, report)
    if key is None:
        return 0
    return seal_report_key(report=report, report_key=key, users=users, actor=request.user)


# --- Handler-written text about a report (cases: rejection reason, decision, protection, referrals) ----------

class ReportLocked(PermissionDenied):
    """This session holds no key that opens the report: unlock first; nothing is stored in plaintext."""


def _field_aad(report: Report, field: str) -> str:
    return f"report:{report.public_id}:field:{field}"


def encrypt_with_key(key: bytes, *, report: Report, field: str, text: str) -> str:
    """Ciphertext bound to this report and field; "" stays "" (an empty note reveals nothing)."""
    return crypto.encrypt_text(key, text, aad=_field_aad(report, field)) if text else ""


def decrypt_with_key(key: bytes, *, report: Report, field: str, blob: str) -> str | None:
    """The text, "" for an empty value, None if the blob does not open with this key."""
    if not blob:
        return ""
    try:
        return crypto.decrypt_text(key, blob, aad=_field_aad(report, field))
    except crypto.DecryptionError:
        return None


def encrypt_for_report(*, request: HttpRequest, report: Report, field: str, text: str) -> str:
    """Encrypt staff-written text with the report key this session opens; ReportLocked if it cannot."""
    if not text:
        return ""
    key = report_key_for(request, report)
    if key is None:
        raise ReportLocked("locked")
    return encrypt_with_key(key, report=report, field=field, text=text)


def decrypt_for_report(*, request: HttpRequest, report: Report, field: str, blob: str) -> str | None:
    """Staff-side read: the text, or None while this session cannot open the report key."""
    if not blob:
        return ""
    key = report_key_for(request, report)
    if key is None:
        return None
    return decrypt_with_key(key, report=report, field=field, blob=blob)
