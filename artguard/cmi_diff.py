"""What happened to each rights field between the published file and a copy found later."""

from __future__ import annotations

from typing import Any

from artguard.catalog import Publication
from artguard.metadata import CMI_FIELDS

INTACT, STRIPPED, ALTERED = "intact", "stripped", "altered"


def _normalise(value: str) -> str:
    return " ".join(str(value).split())


def compare_fields(written: dict[str, str], copy_values: dict[str, str]) -> dict[str, str]:
    """Per CMI field that was written: intact, stripped (no key left) or altered."""
    states: dict[str, str] = {}
    for name, keys in CMI_FIELDS.items():
        keys_written = [k for k in keys if k in written]
        if not keys_written:
            continue
        present = [k for k in keys_written if k in copy_values]
        if not present:
            states[name] = STRIPPED
        elif len(present) == len(keys_written) and all(
            _normalise(copy_values[k]) == _normalise(written[k]) for k in present
        ):
            states[name] = INTACT
        else:
            states[name] = ALTERED
    return states


def verdict(fields: dict[str, str], pub: Publication, c2pa: dict[str, Any]) -> str:
    """intact (everything survived), stripped (nothing did) or partially-stripped."""
    states = list(fields.values())
    if pub.c2pa_label:
        states.append(INTACT if c2pa.get("state") in ("trusted", "valid") and c2pa.get("label") == pub.c2pa_label else (STRIPPED if c2pa.get("state") == "absent" else ALTERED))
    if not states or all(s == INTACT for s in states):
        return "intact"
    if all(s == STRIPPED for s in states):
        return "stripped"
    return "partially-stripped"


def carried(values: dict[str, str]) -> dict[str, dict[str, str]]:
    """The CMI fields a copy carries, whatever its origin: field -> {exiv2 key: value}."""
    carried: dict[str, dict[str, str]] = {}
    for name, keys in CMI_FIELDS.items():
        found = {k: values[k] for k in keys if k in values}
        if found:
            carried[name] = found
    return carried
