"""Who holds a key to which report, and the unlocked keys of the current session.

- Every user gets a Curve25519 key pair at their first login; the private half is stored
  wrapped under their password (argon2id) and, when they set up a recovery key, also under
  that recovery key (shown once, never stored).
- At login the password opens the private key, but the session may use it only after the
  second factor: until then it sits in a separate "waiting" slot that nothing reads
  (`promote_waiting_key` moves it after the 2FA step).
- In the session the key is wrapped with the browser key (`browserkey`, an HttpOnly cookie
  never stored server-side) mixed with the server secret: the database, the data folder and
  every server secret together do not open it. Logout flushes the session and expires the
  cookie; the worker deletes expired sessions (`tasks.purge_expired_sessions_task`).
- A report key is sealed to each recipient (`ReportAccess`): the handling team, and at least
  one holder above it (`escrow`), never to anyone the conflict rules block nor to a custodian
  holding the identity share of the same report.
- Nothing is deleted when a password is reset or set by an administrator: the old key stays
  wrapped under the old password, and the user restores it with the recovery key. Only an
  explicit "start a new key pair" retires it; the retired key and its sealed copies are kept
  (`RetiredKey`, `ReportAccess.retired_key`) and a teammate, the leader or the holder above
  re-shares the reports (`share_access`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from marwah.accounts.models import User
from marwah.audit.services import record
from marwah.core import memo
from marwah.core.rows import insert
from marwah.reporting import browserkey, crypto
from marwah.reporting.models import CustodianShare, Report, ReportAccess, RetiredKey, UserKey

SESSION_USER_KEY = "mw_uk"
SESSION_WAITING_KEY = "mw_uk_wait"  # opened by the password, usable only after the second factor
SESSION_STALE = "mw_uk_stale"  # the password checks out but does not open the key (it was reset)


def _session_aad(user_id: int, slot: str = "ready") -> str:
    return f"session-user-key:{slot}:{user_id}"


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a staff request; PermissionDenied for a visitor without an account."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def second_factor_passed(request: HttpRequest, user: User) -> bool:
    from marwah.accounts.selectors import requires_two_factor

    if not requires_two_factor(user):
        return True
    is_verified = getattr(request.user, "is_verified", None)
    # HTTP requests always pass django-otp's middleware, which sets is_verified; only in-process
    # callers (demo seeding) build a request without it.
    return is_verified is None or bool(is_verified())


def remember_private_key(request: HttpRequest, user_id: int, private_key: bytes) -> None:
    """Put the unlocked key in the session (after the second factor), under a fresh browser key."""
    bk = browserkey.rotate(request)
    request.session[SESSION_USER_KEY] = [user_id, crypto.session_wrap(bk, private_key, aad=_session_aad(user_id))]
    request.session.pop(SESSION_WAITING_KEY, None)
    request.session.pop(SESSION_STALE, None)


def _remember_waiting(request: HttpRequest, user_id: int, private_key: bytes) -> None:
    bk = browserkey.rotate(request)
    request.session[SESSION_WAITING_KEY] = [user_id, crypto.session_wrap(
        bk, private_key, aad=_session_aad(user_id, "waiting"))]
    request.session.pop(SESSION_USER_KEY, None)


def promote_waiting_key(request: HttpRequest) -> bool:
    """After the second factor: the key opened at the password step becomes usable."""
    stored = request.session.pop(SESSION_WAITING_KEY, None)
    user = request_user(request)
    if not stored or stored[0] != user.pk:
        return False
    try:
        private = crypto.session_unwrap(browserkey.get(request), stored[1], aad=_session_aad(user.pk, "waiting"))
    except crypto.DecryptionError:
        return False
    remember_private_key(request, user.pk, private)
    return True


def forget_keys(request: HttpRequest) -> None:
    for name in (SESSION_USER_KEY, SESSION_WAITING_KEY, SESSION_STALE):
        request.session.pop(name, None)


def session_private_key(request: HttpRequest) -> bytes | None:
    user = getattr(request, "user", None)
    stored = request.session.get(SESSION_USER_KEY) if hasattr(request, "session") else None
    if not stored or user is None or not user.is_authenticated or stored[0] != user.pk:
        return None
    try:
        return crypto.session_unwrap(browserkey.get(request), stored[1], aad=_session_aad(user.pk))
    except crypto.DecryptionError:
        return None


def key_needs_recovery(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_STALE)) and session_private_key(request) is None


def has_recovery_key(user: User) -> bool:
    return UserKey.objects.filter(user=user).exclude(recovery_box=None).exists()


def _wrapped(uk: UserKey) -> crypto.WrappedKey:
    return crypto.WrappedKey(bytes(uk.private_box), bytes(uk.kdf_salt), uk.kdf_ops, uk.kdf_mem)


def _store_wrapped(uk: UserKey, private_key: bytes, password: str) -> None:
    w = crypto.wrap_with_password(private_key, password)
    uk.private_box, uk.kdf_salt, uk.kdf_ops, uk.kdf_mem = w.box, w.salt, w.ops, w.mem


@transaction.atomic
def _create_key_pair(*, user: User, password: str) -> bytes:
    pair = crypto.new_keypair()
    uk = UserKey(user=user, public_key=pair.public)
    _store_wrapped(uk, pair.private, password)
    uk.save()
    record(actor=user, action="reporting.key_created", target=uk)
    return pair.private


def unlock_user_key(*, user: User, password: str) -> bytes | None:
    """The user's private key, creating the key pair on first use; None when the password
    (set without us seeing it: a reset, an administrator) does not open the stored key.
    The stored key is never replaced here."""
    uk = UserKey.objects.filter(user=user).first()
    if uk is None:
        return _create_key_pair(user=user, password=password)
    try:
        return crypto.unwrap_with_password(_wrapped(uk), password)
    except crypto.DecryptionError:
        return None


def try_unlock(*, request: HttpRequest, password: str) -> bool:
    """For the unlock page: True when the password opens the key (now usable in this session).

    False for a wrong password, before the second factor, or when the key needs the recovery
    key (`key_needs_recovery` then says so)."""
    user = request_user(request)
    if not user.check_password(password) or not second_factor_passed(request, user):
        return False
    private = unlock_user_key(user=user, password=password)
    if private is None:
        request.session[SESSION_STALE] = True
        return False
    remember_private_key(request, user.pk, private)
    return True


def on_password_verified(sender, request=None, user=None, password=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Login, password step: open the key, but keep it waiting until the second factor."""
    if user is None or not password or request is None or not hasattr(request, "session"):
        return
    from marwah.accounts.selectors import requires_two_factor

    private = unlock_user_key(user=user, password=password)
    if private is None:
        request.session[SESSION_STALE] = True
        record(actor=user, action="reporting.key_needs_recovery", target=user)
    elif requires_two_factor(user):
        _remember_waiting(request, user.pk, private)
    else:
        remember_private_key(request, user.pk, private)


