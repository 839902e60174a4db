"""What the writer puts in a file's EXIF, IPTC and XMP, derived from the field registry.

The registry (``registry.py``) declares which profile field lands in which key; this
module turns one resolved set of values into the exiv2 key -> value map for one output
format (WebP: no IPTC; IPTC values cut to their IIM limits).
"""

from __future__ import annotations

import datetime as _dt

from artguard.metadata import registry
from artguard.metadata.registry import AI_NAMESPACE, AI_PREFIX, BAG, FIELDS, IPTC_LIMITS, LANG_ALT, SEQ
from artguard.profile import RightsProfile

__all__ = ["AI_NAMESPACE", "AI_PREFIX", "BAG", "CMI_FIELDS", "LANG_ALT", "SEQ", "build_cmi", "cmi_values", "field_of"]

# Check output field name -> the exiv2 keys that carry it (declared in the registry).
CMI_FIELDS: dict[str, tuple[str, ...]] = {f.name: f.keys for f in FIELDS}

field_of = registry.field_of


def cmi_values(resolved: dict[str, dict[str, str]], fmt: str) -> dict[str, str]:
    """The exiv2 key -> value map written into one output of format ``fmt``."""
    values = registry.flatten(registry.for_format(resolved, fmt))
    for key, limit in IPTC_LIMITS.items():
        if key in values:
            if key in registry.LIST_KEYS:
                values[key] = ", ".join(truncate_utf8(k, limit) for k in values[key].split(", "))
            else:
                values[key] = truncate_utf8(values[key], limit)
    return values


def build_cmi(
    profile: RightsProfile,
    *,
    filename: str = "",
    when: _dt.datetime | None = None,
    fmt: str = "jpeg",
) -> dict[str, str]:
    """The exiv2 key -> value map a profile asks to write (empty fields are left out)."""
    return cmi_values(registry.resolve(profile, filename=filename, when=when), fmt)


def truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")
