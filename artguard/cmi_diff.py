"""What happened to each rights field between the published file and a copy found later.

Per field (the registry's names):
- ``intact``: every block it was written to still carries the same value;
- ``thinned``: removed from some blocks (e.g. a platform dropped XMP), same value elsewhere;
- ``stripped``: gone from every block;
- ``altered``: some block carries a different value (the old and the new are kept, see
  ``field_values``). A field that merely lost some of its copies is never "altered".

Per copy (``verdict``): ``intact``, ``partially-stripped``, ``stripped``, ``altered`` (a
field's value changed), ``credentials-broken`` (the fields are intact but the C2PA
signature no longer validates).
"""

from __future__ import annotations

from typing import Any

from artguard.catalog import Publication
from artguard.metadata import registry

INTACT, THINNED, STRIPPED, ALTERED = "intact", "thinned", "stripped", "altered"
FIELD_STATES = (INTACT, THINNED, STRIPPED, ALTERED)
VERDICTS = ("intact", "partially-stripped", "stripped", "altered", "credentials-broken")


def _normalise(value: str) -> str:
    return " ".join(str(value).split())


def _written_keys(name: str, written: dict[str, str]) -> list[str]:
    return [k for k in registry.get(name).keys if k in written]


def compare_fields(written: dict[str, str], copy_values: dict[str, str]) -> dict[str, str]:
    """Per rights field that was written: intact, thinned, stripped or altered."""
    states: dict[str, str] = {}
    for name in registry.names():
        keys = _written_keys(name, written)
        if not keys:
            continue
        present = [k for k in keys if k in copy_values]
        if not present:
            states[name] = STRIPPED
        elif any(_normalise(copy_values[k]) != _normalise(written[k]) for k in present):
            states[name] = ALTERED
        else:
            states[name] = INTACT if len(present) == len(keys) else THINNED
    return states


def field_values(written: dict[str, str], copy_values: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per written field: the value written and the value found (None when stripped).

    For an altered field "found" is the changed value, so a report can show both.
    """
    values: dict[str, dict[str, Any]] = {}
    for name in registry.names():
        keys = _written_keys(name, written)
        if not keys:
            continue
        changed = [k for k in keys if k in copy_values and _normalise(copy_values[k]) != _normalise(written[k])]
        found_keys = changed or [k for k in keys if k in copy_values]
        values[name] = {
            "written": _joined(written[k] for k in keys),
            "found": _joined(copy_values[k] for k in found_keys) if found_keys else None,
            "blocks_lost": sorted({k.split(".", 1)[0].upper() for k in keys if k not in copy_values}),
        }
    return values


def _joined(values: Any) -> str:
    return "; ".join(dict.fromkeys(values))


def c2pa_state(pub: Publication, c2pa: dict[str, Any]) -> str | None:
    """The published manifest in the copy: intact, stripped, broken (None: none was signed)."""
    if not pub.c2pa_label:
        return None
    state = c2pa.get("state")
    if state == "absent":
        return STRIPPED
    if state in ("trusted", "valid") and c2pa.get("label") == pub.c2pa_label:
        return INTACT
    return "broken"


def verdict(fields: dict[str, str], pub: Publication, c2pa: dict[str, Any]) -> str:
    """The copy as a whole, from its field states and its Content Credentials."""
    states = set(fields.values())
    credentials = c2pa_state(pub, c2pa)
    if ALTERED in states:
        return "altered"
    if states <= {INTACT}:
        if credentials in (None, INTACT):
            return "intact"
        return "credentials-broken" if credentials == "broken" else "partially-stripped"
    if states == {STRIPPED} and credentials in (None, STRIPPED):
        return "stripped"
    return "partially-stripped"


carried = registry.carried  # what a copy carries, by field (check reports it for unmatched copies)
