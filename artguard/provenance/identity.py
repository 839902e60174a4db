"""The creator's signing identity on disk: a certificate chain and its private key.

Layout under ``paths.identity_dir()`` (a 0700 folder): ``sets/<stamp>/`` holds one
complete identity (``chain.pem``, leaf first; ``signer.key``, 0600 PKCS#8, encrypted when
the user gave a passphrase; for an identity ArtGuard made itself, ``ca.pem``), and the
one-line file ``current`` names the set in use. A new identity is written into a hidden
temporary folder, renamed into ``sets/`` complete, and published by replacing
``current`` (one rename): a reader sees the old identity or the new one, never half of
one. Creation and replacement hold ``identity.lock`` (``fcntl.flock``), so two first-time
runs started together end with one identity. Replaced sets stay in ``sets/``: keys that
signed published files are never deleted. The local CA's key is not needed for signing
and lives apart, in ``paths.home()/local-ca/<stamp>.key``. Keys are never printed,
logged or put in ``describe()``.

A passphrase for the stored key comes from ``set_session_password`` (the GUI asks once
per session), ``ARTGUARD_KEY_PASSWORD_FILE`` or ``ARTGUARD_KEY_PASSWORD``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
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
CURRENT_FILE = "current"
SETS_DIR = "sets"
LOCK_FILE = "identity.lock"
CA_KEYS_DIR = "local-ca"
PASSWORD_ENV = "ARTGUARD_KEY_PASSWORD"
PASSWORD_FILE_ENV = "ARTGUARD_KEY_PASSWORD_FILE"

_session_password: bytes | None = None


class KeyLocked(IdentityError):
    """The stored signing key is protected by a passphrase nobody gave yet."""


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
    protected: bool = False  # the stored key is encrypted with a passphrase
    password: bytes | None = field(default=None, repr=False, compare=False)

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
            "key_protected": self.protected,
            "certificates": len(certs.parse_certs(self.chain_pem, "chain")),
        }

    def key_pem(self) -> bytes:
        """The private key for the signer, unlocked in memory (read on use, so it never
        sits in a long-lived object)."""
        data = _read(self.key_path, "the signing key")
        if not self.protected:
            return data
        if self.password is None:
            raise KeyLocked(_locked_message())
        return certs.key_pem(certs.load_key(data, self.password, f"the signing key {self.key_path}"))


def set_session_password(password: bytes | None) -> None:
    """The passphrase of the stored key for the rest of this process (the GUI asks once)."""
    global _session_password
    _session_password = password or None


def exists() -> bool:
    folder = paths.identity_dir()
    return (folder / CURRENT_FILE).exists() or (folder / CHAIN_FILE).exists() or (folder / KEY_FILE).exists()


def active_dir() -> Path:
    """The folder holding the identity in use (the identity folder itself for the flat
    layout of earlier versions)."""
    folder = paths.identity_dir()
    try:
        name = (folder / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return folder
    except OSError as exc:
        raise IdentityError(f"cannot read the signing identity in {folder}: {exc.strerror}") from exc
    if not name or "/" in name or name.startswith("."):
        raise IdentityError(f"the signing identity pointer {folder / CURRENT_FILE} is damaged")
    return folder / SETS_DIR / name


def load_identity(*, unlock: bool = True) -> Identity:
    """The saved identity, checked: present, readable, key matches, not expired.

    ``unlock=False`` reads only the public part (who signs), so a passphrase-protected key
    need not be unlocked just to recognise one's own signature.
    """
    folder = active_dir()
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
    protected = b"ENCRYPTED PRIVATE KEY" in key_data
    password = _password() if protected else None
    kind = "local" if (folder / CA_CERT_FILE).exists() else "imported"
    if protected and password is None:
        if unlock:
            raise KeyLocked(_locked_message())
        alg = certs.signing_alg(chain[0])
    else:
        key = certs.load_key(key_data, password, f"the signing key {key_path}")
        if certs.public_der(key) != certs.public_der(chain[0]):
            raise IdentityError(f"the signing key {key_path} does not match the certificate in {chain_path}")
        alg = certs.signing_alg(key)
    certs.check_dates(chain[0], "the signing certificate")
    return _identity(chain, key_path, alg, kind, protected, password)


def _password() -> bytes | None:
    if _session_password is not None:
        return _session_password
    file_name = os.environ.get(PASSWORD_FILE_ENV)
    if file_name:
        return _read(Path(file_name), "the key password file").rstrip(b"\r\n")
    value = os.environ.get(PASSWORD_ENV)
    return value.encode("utf-8") if value else None


def _locked_message() -> str:
    return (
        "the signing key is protected by a passphrase: set "
        f"{PASSWORD_FILE_ENV} (a file holding it) or {PASSWORD_ENV}"
    )


def _identity(
    chain: list[x509.Certificate], key_path: Path, alg: str, kind: str, protected: bool, password: bytes | None
) -> Identity:
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
        protected=protected,
        password=password,
    )


def create_identity(
    name: str,
    email: str = "",
    org: str = "",
    *,
    years: int = 5,
    overwrite: bool = False,
    password: bytes | None = None,
) -> Identity:
    """Make a local CA and an ES256 signing certificate for ``name`` and save them
    (the key encrypted with ``password`` when one is given)."""
    with _locked():
        return _create_locked(name, email, org, years=years, overwrite=overwrite, password=password)


def _create_locked(name: str, email: str, org: str, *, years: int, overwrite: bool, password: bytes | None) -> Identity:
    _refuse_existing(overwrite)
    if email and "@" not in email:
        raise IdentityError(f"email looks wrong: {email!r}")
    creds, ca_key, ca_cert = certs.make_local_chain(name, email, org, years=years)
    chain_pem = certs.certs_pem(creds.chain)
    probe("es256", chain_pem, certs.key_pem(creds.key))
    _save(chain_pem, certs.key_pem(creds.key, password), ca=(certs.certs_pem([ca_cert]), certs.key_pem(ca_key, password)))
    set_session_password(password)
    return load_identity()


def ensure_identity(name: str, email: str = "") -> Identity:
    """The saved identity, or a new local one on first use.

    An existing identity that is damaged or expired raises instead of being replaced:
    silently swapping keys would break the link to everything signed before. Concurrent
    first runs wait on the lock; the first makes the identity, the others load it.
    """
    if exists():
        return load_identity()
    with _locked():
        if exists():
            return load_identity()
        return _create_locked(name, email, "", years=5, overwrite=False, password=None)


def import_identity(
    path: Path,
    *,
    key_path: Path | None = None,
    password: bytes | None = None,
    overwrite: bool = False,
) -> Identity:
    """Adopt an existing certificate chain + key: PKCS#12, or PEM (key inside or in ``key_path``).

    A key that came with a password is stored encrypted with that same password.
    """
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
    chain_pem = certs.certs_pem(creds.chain)
    probe(alg, chain_pem, certs.key_pem(creds.key))
    with _locked():
        _refuse_existing(overwrite)
        _save(chain_pem, certs.key_pem(creds.key, password), ca=None)
        set_session_password(password)
        return load_identity()


def local_ca_pem() -> bytes:
    """The certificate of the local CA ArtGuard made (to trust it, or to give it to others)."""
    path = active_dir() / CA_CERT_FILE
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
            "--force replaces it and keeps the old files in the identity's sets folder"
        )


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """Serialise identity changes across processes (first runs started together)."""
    path = paths.home() / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise IdentityError(f"cannot lock the signing identity ({path}): {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _save(chain_pem: bytes, key_pem: bytes, *, ca: tuple[bytes, bytes] | None) -> None:
    """Write a complete set into a hidden folder, rename it into ``sets/``, then point
    ``current`` at it. Called with the lock held."""
    folder = paths.identity_dir()
    sets = folder / SETS_DIR
    stamp = f"{certs.utcnow().strftime('%Y%m%dT%H%M%S%fZ')}-{secrets.token_hex(3)}"
    staging = sets / f".new-{stamp}"
    try:
        sets.mkdir(mode=0o700, exist_ok=True)
        staging.mkdir(mode=0o700)
        _write_private(staging / KEY_FILE, key_pem, 0o600)
        _write_private(staging / CHAIN_FILE, chain_pem, 0o644)
        if ca is not None:
            _write_private(staging / CA_CERT_FILE, ca[0], 0o644)
            ca_keys = paths.home() / CA_KEYS_DIR
            ca_keys.mkdir(mode=0o700, exist_ok=True)
            _write_private(ca_keys / f"{stamp}.key", ca[1], 0o600)
        os.rename(staging, sets / stamp)
        _fsync_dir(sets)
        _write_private(folder / CURRENT_FILE, f"{stamp}\n".encode(), 0o644)
    except OSError as exc:
        raise IdentityError(f"cannot save the signing identity in {folder}: {exc.strerror}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _retire_flat(folder, sets)


def _retire_flat(folder: Path, sets: Path) -> None:
    """Files of the flat layout of earlier versions move into ``sets/`` once a set is current."""
    flat = [name for name in (CHAIN_FILE, KEY_FILE, CA_CERT_FILE, "ca.key") if (folder / name).exists()]
    if not flat:
        return
    backup = sets / f"earlier-{certs.utcnow().strftime('%Y%m%dT%H%M%S%fZ')}"
    backup.mkdir(mode=0o700)
    for name in flat:
        os.replace(folder / name, backup / name)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
