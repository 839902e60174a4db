"""The c2pa Signer and Contexts ArtGuard uses, and a probe that proves credentials sign.

Kept apart from ``identity`` and ``sign`` so both can use it: ``identity`` probes new
credentials before saving them, ``sign`` signs outputs with them.
"""

from __future__ import annotations

import io

import c2pa

from artguard.errors import IdentityError

# Offline by default: never fetch remote manifests or OCSP answers while reading or signing.
_VERIFY = {"remote_manifest_fetch": False, "ocsp_fetch": False}
# The SDK's own thumbnail decodes the full image again (~250 ms at 15 MP): ours comes
# from the pipeline's reduced decode instead. Auto actions are off: ours are explicit.
# No verify_after_sign: it reads the whole output back and hashes it a second time (the
# data is hashed once, while signing); sign.py checks the manifest is embedded, and the
# tests read every signed format back with c2pa's Reader.
SIGN_SETTINGS = {
    "builder": {
        "thumbnail": {"enabled": False},
        "actions": {
            "auto_created_action": {"enabled": False},
            "auto_opened_action": {"enabled": False},
            "auto_placed_action": {"enabled": False},
        },
    },
    "verify": {**_VERIFY, "verify_after_sign": False},
}


def sign_context() -> c2pa.Context:
    return c2pa.Context(c2pa.Settings.from_dict(SIGN_SETTINGS))


def read_context(anchors_pem: str) -> c2pa.Context:
    """Reading settings; ``anchors_pem`` are the user's trust anchors (may be empty)."""
    settings: dict = {"verify": dict(_VERIFY)}
    if anchors_pem:
        settings["trust"] = {"user_anchors": anchors_pem}
    return c2pa.Context(c2pa.Settings.from_dict(settings))


def make_signer(alg: str, chain_pem: bytes, key_pem: bytes, tsa_url: str | None) -> c2pa.Signer:
    try:
        info = c2pa.C2paSignerInfo(alg.encode(), chain_pem, key_pem, tsa_url or None)
        return c2pa.Signer.from_info(info)
    except (c2pa.C2paError, ValueError, TypeError) as exc:
        raise IdentityError(f"the signing credentials were refused by the C2PA library: {exc}") from exc


def probe(alg: str, chain_pem: bytes, key_pem: bytes) -> None:
    """Sign a tiny PNG in memory and read it back: the credentials work, or a clear error."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(buf, "PNG")
    manifest = {
        "claim_generator_info": [{"name": "ArtGuard identity check"}],
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType":
                                      "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation"}]},
            }
        ],
    }
    out = io.BytesIO()
    try:
        with make_signer(alg, chain_pem, key_pem, None) as signer:
            builder = c2pa.Builder(manifest, sign_context())
            builder.sign(signer, "image/png", io.BytesIO(buf.getvalue()), out)
        with c2pa.Reader("image/png", io.BytesIO(out.getvalue()), context=read_context("")) as reader:
            state = reader.get_validation_state()
            results = reader.get_validation_results() or {}
    except c2pa.C2paError as exc:
        raise IdentityError(f"these credentials cannot sign C2PA manifests: {exc}") from exc
    if state not in ("Valid", "Trusted"):
        failures = results.get("activeManifest", {}).get("failure", [])
        codes = ", ".join(f.get("code", "?") for f in failures if f.get("code") != "signingCredential.untrusted")
        raise IdentityError(f"a test signature with these credentials does not validate ({codes or state})")


def explain(exc: c2pa.C2paError) -> str:
    """A one-line reason from a c2pa error (its text can be a JSON blob or multi-line)."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]
