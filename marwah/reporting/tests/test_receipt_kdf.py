"""The receipt's argon2id: computed by libsodium, it must give the very bytes argon2-cffi gave, or every
receipt handed out before the switch would stop opening its report."""

from __future__ import annotations

import pytest
from argon2.low_level import Type, hash_secret_raw

from marwah.reporting import crypto

PRODUCTION = {"time_cost": 3, "memory_cost": 12 * 1024, "parallelism": 1}
# argon2-cffi 25.1.0, hash_secret_raw(b"1234567890123456", b"marwah-receipt16", hash_len=64, type=Type.ID, **PRODUCTION)
PINNED = bytes.fromhex(
    "6b6af93d788c645c2df388935b4b640a09f2b45cf02c469f15c0fc5f6723b247"
    "4efc9dc0dff4e4e6cc98e944bd92d6dd01dff6cada7b93edcb1fe1fb4b529388")


def test_production_parameters_give_the_pinned_bytes() -> None:
    assert crypto._argon2id(b"1234567890123456", b"marwah-receipt16", size=64, **PRODUCTION) == PINNED


@pytest.mark.parametrize("params", [
    {"time_cost": 1, "memory_cost": 8, "parallelism": 1},  # the tests' setting
    {"time_cost": 2, "memory_cost": 64, "parallelism": 1},
    {"time_cost": 1, "memory_cost": 64, "parallelism": 2},  # argon2-cffi itself: libsodium does p=1 only
])
def test_same_bytes_as_argon2_cffi(params: dict[str, int]) -> None:
    for secret in (b"0000000000000000", b"9876543210123456"):
        expected = hash_secret_raw(secret, b"sixteen-byte-slt", hash_len=64, type=Type.ID, **params)
        assert crypto._argon2id(secret, b"sixteen-byte-slt", size=64, **params) == expected


def test_receipt_secrets_match_the_formula_receipts_were_issued_with(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MARWAH_RECEIPT_KDF = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    receipt = "4444333322221111"
    salt = crypto._server_subkey(b"receipt-salt")[:16]
    old = hash_secret_raw(receipt.encode(), salt, hash_len=64, type=Type.ID, time_cost=1, memory_cost=8, parallelism=1)
    derived = crypto.receipt_secrets(receipt)
    assert derived.keypair == crypto.keypair_from_seed(old[32:])
    assert derived.lookup == crypto.receipt_secrets(receipt).lookup
    assert derived.lookup != crypto.receipt_secrets("4444333322221112").lookup
