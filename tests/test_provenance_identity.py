"""Signing identity: creation, storage modes, import (PEM, encrypted PEM, PKCS#12), failures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from artguard import paths
from artguard.errors import IdentityError
from artguard.provenance import (
    create_identity,
    ensure_identity,
    import_identity,
    load_identity,
)


@dataclass
class External:
    """Credentials made the way another CA would (not by ArtGuard's code)."""

    ca: x509.Certificate
    inter: x509.Certificate
    leaf: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def chain_pem(self, *, with_root: bool = True) -> bytes:
        certs = [self.leaf, self.inter] + ([self.ca] if with_root else [])
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)

    def key_pem(self, password: bytes | None = None) -> bytes:
        enc = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)

    def p12(self, password: bytes) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"jane", self.key, self.leaf, [self.inter, self.ca],
            serialization.BestAvailableEncryption(password),
        )


def _cert(subject, issuer, public, signer, *, ca: bool, eku=True, days=(-1, 400)):
    now = dt.datetime.now(dt.timezone.utc)
    b = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days[0]))
        .not_valid_after(now + dt.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(not ca, False, False, False, False, ca, ca, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if not ca and eku:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    if subject != issuer:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
    return b.sign(signer, hashes.SHA256())


def external(*, eku: bool = True, days=(-1, 400)) -> External:
    """A root CA, an intermediate, and a leaf for "Jane Imported"."""
    root_key, inter_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("Test Root", "Test Root", root_key.public_key(), root_key, ca=True)
    inter = _cert("Test Issuing CA", "Test Root", inter_key.public_key(), root_key, ca=True)
    leaf = _cert("Jane Imported", "Test Issuing CA", leaf_key.public_key(), inter_key, ca=False, eku=eku, days=days)
    return External(root, inter, leaf, leaf_key)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_writes_private_keys_0600_and_describes_without_secrets() -> None:
    ident = create_identity("Jane Artist", "jane@example.com", "Studio J")
    folder = ident.key_path.parent
    assert _mode(folder / "signer.key") == 0o600
    assert not (folder / "ca.key").exists()  # the CA key is not needed to sign: kept apart
    (ca_key,) = (paths.home() / "local-ca").glob("*.key")
    assert _mode(ca_key) == 0o600 and _mode(ca_key.parent) == 0o700
    assert _mode(paths.identity_dir()) == 0o700
    facts = ident.describe()
    text = json.dumps(facts)
    assert "PRIVATE KEY" not in text and (folder / "signer.key").read_text() not in text
    assert facts["name"] == "Jane Artist" and facts["email"] == "jane@example.com"
    assert facts["organization"] == "Studio J" and facts["algorithm"] == "ES256"
    years = (ident.not_after - ident.not_before).days / 365
    assert 4.9 < years < 5.1


def test_leaf_has_the_extensions_c2pa_requires() -> None:
    ident = create_identity("Jane Artist")
    leaf = x509.load_pem_x509_certificates(ident.chain_pem)[0]
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    assert isinstance(leaf.public_key(), ec.EllipticCurvePublicKey)
    assert leaf.public_key().curve.name == "secp256r1"


def test_fingerprint_and_owner_id_are_stable_and_derived_from_the_leaf() -> None:
    made = create_identity("Jane Artist")
    loaded = load_identity()
    leaf = x509.load_pem_x509_certificates(loaded.chain_pem)[0]
    spki = leaf.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert loaded.owner_id == made.owner_id == int.from_bytes(hashlib.sha256(spki).digest()[:3], "big")
    assert 0 <= loaded.owner_id < 2**24
    assert loaded.fingerprint == hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).hexdigest()


def test_missing_identity_says_how_to_make_one() -> None:
    with pytest.raises(IdentityError, match="identity create"):
        load_identity()


def test_ensure_creates_once_then_reuses() -> None:
    first = ensure_identity("Jane Artist", "jane@example.com")
    second = ensure_identity("Someone Else")
    assert second.fingerprint == first.fingerprint and second.name == "Jane Artist"


def test_create_refuses_to_replace_without_overwrite_and_keeps_old_keys() -> None:
    first = create_identity("Jane Artist")
    with pytest.raises(IdentityError, match="already exists"):
        create_identity("Jane Artist")
    second = create_identity("Jane Artist", overwrite=True)
    assert second.fingerprint != first.fingerprint
    kept = [p for p in paths.identity_dir().glob("sets/*/signer.key") if p != second.key_path]
    assert kept == [first.key_path] and _mode(first.key_path) == 0o600
    assert load_identity().fingerprint == second.fingerprint


@pytest.mark.parametrize("damage", ["chain", "key", "missing-key", "other-key"])
def test_damaged_identity_gives_a_clear_error(damage: str) -> None:
    folder = create_identity("Jane Artist").key_path.parent
    if damage == "chain":
        (folder / "chain.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    elif damage == "key":
        (folder / "signer.key").write_bytes(b"garbage")
    elif damage == "missing-key":
        (folder / "signer.key").unlink()
    else:
        (folder / "signer.key").write_bytes(external().key_pem())
    with pytest.raises(IdentityError):
        load_identity()


def test_expired_identity_is_refused() -> None:
    ext = external(days=(-800, -10))
    folder = paths.identity_dir()
    (folder / "chain.pem").write_bytes(ext.chain_pem(with_root=False))
    (folder / "signer.key").write_bytes(ext.key_pem())
    with pytest.raises(IdentityError, match="expired"):
        load_identity()
    with pytest.raises(IdentityError, match="expired"):
        ensure_identity("Jane")


def test_loose_key_mode_is_tightened_on_load() -> None:
    key = create_identity("Jane Artist").key_path
    os.chmod(key, 0o644)
    load_identity()
    assert _mode(key) == 0o600


def test_import_pem_chain_with_key_inside(tmp_path: Path) -> None:
    ext = external()
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(ext.key_pem() + ext.chain_pem())
    ident = import_identity(bundle)
    assert ident.name == "Jane Imported" and ident.kind == "imported"
    assert ident.issuer == "Test Issuing CA"
    assert _mode(ident.key_path) == 0o600
    stored = x509.load_pem_x509_certificates(ident.chain_pem)
    assert [c.subject for c in stored] == [ext.leaf.subject, ext.inter.subject]  # root left out


def test_import_encrypted_key_needs_the_right_password(tmp_path: Path) -> None:
    ext = external()
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(ext.chain_pem())
    key.write_bytes(ext.key_pem(b"s3cret"))
    with pytest.raises(IdentityError, match="encrypted"):
        import_identity(chain, key_path=key)
    with pytest.raises(IdentityError, match="wrong password"):
        import_identity(chain, key_path=key, password=b"nope")
    assert not list(paths.identity_dir().rglob("signer.key"))
    ident = import_identity(chain, key_path=key, password=b"s3cret")
    assert ident.fingerprint == ext.leaf.fingerprint(hashes.SHA256()).hex()


def test_import_pkcs12(tmp_path: Path) -> None:
    ext = external()
    p12 = tmp_path / "jane.p12"
    p12.write_bytes(ext.p12(b"pw"))
    with pytest.raises(IdentityError, match="wrong password"):
        import_identity(p12, password=b"bad")
    with pytest.raises(IdentityError, match="password"):
        import_identity(p12)
    with pytest.raises(IdentityError):
        load_identity()
    ident = import_identity(p12, password=b"pw")
    assert ident.name == "Jane Imported"
    assert load_identity().fingerprint == ident.fingerprint


def test_import_refuses_a_certificate_c2pa_would_reject(tmp_path: Path) -> None:
    ext = external(eku=False)
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(ext.key_pem() + ext.chain_pem())
    with pytest.raises(IdentityError, match="extended key usage"):
        import_identity(bundle)


def test_import_with_a_key_of_another_certificate_is_refused(tmp_path: Path) -> None:
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(external().chain_pem())
    key.write_bytes(external().key_pem())
    with pytest.raises(IdentityError, match="does not belong"):
        import_identity(chain, key_path=key)


def test_import_replaces_only_with_overwrite(tmp_path: Path) -> None:
    create_identity("Jane Artist")
    bundle = tmp_path / "bundle.pem"
    ext = external()
    bundle.write_bytes(ext.key_pem() + ext.chain_pem())
    with pytest.raises(IdentityError, match="already exists"):
        import_identity(bundle)
    ident = import_identity(bundle, overwrite=True)
    assert ident.kind == "imported" and not (paths.identity_dir() / "ca.key").exists()
