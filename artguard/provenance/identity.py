"""The creator's signing identity on disk: a certificate chain and its private key.

Layout under ``paths.identity_dir()`` (a 0700 folder):
``chain.pem`` (leaf first, then intermediates), ``signer.key`` (0600, PKCS#8), and for an
identity ArtGuard made itself, ``ca.pem`` + ``ca.key`` (0600): the local CA that issued
the leaf, kept so the user can hand ``ca.pem`` to others as a trust anchor. Replacing an
identity moves the old files into ``replaced-<time>/`` instead of deleting keys that
signed published files. Keys are never printed, logged or put in ``describe()``.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from artguard import paths
from artguard.errors import IdentityError, OutputError
from artguard.fileio import write_bytes_atomic
from artguard.provenance import certs
from artguard.provenance.signer import probe

CHAIN_FILE = "chain.pem"
KEY_FILE = "signer.key"
CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca.key"
_ALL_FILES = (CHAIN_FILE, KEY_FILE, CA_CERT_FILE, CA_KEY_FILE)


@dataclass(frozen=True)
class Identity:
    """Who signs: the certificate chain, where the key is, and what the leaf says."""

    chain_pem: bytes
    key_path: Path
    name: str
    email: str
    org: str
    issuer: str
    not_before: _dt.datetime
    not_after: _dt.datetime
    fingerprint: str  # SHA-256 of the leaf certificate, hex
    owner_id: int  # 24 bits from SHA-256 of the leaf public key (the invisible watermark's owner)
    serial_number: int
    alg: str  # c2pa algorithm name: es256, es384, es512, ps256, ed25519
    kind: str  # "local" (made by ArtGuard) or "imported"

    def describe(self) -> dict:
        """JSON-safe facts for ``identity show``; never the key, only where it is."""
        return {
            "name": self.name,
            "email": self.email,
            "organization": self.org,
            "issuer": self.issuer,
            "kind": self.kind,
            "algorithm": self.alg.upper(),
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "fingerprint_sha256": self.fingerprint,
            "serial_number": str(self.serial_number),
            "owner_id": self.owner_id,
            "key_file": str(self.key_path),
            "certificates": len(certs.parse_certs(self.chain_pem, "chain")),
        }

    def key_pem(self) -> bytes:
        """The private key for the signer (read on use, so it never sits in a long-lived object)."""
        try:
            return self.key_path.read_bytes()
        except OSError as exc:
            raise IdentityError(f"cannot read the signing key {self.key_path}: {exc.strerror}") from exc


def exists() -> bool:
    folder = paths.identity_dir()
    return (folder / CHAIN_FILE).exists() or (folder / KEY_FILE).exists()


def load_identity() -> Identity:
    """The saved identity, checked: present, readable, key matches, not expired."""
    folder = paths.identity_dir()
    chain_path, key_path = folder / CHAIN_FILE, folder / KEY_FILE
    if not chain_path.exists() and not key_path.exists():
        raise IdentityError(
            "no signing identity yet: run `artguard identity create --name NAME` or `artguard identity import FILE`"
        )
    for path in (chain_path, key_path):
        if not path.exists():
            raise IdentityError(f"the signing identity is incomplete: {path} is missing")
    try:
        chain_pem = chain_path.read_bytes()
        _tighten(key_path)
        key_data = key_path.read_bytes()
    except OSError as exc:
        raise IdentityError(f"cannot read the signing identity in {folder}: {exc.strerror}") from exc
    chain = certs.parse_certs(chain_pem, f"the identity certificate {chain_path}")
    key = certs.load_key(key_data, None, f"the signing key {key_path}")
    if certs.public_der(key) != certs.public_der(chain[0]):
        raise IdentityError(f"the signing key {key_path} does not match the certificate in {chain_path}")
    certs.check_dates(chain[0], "the signing certificate")
    kind = "local" if (folder / CA_CERT_FILE).exists() else "imported"
    return _identity(chain, key_path, certs.signing_alg(key), kind)


def _identity(chain: list[x509.Certificate], key_path: Path, alg: str, kind: str) -> Identity:
    leaf = chain[0]
    issuer = leaf.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return Identity(
        chain_pem=certs.certs_pem(chain),
        key_path=key_path,
        name=certs.subject_field(leaf, NameOID.COMMON_NAME),
        email=certs.subject_email(leaf),
        org=certs.subject_field(leaf, NameOID.ORGANIZATION_NAME),
        issuer=str(issuer[0].value) if issuer else leaf.issuer.rfc4514_string(),
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
        fingerprint=certs.fingerprint(leaf),
        owner_id=certs.owner_id(leaf),
        serial_number=leaf.serial_number,
        alg=alg,
        kind=kind,
    )


def create_identity(
    name: str, email: str = "", org: str = "", *, years: int = 5, overwrite: bool = False
) -> Identity:
    """Make a local CA and an ES256 signing certificate for ``name`` and save them."""
    _refuse_existing(overwrite)
    if email and "@" not in email:
        raise IdentityError(f"email looks wrong: {email!r}")
    creds, ca_key, ca_cert = certs.make_local_chain(name, email, org, years=years)
    chain_pem, key_pem = certs.certs_pem(creds.chain), certs.key_pem(creds.key)
    probe("es256", chain_pem, key_pem)
    _save(chain_pem, key_pem, ca=(certs.certs_pem([ca_cert]), certs.key_pem(ca_key)))
    return load_identity()


def ensure_identity(name: str, email: str = "") -> Identity:
    """The saved identity, or a new local one on first use.

    An existing identity that is damaged or expired raises instead of being replaced:
    silently swapping keys would break the link to everything signed before.
    """
    if exists():
        return load_identity()
    return create_identity(name, email)


def import_identity(
    path: Path,
    *,
    key_path: Path | None = None,
    password: bytes | None = None,
    overwrite: bool = False,
) -> Identity:
    """Adopt an existing certificate chain + key: PKCS#12, or PEM (key inside or in ``key_path``)."""
    _refuse_existing(overwrite)
    data = _read(path, "certificate file")
    what = str(path)
    if certs.is_pkcs12(data) and key_path is None:
        creds = certs.load_pkcs12(data, password, what)
    else:
        found = certs.parse_certs(data, what)
        if key_path is not None:
            key = certs.load_key(_read(key_path, "key file"), password, str(key_path))
        elif b"PRIVATE KEY-----" in data:
            key = certs.load_key(data, password, what)
        else:
            raise IdentityError(f"{what} holds no private key: give the key file with --key")
        leaf = certs.find_leaf(key, found, what)
        creds = certs.Credentials(key, certs.order_chain(leaf, found))
    certs.check_signer(creds.chain[0], "the imported certificate")
    alg = certs.signing_alg(creds.key)
    chain_pem, key_pem = certs.certs_pem(creds.chain), certs.key_pem(creds.key)
    probe(alg, chain_pem, key_pem)
    _save(chain_pem, key_pem, ca=None)
    return load_identity()


