"""Rights profiles from other tools' metadata templates, mapped through the field registry.

An XMP file (an Adobe Bridge metadata template, a Photo Mechanic stationery pad, an XMP
sidecar) is read key by key: every key the registry declares fills its profile
attribute. A Lightroom metadata preset (``.lrtemplate``, a Lua table) is read by the
Lightroom field ids the registry declares. Whatever the registry does not know is listed
as skipped, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from artguard.errors import ArtGuardError, ProfileError
from artguard.metadata import registry
from artguard.metadata.engine import parse_xmp
from artguard.profile import RightsProfile

TEMPLATE_SUFFIXES = (".xmp", ".lrtemplate")

# A Lua table entry: ["com.adobe.x"] = "text" | x = "text" | ... = true/false/number.
_LUA_ENTRY = re.compile(
    r'(?:\[\s*"(?P<qkey>[^"]+)"\s*\]|(?P<key>[A-Za-z_][\w.]*))\s*=\s*'
    r'(?:"(?P<text>(?:[^"\\]|\\.)*)"|(?P<word>true|false|-?\d+(?:\.\d+)?))'
)
_LUA_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}
_LIGHTROOM_HEADER = {"id", "internalName", "title", "type", "version", "uuid"}


@dataclass
class Imported:
    """A profile made from a template, and what of the template it could not use."""

    profile: RightsProfile
    fields: list[str] = field(default_factory=list)  # registry field names taken from the template
    skipped: list[str] = field(default_factory=list)


def import_template(path: Path, name: str | None = None) -> Imported:
    """Read an XMP template or a Lightroom preset; ``name`` overrides the template's own."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ProfileError(f"cannot read {path}: {exc.strerror}") from exc
    suffix = Path(path).suffix.lower()
    if suffix == ".xmp":
        values, skipped = _from_xmp(data, path)
        default_name = Path(path).stem
    elif suffix == ".lrtemplate":
        values, skipped, default_name = _from_lightroom(data.decode("utf-8-sig", errors="replace"), path)
    else:
        raise ProfileError(f"{path}: a template must be .xmp or .lrtemplate")
    profile = RightsProfile(name=name or _safe_name(default_name))
    for part, value in values:
        registry.set_attr(profile, part.attr, value)
    profile.validate()
    names = {registry.field_of(part.keys[0]) for part, _ in values}
    return Imported(profile, [n for n in registry.names() if n in names], skipped)


def _from_xmp(data: bytes, path: Path) -> tuple[list[tuple[registry.Part, object]], list[str]]:
    try:
        found = parse_xmp(data)
    except ArtGuardError as exc:
        raise ProfileError(f"{path}: not a readable XMP file ({exc})") from exc
    by_key = {k: p for p in registry.parts() for k in p.keys if k.startswith("Xmp.")}
    values, skipped, done = [], [], set()
    for key, value in found.items():
        part = by_key.get(key)
        if part is None or not part.attr:
            skipped.append(key)
            continue
        decoded = part.decode(value) if part.decode else value
        if decoded is None or (part.encode is not None and part.decode is None):
            skipped.append(key)
        elif part.attr not in done:
            values.append((part, decoded))
            done.add(part.attr)
    return values, skipped


def _from_lightroom(text: str, path: Path) -> tuple[list[tuple[registry.Part, object]], list[str], str]:
    entries: dict[str, str] = {}
    for match in _LUA_ENTRY.finditer(text):
        key = match["qkey"] or match["key"]
        raw = match["text"]
        entries.setdefault(key, re.sub(r"\\(.)", lambda m: _LUA_ESCAPES.get(m[1], m[1]), raw) if raw is not None else match["word"])
    if entries.get("type", "").lower() != "metadata":
        raise ProfileError(f"{path}: not a Lightroom metadata preset")
    by_id = {p.lightroom: p for p in registry.parts() if p.lightroom}
    values, skipped = [], []
    for key, value in entries.items():
        if key in _LIGHTROOM_HEADER:
            continue
        part = by_id.get(key.removeprefix("com.adobe."))
        if part is None:
            skipped.append(key)
            continue
        if part.attr == "copyright_status":
            value = {"true": "copyrighted", "copyrighted": "copyrighted", "public domain": "public-domain",
                     "publicdomain": "public-domain", "false": "unknown"}.get(value.lower(), "unknown")
        values.append((part, value))
    return values, skipped, entries.get("title") or entries.get("internalName") or Path(path).stem


def _safe_name(text: str) -> str:
    """A profile name from a template's title (profile names allow letters, digits, . _ - @ + space)."""
    cleaned = " ".join(re.sub(r"[^\w .@+-]+", " ", text, flags=re.UNICODE).split())[:64]
    return cleaned if cleaned and cleaned[0].isalnum() else f"imported {cleaned}".strip()[:64]
