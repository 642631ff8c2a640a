"""All encryption Marwah's reporting channel uses, in one small versioned module.

Primitives come from libsodium (PyNaCl) and argon2-cffi; nothing is hand-rolled.

- Content: XChaCha20-Poly1305 (AEAD) with a random 24-byte nonce under a per-report
  random 32-byte key. Text tokens look like ``v1:<base64url(nonce|ciphertext)>``;
  binary blobs (evidence files) start with ``MW1`` then nonce|ciphertext.
  Associated data binds a ciphertext to its place (report id, field name), so a
  value copied into another row or column does not decrypt.
- Per-user key pairs: Curve25519 (libsodium sealed boxes). The private key is stored
  in a secretbox under a key derived from the user's password with argon2id.
- Server wrapping: a key derived from ``settings.MARWAH_FILE_KEY`` (kept outside the
  database). On its own it never protects key material any more: see session wrapping.
- Session wrapping (`session_wrap`): whatever the server-side session keeps of key material
  (an unlocked private key, a reporter's report key, a receipt shown once, a draft's staging
  key) is encrypted under a key derived from a random 32-byte *browser key* that lives only
  in an HttpOnly, SameSite=Strict cookie (never stored server-side), mixed with the server
  secret. The database, the data folder and every server secret together open nothing.
- Identity: the reporter's identity key is derived from two random shares,
  K = BLAKE2b(s1 || s2); s1 is encrypted with the report key (the team), s2 is sealed to
  identity custodians. A custodian's approval re-seals s2 to one handler.
- Recovery keys: 160 random bits shown once; a BLAKE2b-derived key (no KDF stretching is
  needed at that entropy) wraps a copy of the user's private key.
- Receipts: 16 digits stretched with argon2id (salt derived from the server secret; libsodium's
  implementation, byte for byte argon2-cffi's) into a lookup id and a reporter key pair; see
  docs/benchmarks/reporting.md.

Changing an algorithm means adding ``v2`` beside ``v1`` and keeping ``v1`` decryptable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from nacl import bindings, pwhash
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

KEY_BYTES = 32
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
TEXT_PREFIX = "v1:"
BLOB_PREFIX = b"MW1"


class DecryptionError(Exception):
    """A value could not be opened: wrong key, tampered data or unknown version."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


# --- Symmetric (AEAD) ------------------------------------------------------------------------------

def _seal_raw(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, key)


def _open_raw(key: bytes, data: bytes, aad: bytes) -> bytes:
    if len(data) < NONCE_BYTES + 16:
        raise DecryptionError("too short")
    try:
        return bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(data[NONCE_BYTES:], aad, data[:NONCE_BYTES], key)
    except CryptoError as exc:
        raise DecryptionError("cannot open") from exc


def encrypt_text(key: bytes, text: str, *, aad: str) -> str:
    return TEXT_PREFIX + base64.urlsafe_b64encode(_seal_raw(key, text.encode(), aad.encode())).decode()


def decrypt_text(key: bytes, token: str, *, aad: str) -> str:
    if not token.startswith(TEXT_PREFIX):
        raise DecryptionError("unknown version")
    try:
        raw = base64.urlsafe_b64decode(token[len(TEXT_PREFIX):])
    except ValueError as exc:
        raise DecryptionError("bad encoding") from exc
    return _open_raw(key, raw, aad.encode()).decode()


def encrypt_blob(key: bytes, data: bytes, *, aad: str) -> bytes:
    return BLOB_PREFIX + _seal_raw(key, data, aad.encode())


def decrypt_blob(key: bytes, blob: bytes, *, aad: str) -> bytes:
    if not blob.startswith(BLOB_PREFIX):
        raise DecryptionError("unknown version")
    return _open_raw(key, blob[len(BLOB_PREFIX):], aad.encode())


# --- Server secret ---------------------------------------------------------------------------------

def _server_subkey(purpose: bytes) -> bytes:
    secret = settings.MARWAH_FILE_KEY.encode()
    return hashlib.blake2b(purpose, key=hashlib.sha256(secret).digest(), digest_size=32,
                           person=b"marwah-server-v1").digest()


def server_wrap(data: bytes, *, aad: str) -> str:
    return encrypt_text(_server_subkey(b"wrap"), base64.b64encode(data).decode(), aad=aad)


def server_unwrap(token: str, *, aad: str) -> bytes:
    return base64.b64decode(decrypt_text(_server_subkey(b"wrap"), token, aad=aad))


BROWSER_KEY_BYTES = 32


def new_browser_key() -> bytes:
    return secrets.token_bytes(BROWSER_KEY_BYTES)


def _session_subkey(browser_key: bytes) -> bytes:
    if len(browser_key) != BROWSER_KEY_BYTES:
        raise DecryptionError("no browser key")
    return hashlib.blake2b(browser_key, key=_server_subkey(b"session"), digest_size=32,
                           person=b"marwah-sess-v1").digest()


def session_wrap(browser_key: bytes, data: bytes, *, aad: str) -> str:
    """Key material for the server-side session, useless without the browser's cookie key."""
    return encrypt_text(_session_subkey(browser_key), base64.b64encode(data).decode(), aad=aad)


def session_unwrap(browser_key: bytes | None, token: str, *, aad: str) -> bytes:
    if not browser_key or not isinstance(token, str):
        raise DecryptionError("no browser key")
    return base64.b64decode(decrypt_text(_session_subkey(browser_key), token, aad=aad))


def match_token(identifier: str) -> str:
    """Keyed token for repeat-perpetrator matching; the key never enters the database."""
    key = hashlib.sha256(b"marwah-match-v1" + settings.MARWAH_MATCH_SECRET.encode()).digest()
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()


# --- Key pairs and sealing -------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyPair:
    public: bytes
    private: bytes