def local_ca_pem() -> bytes:
    """The certificate of the local CA ArtGuard made (to trust it, or to give it to others)."""
    path = paths.identity_dir() / CA_CERT_FILE
    if not path.exists():
        raise IdentityError("this identity was imported: there is no local ArtGuard CA")
    return _read(path, "local CA certificate")


def _read(path: Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise IdentityError(f"cannot read {what} {path}: {exc.strerror}") from exc


def _refuse_existing(overwrite: bool) -> None:
    if exists() and not overwrite:
        raise IdentityError(
            "a signing identity already exists (see `artguard identity show`); "
            "--force replaces it and keeps the old files in a replaced-* folder"
        )


def _save(chain_pem: bytes, key_pem: bytes, *, ca: tuple[bytes, bytes] | None) -> None:
    folder = paths.identity_dir()
    _retire_old(folder)
    _write_private(folder / KEY_FILE, key_pem, 0o600)
    if ca is not None:
        _write_private(folder / CA_KEY_FILE, ca[1], 0o600)
        _write_private(folder / CA_CERT_FILE, ca[0], 0o644)
    _write_private(folder / CHAIN_FILE, chain_pem, 0o644)


def _retire_old(folder: Path) -> None:
    present = [name for name in _ALL_FILES if (folder / name).exists()]
    if not present:
        return
    stamp = certs.utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    backup = folder / f"replaced-{stamp}"
    backup.mkdir(mode=0o700)
    for name in present:
        os.replace(folder / name, backup / name)


def _write_private(target: Path, data: bytes, mode: int) -> None:
    """Atomic write whose file never has looser permissions than ``mode``."""
    try:
        write_bytes_atomic(target, data, mode=mode)
    except OutputError as exc:
        raise IdentityError(str(exc)) from exc


def _tighten(key_path: Path) -> None:
    """A key readable by others (copied in by hand, restored from a backup) is made 0600."""
    mode = key_path.stat().st_mode & 0o777
    if mode & 0o077:
        os.chmod(key_path, 0o600)