def on_password_changed(sender, request=None, user=None, password=None, old_password=None,  # type: ignore[no-untyped-def]
                        **kwargs) -> None:
    """Re-wrap the key under the new password when the old one or this session opens it.

    After a reset nothing opens it: the key stays as it was (wrapped under the old password and
    the recovery key) and nothing is deleted; the user restores it with the recovery key."""
    if user is None or not password:
        return
    uk = UserKey.objects.filter(user=user).first()
    if uk is None:
        return  # made at the next login
    private: bytes | None = None
    if old_password:
        try:
            private = crypto.unwrap_with_password(_wrapped(uk), old_password)
        except crypto.DecryptionError:
            private = None
    same_user = request is not None and getattr(request, "user", None) == user and hasattr(request, "session")
    if private is None and same_user:
        private = session_private_key(request)
    if private is None:
        record(actor=user, action="reporting.key_needs_recovery", target=uk)
        return
    with transaction.atomic():
        _store_wrapped(uk, private, password)
        uk.rewrapped_at = timezone.now()
        uk.save()
        record(actor=user, action="reporting.key_rewrapped", target=uk)
    if same_user:
        remember_private_key(request, user.pk, private)


# --- Recovery key ------------------------------------------------------------------------------------

def create_recovery_key(*, request: HttpRequest) -> str | None:
    """A new recovery key for the unlocked key of this session, shown once; None while locked."""
    user = request_user(request)
    private = session_private_key(request)
    uk = UserKey.objects.filter(user=user).first()
    if private is None or uk is None:
        return None
    recovery = crypto.new_recovery_key()
    with transaction.atomic():
        uk.recovery_box = crypto.wrap_with_recovery_key(private, recovery)
        uk.recovery_created_at = timezone.now()
        uk.save(update_fields=["recovery_box", "recovery_created_at"])
        record(actor=user, action="reporting.recovery_key_created", target=uk)
    return recovery


