"""Everything a file carries: format, size, EXIF/IPTC/XMP, C2PA state, invisible mark.

The same report backs ``artguard inspect``, the checker (for copies with no catalog
match) and the GUI's detail pane.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from artguard import imaging
from artguard.errors import ArtGuardError
from artguard.metadata import read_metadata, registry


def inspect_file(path: Path, *, detect_watermark: bool = True, data: bytes | None = None,
                 size: tuple[int, int] | None = None) -> dict[str, Any]:
    """DESIGN.md's ``inspect --json`` entry for one file. ``data`` and ``size`` (as the
    viewer sees it) spare a caller that already read and decoded the file doing it again."""
    path = Path(path)
    fmt = imaging.require_supported_format(path)
    data = path.read_bytes() if data is None else data
    meta = read_metadata(data)
    width, height = size if size is not None else imaging.decode_reduced(data, 1024).original_size
    report = {
        "path": str(path),
        "format": fmt,
        "width": width,
        "height": height,
        "size": len(data),
        "exif": meta.exif,
        "iptc": meta.iptc,
        "xmp": meta.xmp,
        "c2pa": _c2pa(data, fmt),
        "watermark": _watermark(data) if detect_watermark else {"id": None},
    }
    if meta.warnings:
        report["warnings"] = meta.warnings
    return report


def rights_summary(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) per rights field the file carries, in words a person reads.

    A field whose blocks disagree shows each distinct value; the C2PA manifest adds its
    signer and its AI-use entries ("AI training: not allowed").
    """
    values = {**report["exif"], **report["iptc"], **report["xmp"]}
    rows = []
    for name, found in registry.carried(values).items():
        words = " | ".join(dict.fromkeys(registry.human_value(name, v) for v in found.values()))
        rows.append((registry.summary_label(name), words))
    manifest = (report.get("c2pa") or {}).get("manifest") or {}
    if manifest:
        from artguard.provenance import describe_signer

        rows.append(("Content Credentials signed by", describe_signer(manifest.get("signer"))))
        for assertion in manifest.get("assertions") or []:
            if str(assertion.get("label", "")).startswith("cawg.training-mining"):
                for line in registry.human_training_mining((assertion.get("data") or {}).get("entries") or {}):
                    rows.append(("AI use (Content Credentials)", line))
    return rows


def _c2pa(data: bytes, fmt: str) -> dict[str, Any]:
    from artguard.provenance import read_c2pa

    try:
        return read_c2pa(data, fmt)
    except ArtGuardError as exc:
        return {"state": "invalid", "manifest": None, "errors": [str(exc)]}


def _watermark(data: bytes) -> dict[str, Any]:
    """Decode the invisible mark with the user's key; no key yet means no mark of theirs."""
    from artguard.watermark.keys import key_path

    if not key_path().exists():
        return {"id": None, "reason": "no watermark key on this machine"}
    from artguard.watermark import invisible

    try:
        detection = invisible.detect(imaging.decode(data).image, invisible.watermark_key())
    except ArtGuardError as exc:
        return {"id": None, "reason": str(exc)}
    if detection is None:
        return {"id": None}
    owner_id, image_id = invisible.split_payload(detection.payload)
    return {"id": image_id, "owner_id": owner_id, "payload": detection.payload, "confidence": round(detection.confidence, 4)}