def new_keypair() -> KeyPair:
    sk = PrivateKey.generate()
    return KeyPair(bytes(sk.public_key), bytes(sk))


def keypair_from_seed(seed: bytes) -> KeyPair:
    sk = PrivateKey.from_seed(seed)
    return KeyPair(bytes(sk.public_key), bytes(sk))


def seal(public_key: bytes, data: bytes) -> bytes:
    return SealedBox(PublicKey(public_key)).encrypt(data)


def unseal(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(bytes(sealed))
    except CryptoError as exc:
        raise DecryptionError("cannot unseal") from exc


# --- Password-protected private keys ---------------------------------------------------------------

def password_kdf_params() -> tuple[int, int]:
    """(opslimit, memlimit) for new wraps; ~0.2 s once per login (see the benchmark doc)."""
    ops, mem = getattr(settings, "MARWAH_KEY_KDF", (3, 64 * 1024 * 1024))
    return int(ops), int(mem)


@dataclass(frozen=True)
class WrappedKey:
    box: bytes
    salt: bytes
    ops: int
    mem: int


def wrap_with_password(private_key: bytes, password: str) -> WrappedKey:
    ops, mem = password_kdf_params()
    salt = secrets.token_bytes(pwhash.argon2id.SALTBYTES)
    key = pwhash.argon2id.kdf(KEY_BYTES, password.encode(), salt, opslimit=ops, memlimit=mem)
    return WrappedKey(bytes(SecretBox(key).encrypt(private_key)), salt, ops, mem)


def unwrap_with_password(wrapped: WrappedKey, password: str) -> bytes:
    key = pwhash.argon2id.kdf(KEY_BYTES, password.encode(), bytes(wrapped.salt),
                              opslimit=wrapped.ops, memlimit=wrapped.mem)
    try:
        return SecretBox(key).decrypt(bytes(wrapped.box))
    except CryptoError as exc:
        raise DecryptionError("wrong password") from exc


# --- Recovery keys -----------------------------------------------------------------------------------

RECOVERY_BYTES = 20  # 160 bits, written as 32 base32 characters in groups of four
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_recovery_key() -> str:
    raw = base64.b32encode(secrets.token_bytes(RECOVERY_BYTES)).decode()
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def normalise_recovery_key(text: str) -> str | None:
    chars = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    if len(chars) != 32 or any(ch not in _B32 for ch in chars):
        return None
    return chars


def _recovery_wrap_key(recovery_key: str) -> bytes:
    chars = normalise_recovery_key(recovery_key)
    if chars is None:
        raise DecryptionError("not a recovery key")
    return hashlib.blake2b(base64.b32decode(chars), digest_size=32, person=b"marwah-recov-v1").digest()


def wrap_with_recovery_key(private_key: bytes, recovery_key: str) -> bytes:
    return bytes(SecretBox(_recovery_wrap_key(recovery_key)).encrypt(private_key))


def unwrap_with_recovery_key(box: bytes, recovery_key: str) -> bytes:
    try:
        return SecretBox(_recovery_wrap_key(recovery_key)).decrypt(bytes(box))
    except CryptoError as exc:
        raise DecryptionError("wrong recovery key") from exc


# --- Identity key from two shares -------------------------------------------------------------------

def new_identity_shares() -> tuple[bytes, bytes]:
    return new_key(), new_key()


def identity_key_from_shares(team_share: bytes, custodian_share: bytes) -> bytes:
    if len(team_share) != KEY_BYTES or len(custodian_share) != KEY_BYTES:
        raise DecryptionError("bad share")
    return hashlib.blake2b(team_share + custodian_share, digest_size=32, person=b"marwah-ident-v2").digest()


# --- Receipts ----------------------------------------------------------------------------------------

RECEIPT_DIGITS = 16


def new_receipt() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def normalise_receipt(text: str) -> str | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    stripped = "".join(ch for ch in text if not ch.isspace() and ch not in "-.")
    if len(digits) != RECEIPT_DIGITS or digits != stripped:
        return None
    return digits


def receipt_kdf_params() -> dict[str, int]:
    # OWASP argon2id profile m=12 MiB, t=3, p=1: ~40 ms here; reasoning in docs/benchmarks/reporting.md.
    defaults = {"time_cost": 3, "memory_cost": 12 * 1024, "parallelism": 1}
    return {**defaults, **getattr(settings, "MARWAH_RECEIPT_KDF", {})}


@dataclass(frozen=True)
class ReceiptSecrets:
    lookup: str  # indexed column; reveals nothing without the server secret and argon2 work
    keypair: KeyPair  # the report key is sealed to `public`; the reporter opens it with `private`


def _argon2id(secret: bytes, salt: bytes, *, size: int, time_cost: int, memory_cost: int, parallelism: int) -> bytes:
    """Raw argon2id (RFC 9106). libsodium's implementation gives the same bytes as argon2-cffi's for the
    same parameters but picks AVX2/AVX-512 code at run time (~28% less CPU here); it does p=1 only."""
    if parallelism != 1:
        return hash_secret_raw(secret, salt, hash_len=size, type=Type.ID, time_cost=time_cost,
                               memory_cost=memory_cost, parallelism=parallelism)
    return bytes(pwhash.argon2id.kdf(size, secret, salt, opslimit=time_cost, memlimit=memory_cost * 1024))


def receipt_secrets(receipt: str) -> ReceiptSecrets:
    salt = _server_subkey(b"receipt-salt")[:16]
    out = _argon2id(receipt.encode(), salt, size=64, **receipt_kdf_params())
    lookup = hashlib.blake2b(out[:32], digest_size=32, person=b"receipt-lookup").hexdigest()
    return ReceiptSecrets(lookup=lookup, keypair=keypair_from_seed(out[32:]))