def set_recovery_key(*, user: User, password: str) -> str | None:
    """For seeding and scripts only (no session): a recovery key made from the password-opened key."""
    private = unlock_user_key(user=user, password=password)
    uk = UserKey.objects.filter(user=user).first()
    if private is None or uk is None:
        return None
    recovery = crypto.new_recovery_key()
    uk.recovery_box = crypto.wrap_with_recovery_key(private, recovery)
    uk.recovery_created_at = timezone.now()
    uk.save(update_fields=["recovery_box", "recovery_created_at"])
    record(actor=user, action="reporting.recovery_key_created", target=uk)
    return recovery


def _public_of(private: bytes) -> bytes:
    from nacl.public import PrivateKey

    return bytes(PrivateKey(private).public_key)


def recover_with_recovery_key(*, request: HttpRequest, password: str, recovery_key: str) -> bool:
    """Restore the user's key pair after a reset: the recovery key opens it, the current password
    wraps it again. Keys retired by "start a new key pair" are tried too; their sealed copies
    are re-sealed to the current key."""
    user = request_user(request)
    if not user.check_password(password) or not second_factor_passed(request, user):
        return False
    uk = UserKey.objects.filter(user=user).first()
    if uk is None:
        return False
    if uk.recovery_box:
        try:
            private = crypto.unwrap_with_recovery_key(bytes(uk.recovery_box), recovery_key)
        except crypto.DecryptionError:
            private = None
        if private is not None and _public_of(private) == bytes(uk.public_key):
            with transaction.atomic():
                _store_wrapped(uk, private, password)
                uk.rewrapped_at = timezone.now()
                uk.save()
                record(actor=user, action="reporting.key_recovered", target=uk)
            remember_private_key(request, user.pk, private)
            return True
    return _recover_retired(request=request, user=user, recovery_key=recovery_key)


def _recover_retired(*, request: HttpRequest, user: User, recovery_key: str) -> bool:
    current = session_private_key(request)
    uk = UserKey.objects.get(user=user)
    for retired in RetiredKey.objects.filter(user=user).exclude(recovery_box=None).order_by("-retired_at"):
        try:
            old_private = crypto.unwrap_with_recovery_key(bytes(retired.recovery_box or b""), recovery_key)
        except crypto.DecryptionError:
            continue
        moved = 0
        with transaction.atomic():
            for access in ReportAccess.objects.filter(retired_key=retired).select_related("report"):
                try:
                    report_key = crypto.unseal(old_private, bytes(access.sealed_key))
                except crypto.DecryptionError:
                    continue
                moved += seal_report_key(report=access.report, report_key=report_key, users=[user], actor=user)
            for share in CustodianShare.objects.filter(retired_key=retired):
                try:
                    custodian_share = crypto.unseal(old_private, bytes(share.sealed_share))
                except crypto.DecryptionError:
                    continue
                _, created = CustodianShare.objects.get_or_create(
                    report_id=share.report_id, custodian=user, retired_key=None,
                    defaults={"sealed_share": crypto.seal(bytes(uk.public_key), custodian_share)})
                moved += int(created)
            record(actor=user, action="reporting.retired_key_recovered", target=uk, detail={"reports": moved})
        if current is not None:
            remember_private_key(request, user.pk, current)
        return True
    return False


