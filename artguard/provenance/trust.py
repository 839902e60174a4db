"""Trust anchors the user configured, and the optional time-stamp authority (TSA).

Anchors are PEM files under ``ARTGUARD_HOME/trust/`` (one per certificate, named by its
SHA-256 fingerprint). A manifest whose signing chain ends at one of them reads back as
"trusted"; one that validates but ends elsewhere reads back as "valid".

The user's own local CA is *not* trusted by default. "Trusted" should mean the same as
in any other C2PA verifier: someone the user deliberately chose to vouch for the signer.
A self-made CA vouches only for itself, so by default ArtGuard reports the user's own
files the way the public will see them ("valid"), which avoids a false sense that
others see them as trusted. ``artguard identity trust add --own`` opts in, which is
useful for telling one's own signatures from a look-alike certificate with the same
name when checking copies found online.

The TSA URL is off by default so signing works offline; it lives in ``settings.json``
under ``"c2pa": {"tsa_url": ...}`` next to other settings, which are left untouched.
"""

from __future__ import annotations

import json
from pathlib import Path

from artguard import paths
from artguard.errors import ArtGuardError, IdentityError
from artguard.fileio import write_bytes_atomic, write_json_atomic
from artguard.provenance import certs


def anchors_dir() -> Path:
    path = paths.home() / "trust"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_anchors(pem_or_der: bytes, what: str = "the file") -> list[dict]:
    """Trust every certificate in ``pem_or_der``; returns what was added (already there is fine)."""
    added = []
    for cert in certs.parse_certs(pem_or_der, what):
        fp = certs.fingerprint(cert)
        write_bytes_atomic(anchors_dir() / f"{fp}.pem", certs.certs_pem([cert]))
        added.append(_describe(cert))
    return added


def list_anchors() -> list[dict]:
    """Each anchor's subject, fingerprint and validity; an unreadable file is reported, not fatal."""
    rows = []
    for path in sorted(anchors_dir().glob("*.pem")):
        try:
            for cert in certs.parse_certs(path.read_bytes(), str(path)):
                rows.append(_describe(cert))
        except (OSError, IdentityError) as exc:
            rows.append({"subject": f"unreadable: {exc}", "fingerprint_sha256": path.stem, "not_after": ""})
    return rows


def remove_anchor(fingerprint: str) -> None:
    """Stop trusting the anchor whose fingerprint starts with ``fingerprint`` (unique prefix)."""
    prefix = fingerprint.lower().replace(":", "")
    matches = [p for p in anchors_dir().glob("*.pem") if p.stem.startswith(prefix)] if prefix else []
    if len(matches) != 1:
        raise ArtGuardError(
            f"no trust anchor matches {fingerprint!r}" if not matches
            else f"{fingerprint!r} matches {len(matches)} anchors: give more of the fingerprint"
        )
    matches[0].unlink()


def anchors_pem() -> str:
    """All anchors as one PEM bundle for the c2pa Reader ('' when none)."""
    parts = []
    for path in sorted(anchors_dir().glob("*.pem")):
        try:
            parts.append(path.read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError):
            continue
    return "".join(parts)


def _describe(cert) -> dict:
    return {
        "subject": cert.subject.rfc4514_string(),
        "fingerprint_sha256": certs.fingerprint(cert),
        "not_after": cert.not_valid_after_utc.isoformat(),
    }


def tsa_url() -> str | None:
    """The RFC 3161 time-stamp authority to use when signing, or None (the default)."""
    section = _settings().get("c2pa", {})
    url = section.get("tsa_url") if isinstance(section, dict) else None
    return url or None


def set_tsa_url(url: str | None) -> None:
    if url and not url.startswith(("http://", "https://")):
        raise ArtGuardError(f"a time-stamp authority URL must be http(s): {url!r}")
    data = _settings()
    section = data.get("c2pa") if isinstance(data.get("c2pa"), dict) else {}
    section["tsa_url"] = url or None
    data["c2pa"] = section
    write_json_atomic(paths.settings_path(), data)


def _settings() -> dict:
    path = paths.settings_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArtGuardError(f"settings file {path} is unreadable: {exc}") from exc
    return data if isinstance(data, dict) else {}
