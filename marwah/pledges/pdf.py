"""Signed pledge PDFs: WeasyPrint renders, pyHanko applies a PAdES signature with the institution key.

Keys live in `DATA_DIR/keys` (0600), never in the database. On first use a
self-signed "Marwah pledge CA" and a signing certificate issued by it are made.
The parsed signer is kept per process: pyHanko's stock loader re-parses the key
for each signature (~150 ms); kept in memory a signature costs ~17 ms (scale.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")
_lock = threading.Lock()
_signer = None
_ca_cert = None

CA_NAME = "Marwah Pledge CA"
SIGNER_NAME = "Marwah Pledge Signing"


def keys_dir() -> Path:
    path = Path(settings.DATA_DIR) / "keys"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _ensure_keys() -> tuple[Path, Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = keys_dir()
    ca_path, cert_path, key_path = folder / "pledge-ca.pem", folder / "pledge-signer.pem", folder / "pledge-signer.key"
    if ca_path.exists() and cert_path.exists() and key_path.exists():
        return ca_path, cert_path, key_path
    lock_path = folder / ".pledge-keygen.lock"
    try:
        _write_private(lock_path, b"")
    except FileExistsError:  # another process is generating: wait for it
        for _ in range(100):
            if key_path.exists():
                return ca_path, cert_path, key_path
            threading.Event().wait(0.1)
        raise
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Marwah")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_NAME),
                                     x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Marwah")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    # The CA key is not kept: nothing else is ever issued by it, so it cannot leak.
    _write_private(key_path.with_suffix(".tmp"), key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                                   serialization.NoEncryption()))
    ca_path.write_bytes(ca.public_bytes(pem))
    cert_path.write_bytes(cert.public_bytes(pem))
    os.replace(key_path.with_suffix(".tmp"), key_path)
    lock_path.unlink(missing_ok=True)
    return ca_path, cert_path, key_path


def signer():
    """The pyHanko signer, parsed once per process."""
    global _signer, _ca_cert
    if _signer is None:
        with _lock:
            if _signer is None:
                from asn1crypto import keys as asn1_keys
                from asn1crypto import pem as asn1_pem
                from asn1crypto import x509 as asn1_x509
                from pyhanko.sign import signers
                from pyhanko_certvalidator.registry import SimpleCertificateStore

                ca_path, cert_path, key_path = _ensure_keys()

                def load_cert(path: Path):
                    _, _, der = asn1_pem.unarmor(path.read_bytes())
                    return asn1_x509.Certificate.load(der)

                ca = load_cert(ca_path)
                _, _, key_der = asn1_pem.unarmor(key_path.read_bytes())
                _ca_cert = ca
                _signer = signers.SimpleSigner(
                    signing_cert=load_cert(cert_path), signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
                    cert_registry=SimpleCertificateStore.from_certs([ca]),
                )
    return _signer


def ca_certificate():
    signer()
    return _ca_cert


def qr_svg(url: str) -> str:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=3, border=2, xmldecl=False, svgns=True)
    return buf.getvalue().decode()


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _off_loop(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """pyHanko's synchronous API calls asyncio.run(), which fails inside a running event loop (an
    ASGI server, a test that drives a browser): there, run it on a short-lived worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args, **kwargs).result()


def sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    return _off_loop(_sign_pdf, pdf, reason=reason, location=location)


def _sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="MarwahSignature", reason=reason, location=location,
                                        subfilter=SigSeedSubFilter.PADES)
    out = signers.PdfSigner(meta, signer=signer()).sign_pdf(writer, bytes_reserved=8192)
    return out.getvalue()


@dataclass(frozen=True)
class PdfCheck:
    signed: bool
    intact: bool
    trusted: bool
    whole_file: bool

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def check_pdf(data: bytes) -> PdfCheck:
    """Is this PDF signed by our key, unmodified since, with nothing appended?"""
    return _off_loop(_check_pdf, data)


def _check_pdf(data: bytes) -> PdfCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any unreadable upload is simply "not a valid document"
        return PdfCheck(False, False, False, False)
    if len(sigs) != 1:
        return PdfCheck(bool(sigs), False, False, False)
    try:
        vc = ValidationContext(trust_roots=[ca_certificate()], allow_fetching=False)
        status = validate_pdf_signature(sigs[0], vc)
    except Exception:  # noqa: BLE001
        return PdfCheck(True, False, False, False)
    return PdfCheck(True, bool(status.intact and status.valid), bool(status.trusted),
                    status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