@transaction.atomic
def start_new_key_pair(*, request: HttpRequest, password: str) -> bool:
    """The user lost the recovery key: retire the old key (kept, with its sealed copies) and make a
    new pair. Teammates, the leader or the holder above re-share the reports."""
    user = request_user(request)
    if not user.check_password(password) or not second_factor_passed(request, user):
        return False
    uk = UserKey.objects.select_for_update().filter(user=user).first()
    if uk is not None:
        try:  # the password still opens the key: nothing to replace
            private = crypto.unwrap_with_password(_wrapped(uk), password)
        except crypto.DecryptionError:
            pass
        else:
            remember_private_key(request, user.pk, private)
            return True
    if uk is None:
        private = _create_key_pair(user=user, password=password)
    else:
        retired = RetiredKey.objects.create(
            user=user, public_key=uk.public_key, private_box=uk.private_box, kdf_salt=uk.kdf_salt,
            kdf_ops=uk.kdf_ops, kdf_mem=uk.kdf_mem, recovery_box=uk.recovery_box, created_at=uk.created_at)
        kept = ReportAccess.objects.filter(user=user, retired_key=None).update(retired_key=retired)
        kept += CustodianShare.objects.filter(custodian=user, retired_key=None).update(retired_key=retired)
        pair = crypto.new_keypair()
        uk.public_key = pair.public
        uk.created_at = timezone.now()
        uk.rewrapped_at = None
        uk.recovery_box = None
        uk.recovery_created_at = None
        _store_wrapped(uk, pair.private, password)
        uk.save()
        record(actor=user, action="reporting.key_replaced", target=uk, detail={"kept_accesses": kept})
        private = pair.private
    remember_private_key(request, user.pk, private)
    return True


# --- Report keys -------------------------------------------------------------------------------------

def public_keys(user_ids: Iterable[int]) -> list[tuple[int, bytes]]:
    """(user id, public key) of those users who have a key pair, remembered per process and
    forgotten whenever a key pair is made, replaced or restored (`core.memo`)."""
    def load(missing: list) -> dict:  # type: ignore[type-arg]
        return {uid: bytes(pub) for uid, pub in UserKey.objects.filter(user_id__in=missing)
                .values_list("user_id", "public_key")}

    found = memo.get_many("public-key", sorted(set(user_ids)), load)
    return [(uid, key) for uid, key in found.items() if key is not None]


def seal_report_key(*, report: Report, report_key: bytes, users: Iterable, actor=None,  # type: ignore[no-untyped-def]
                    escrow_users: Iterable = (), new_report: bool = False) -> int:
    """Seal the report key to each user's public key (`escrow_users`: holders above the team, marked
    as such). Users without a key pair are skipped, and so is anyone holding the custodian share of
    this report's identity key (two people, always). One audit row for the lot.
    `new_report`: the report was created in this transaction, so nobody holds a copy or a
    custodian share of it yet (custodian shares are sealed after the report key)."""
    team_ids = {u.pk for u in users}
    escrow_ids = {u.pk for u in escrow_users} - team_ids
    user_ids = team_ids | escrow_ids
    if not user_ids:
        return 0
    existing: set[int] = set()
    custodians: set[int] = set()
    if not new_report:
        existing = set(ReportAccess.objects.filter(report=report, user_id__in=user_ids, retired_key=None)
                       .values_list("user_id", flat=True))
        custodians = set(CustodianShare.objects.filter(report=report, custodian_id__in=user_ids)
                         .values_list("custodian_id", flat=True))
    keys = public_keys(user_ids - existing - custodians)
    granted_by = actor if getattr(actor, "is_authenticated", False) else None
    rows = [
        ReportAccess(report=report, user_id=uid, sealed_key=crypto.seal(bytes(pub), report_key),
                     is_escrow=uid in escrow_ids, granted_by=granted_by)
        for uid, pub in keys
    ]
    if rows:
        with transaction.atomic(savepoint=False):
            insert(rows, ignore_conflicts=True)
            record(actor=actor, action="reporting.access_sealed", target=report, unit=report.unit_id,
                   detail={"users": sorted(r.user_id for r in rows if not r.is_escrow),
                           "above_team": sorted(r.user_id for r in rows if r.is_escrow)})
    return len(rows)


def user_can_decrypt(user, report: Report) -> bool:  # type: ignore[no-untyped-def]
    return bool(getattr(user, "is_authenticated", False)) and ReportAccess.objects.filter(
        report=report, user=user, retired_key=None).exists()


def report_key_for(request: HttpRequest, report: Report) -> bytes | None:
    """The report key, if this session holds an unlocked key it was sealed to."""
    cache = request.__dict__.setdefault("_mw_report_keys", {})
    if report.pk in cache:
        return cache[report.pk]
    key = None
    private = session_private_key(request)
    if private is not None:
        sealed = ReportAccess.objects.filter(report=report, user=request_user(request), retired_key=None).values_list(
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
