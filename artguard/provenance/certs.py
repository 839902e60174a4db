"""X.509 work for signing identities: make a local CA + leaf, parse imported credentials.

Pure functions over bytes (nothing touches the disk here), so ``identity`` can keep the
storage rules and these can be tested on their own. The extensions mirror what the C2PA
trust model asks of a claim signer: digitalSignature key usage, an allowed extended key
usage, subject/authority key identifiers, and a leaf that is not a CA.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from artguard.errors import IdentityError

# EKUs the C2PA trust model accepts for a claim signer (C2PA 2.x, 14.5.1).
C2PA_EKUS = {
    ExtendedKeyUsageOID.EMAIL_PROTECTION,
    ObjectIdentifier("1.3.6.1.5.5.7.3.36"),  # documentSigning
    ObjectIdentifier("1.3.6.1.4.1.311.76.59.1.9"),  # Microsoft C2PA signing
    ObjectIdentifier("1.3.6.1.4.1.62558.2.1"),  # C2PA claim signing
}

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
_EC_ALGS = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}


@dataclass
class Credentials:
    """A private key and its certificate chain, leaf first."""

    key: PrivateKey
    chain: list[x509.Certificate]


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def make_local_chain(
    name: str, email: str = "", org: str = "", *, years: int = 5
) -> tuple[Credentials, ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A fresh P-256 CA and an ES256 leaf for ``name``; returns (leaf creds, CA key, CA cert)."""
    if not name.strip():
        raise IdentityError("a signing identity needs a creator name")
    if years < 1 or years > 30:
        raise IdentityError("an identity must be valid for 1 to 30 years")
    start = utcnow() - _dt.timedelta(minutes=5)
    end = start + _dt.timedelta(days=365 * years + years // 4)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"ArtGuard local CA: {name}", "", org)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name, email, org))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    leaf = builder.sign(ca_key, hashes.SHA256())
    return Credentials(leaf_key, [leaf]), ca_key, ca_cert


def _name(common: str, email: str, org: str) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common.strip()[:64])]
    if org.strip():
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org.strip()[:64]))
    if email.strip():
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email.strip()[:128]))
    return x509.Name(attrs)


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def key_pem(key: PrivateKey, password: bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted when a password is given (otherwise the file's 0600 mode
    protects it, so batch signing never prompts)."""
    encryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def certs_pem(certs: list[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def parse_certs(data: bytes, what: str) -> list[x509.Certificate]:
    """All certificates in a PEM bundle (or one DER certificate)."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise IdentityError(f"{what} holds no readable certificate ({exc})") from exc


def load_key(data: bytes, password: bytes | None, what: str) -> PrivateKey:
    """A PEM or DER private key, with a clear word for a missing or wrong password."""
    loaders = (
        (serialization.load_pem_private_key,)
        if b"-----BEGIN" in data
        else (serialization.load_der_private_key,)
    )
    try:
        key = loaders[0](data, password=password or None)
    except TypeError as exc:
        if password:
            raise IdentityError(f"{what} is not encrypted: leave out the password") from exc
        raise IdentityError(
            f"{what} is encrypted: give its password (--password-file or --password-env)"
        ) from exc
    except ValueError as exc:
        if password and b"ENCRYPTED" in data:
            raise IdentityError(f"wrong password for {what}") from exc
        raise IdentityError(f"{what} is not a readable private key") from exc
    except UnsupportedAlgorithm as exc:
        raise IdentityError(f"{what} uses an unsupported key algorithm") from exc
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise IdentityError(f"{what}: C2PA signs with EC (P-256/384/521), RSA or Ed25519 keys")
    return key


def load_pkcs12(data: bytes, password: bytes | None, what: str) -> Credentials:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError as exc:
        if password:
            raise IdentityError(f"wrong password for {what}, or the PKCS#12 file is damaged") from exc
        raise IdentityError(
            f"{what} needs a password (--password-file or --password-env), or is damaged"
        ) from exc
    if key is None or cert is None:
        raise IdentityError(f"{what} must hold a private key and its certificate")
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise IdentityError(f"{what}: C2PA signs with EC (P-256/384/521), RSA or Ed25519 keys")
    return Credentials(key, order_chain(cert, [cert, *extra]))


def is_pkcs12(data: bytes) -> bool:
    """PKCS#12 is DER (a SEQUENCE); PEM text starts with dashes or whitespace."""
    return data[:1] == b"\x30" and b"-----BEGIN" not in data[:64]


def public_der(key_or_cert: PrivateKey | x509.Certificate) -> bytes:
    public = key_or_cert.public_key()
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def find_leaf(key: PrivateKey, certs: list[x509.Certificate], what: str) -> x509.Certificate:
    wanted = public_der(key)
    for cert in certs:
        if public_der(cert) == wanted:
            return cert
    raise IdentityError(f"the private key does not belong to any certificate in {what}")


def order_chain(leaf: x509.Certificate, certs: list[x509.Certificate]) -> list[x509.Certificate]:
    """Leaf first, then each issuer found in ``certs``; self-signed roots are left out.

    The root is the trust anchor a verifier already holds; carrying it in the manifest
    proves nothing and only adds bytes.
    """
    chain = [leaf]
    pool = [c for c in certs if c != leaf]
    while not is_self_signed(chain[-1]):
        issuer = next((c for c in pool if c.subject == chain[-1].issuer), None)
        if issuer is None or is_self_signed(issuer):
            break
        chain.append(issuer)
        pool.remove(issuer)
    return chain


def is_self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer


def check_signer(leaf: x509.Certificate, what: str) -> None:
    """Refuse a leaf C2PA validators would reject, with the reason, before any signing."""
    try:
        constraints = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
        if constraints.ca:
            raise IdentityError(f"{what}: the signing certificate is a CA certificate, not a signer")
    except x509.ExtensionNotFound:
        pass
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.digital_signature:
            raise IdentityError(f"{what}: the certificate lacks the digitalSignature key usage")
    except x509.ExtensionNotFound as exc:
        raise IdentityError(f"{what}: the certificate has no key usage extension") from exc
    try:
        ekus = set(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound as exc:
        raise IdentityError(
            f"{what}: the certificate has no extended key usage (C2PA needs e.g. emailProtection)"
        ) from exc
    if not ekus & C2PA_EKUS:
        raise IdentityError(
            f"{what}: the certificate's extended key usage is not one C2PA accepts "
            "(emailProtection, documentSigning or C2PA claim signing)"
        )
    check_dates(leaf, what)


def check_dates(cert: x509.Certificate, what: str) -> None:
    now = utcnow()
    if cert.not_valid_after_utc < now:
        raise IdentityError(
            f"{what} expired on {cert.not_valid_after_utc:%Y-%m-%d}: "
            "create a new one (artguard identity create --force) or import a current certificate"
        )
    if cert.not_valid_before_utc > now:
        raise IdentityError(f"{what} is not valid before {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC")


def signing_alg(key_or_cert: PrivateKey | x509.Certificate) -> str:
    """The C2PA algorithm name for a key, or for the key a certificate certifies (ES256 for
    the P-256 keys ArtGuard makes)."""
    key = key_or_cert.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        alg = _EC_ALGS.get(key.curve.name)
        if alg is None:
            raise IdentityError(f"EC curve {key.curve.name} is not one C2PA signs with")
        return alg
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            raise IdentityError("RSA keys must be at least 2048 bits")
        return "ps256"
    return "ed25519"


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def owner_id(cert: x509.Certificate) -> int:
    """24 bits of SHA-256(public key): stable for a key, small enough for a watermark."""
    return int.from_bytes(hashlib.sha256(public_der(cert)).digest()[:3], "big")


def subject_field(cert: x509.Certificate, oid: ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def subject_email(cert: x509.Certificate) -> str:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        emails = san.get_values_for_type(x509.RFC822Name)
        if emails:
            return emails[0]
    except x509.ExtensionNotFound:
        pass
    return subject_field(cert, NameOID.EMAIL_ADDRESS)
