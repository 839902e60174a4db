"""Read and verify the C2PA manifest of any file, summarised for ``inspect`` and ``check``.

States: ``trusted`` (valid, and the signing chain ends at an anchor the user configured;
see ``trust`` for why the user's own CA is not one by default), ``valid`` (intact and
well signed, signer not vouched for), ``invalid`` (the hard binding, a signature or the
structure fails: the file was changed after signing, or the manifest is damaged), and
``absent`` (no manifest). A damaged file never raises out of here except for inputs
that are not a readable file at all.
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import Any

import c2pa

from artguard.errors import ArtGuardError, IdentityError
from artguard.imaging import MIME, sniff_format
from artguard.provenance.identity import exists, load_identity
from artguard.provenance.signer import explain, read_context
from artguard.provenance.trust import anchors_pem

_STATES = {"Trusted": "trusted", "Valid": "valid", "Invalid": "invalid"}
_UNTRUSTED = "signingCredential.untrusted"
_MAX_TEXT = 2000  # long strings in assertions are cut: a summary is not a dump


def read_c2pa(source: Path | bytes, fmt: str | None = None) -> dict[str, Any]:
    """``{"state", "manifest", "errors", "label"}`` for one file (bytes or a path)."""
    data = _load(source)
    fmt = fmt or sniff_format(data[:16])
    if fmt not in MIME:
        raise ArtGuardError("not an image format C2PA can read")
    try:
        with c2pa.Reader(MIME[fmt], io.BytesIO(data), context=_context(anchors_pem())) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        return {"state": "absent", "manifest": None, "errors": [], "label": None}
    except (c2pa.C2paError, ValueError) as exc:
        error = {"code": "manifest.unreadable", "explanation": _reason(exc)}
        return {"state": "invalid", "manifest": None, "errors": [error], "label": None}
    return summarise_store(store)


def _load(source: Path | bytes) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise ArtGuardError(f"cannot read {source}: {exc.strerror}") from exc


@functools.lru_cache(maxsize=4)
def _context(anchors: str) -> c2pa.Context:
    """One Context per set of anchors (anchors added later give a new one)."""
    return read_context(anchors)


def _reason(exc: Exception) -> str:
    return explain(exc) if isinstance(exc, c2pa.C2paError) else str(exc)[:200]


def summarise_store(store: dict[str, Any]) -> dict[str, Any]:
    """The report for a Reader's manifest-store JSON (also used on stores read elsewhere)."""
    label = store.get("active_manifest")
    manifests = store.get("manifests") or {}
    results = store.get("validation_results") or {}
    failures = (results.get("activeManifest") or {}).get("failure") or []
    if not results:
        failures = store.get("validation_status") or []
    errors = [
        {"code": f.get("code", ""), "explanation": f.get("explanation", "")}
        for f in failures
        if f.get("code") != _UNTRUSTED
    ]
    state = _STATES.get(store.get("validation_state") or "")
    if state is None:  # fail closed: a store that does not say it validated is not "valid"
        state = "invalid"
        if not errors:
            errors.append({"code": "validation.missing", "explanation": "the reader reported no validation state"})
    if label not in manifests:
        if not errors:
            errors.append({"code": "manifest.missing", "explanation": "no active manifest in the store"})
        return {"state": "invalid", "manifest": None, "errors": errors, "label": label}
    manifest = _summarise_manifest(label, manifests[label])
    manifest["ingredients"] = [
        _summarise_ingredient(i, manifests) for i in manifests[label].get("ingredients") or []
    ]
    return {"state": state, "manifest": manifest, "errors": errors, "label": label}


def _summarise_manifest(label: str, m: dict[str, Any]) -> dict[str, Any]:
    signature = m.get("signature_info") or {}
    generator = m.get("claim_generator_info") or []
    return {
        "label": label,
        "title": m.get("title"),
        "instance_id": m.get("instance_id"),
        "claim_generator": ", ".join(
            " ".join(str(x) for x in (g.get("name"), g.get("version")) if x) for g in generator
        ) or m.get("claim_generator"),
        "signer": {
            "common_name": signature.get("common_name"),
            "issuer": signature.get("issuer"),
            "serial_number": signature.get("cert_serial_number"),
            "algorithm": signature.get("alg"),
            "own_identity": _is_own(signature),
        },
        "signing_time": signature.get("time") or _action_time(m),
        "signing_time_source": "time-stamp authority" if signature.get("time") else "signer's claim",
        "has_thumbnail": bool(m.get("thumbnail")),
        "assertions": [
            {"label": a.get("label"), "data": _clean(a.get("data"))} for a in m.get("assertions") or []
        ],
    }


def describe_signer(signer: dict[str, Any] | str | None) -> str:
    """The signer as a person reads it: "Name (issuer)"."""
    if not isinstance(signer, dict):
        return str(signer or "unknown signer")
    name = signer.get("common_name") or "unknown signer"
    issuer = signer.get("issuer")
    return f"{name} ({issuer})" if issuer and issuer != name else str(name)


def _summarise_ingredient(ingredient: dict[str, Any], manifests: dict[str, Any]) -> dict[str, Any]:
    ref = ingredient.get("active_manifest")
    results = ingredient.get("validation_results") or {}
    failures = (results.get("activeManifest") or {}).get("failure") or ingredient.get("validation_status") or []
    summary: dict[str, Any] = {
        "title": ingredient.get("title"),
        "format": ingredient.get("format"),
        "relationship": ingredient.get("relationship"),
        "manifest": ref,
        "errors": [f.get("code") for f in failures if f.get("code") != _UNTRUSTED],
    }
    if ref in manifests:
        parent = manifests[ref]
        summary["signer"] = (parent.get("signature_info") or {}).get("common_name")
        summary["claim_generator"] = ", ".join(
            str(g.get("name")) for g in parent.get("claim_generator_info") or [] if g.get("name")
        )
    return summary


def _action_time(m: dict[str, Any]) -> str | None:
    """Without a TSA the only time is the one the signer wrote into its actions."""
    for assertion in m.get("assertions") or []:
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            for action in (assertion.get("data") or {}).get("actions") or []:
                if action.get("when"):
                    return action["when"]
    return None


def _is_own(signature: dict[str, Any]) -> bool:
    """Signed by the identity saved on this machine (same certificate serial and name)?"""
    serial = signature.get("cert_serial_number")
    if not serial or not exists():
        return False
    try:
        mine = load_identity(unlock=False)
    except IdentityError:
        return False
    return str(mine.serial_number) == str(serial) and mine.name == signature.get("common_name")


def _clean(value: Any) -> Any:
    """JSON-safe, no binary blobs, long text shortened."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        if len(value) > 64 and all(isinstance(v, int) for v in value):
            return f"<{len(value)} bytes>"
        return [_clean(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if isinstance(value, str) and len(value) > _MAX_TEXT:
        return value[:_MAX_TEXT] + "…"
    return value
