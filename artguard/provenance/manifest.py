"""The manifest definition ArtGuard signs, built from a RightsProfile.

Assertions: ``c2pa.actions`` (how the image came to be and what ArtGuard did),
``cawg.training-mining`` (the AI/data-mining reservation, from the registry's AI-use
table, so it always agrees with the XMP plus:DataMining term) and ``cawg.metadata`` (the
rights fields as XMP properties in JSON-LD, the same resolved values the XMP carries;
it replaces ``stds.schema-org.CreativeWork``, deprecated in c2pa-rs since 0.59). The
claim generator names ArtGuard and its version.

A first manifest says ``c2pa.created`` with the profile's IPTC digital source type (for
a photo that is ``digitalCapture``: the content was captured, ArtGuard made the first
claim about it), then ``c2pa.edited`` when ArtGuard changed pixels (watermark, resize)
or ``c2pa.edited.metadata`` when it only wrote CMI. A file that already carried a
manifest is ``c2pa.opened`` from its parent ingredient instead, so the earlier
provenance stays attached.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from artguard import __version__
from artguard.imaging import MIME
from artguard.metadata import registry
from artguard.profile import RightsProfile

CLAIM_GENERATOR = {"name": "ArtGuard", "version": __version__}
PARENT_ID = "artguard-parent"
THUMBNAIL_ID = "artguard-thumbnail.jpg"


def build_manifest(
    profile: RightsProfile,
    *,
    title: str,
    fmt: str,
    edited: bool,
    has_parent: bool,
    has_thumbnail: bool,
    when: _dt.datetime | None = None,
    fields: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The JSON definition for c2pa's Builder (resources and ingredients are added by ``sign``).

    ``fields``: the output's resolved rights fields; None resolves the profile with the
    title as the file name.
    """
    when = when or _dt.datetime.now(_dt.timezone.utc)
    if fields is None:
        fields = registry.resolve(profile, filename=title, when=when.astimezone())
    manifest: dict[str, Any] = {
        "claim_generator_info": [dict(CLAIM_GENERATOR)],
        "title": title,
        "format": MIME[fmt],
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": _actions(profile, edited, has_parent, when)}},
            {"label": "cawg.training-mining", "data": registry.training_mining(profile.ai_use)},
        ],
    }
    metadata = registry.cawg_metadata(fields)
    if metadata:
        manifest["assertions"].append({"label": "cawg.metadata", "data": metadata, "kind": "Json"})
    if has_thumbnail:
        manifest["thumbnail"] = {"format": "image/jpeg", "identifier": THUMBNAIL_ID}
    return manifest


def parent_ingredient(title: str) -> dict[str, Any]:
    return {"title": title, "relationship": "parentOf", "label": PARENT_ID}


def _actions(profile: RightsProfile, edited: bool, has_parent: bool, when: _dt.datetime) -> list[dict]:
    stamp = when.isoformat()
    agent = dict(CLAIM_GENERATOR)
    if has_parent:
        first: dict[str, Any] = {
            "action": "c2pa.opened",
            "when": stamp,
            "softwareAgent": agent,
            "parameters": {"ingredientIds": [PARENT_ID]},
        }
    else:
        first = {"action": "c2pa.created", "when": stamp, "digitalSourceType": profile.digital_source_type()}
        disclosure = profile.ai_disclosure
        if profile.uses_ai() and not disclosure.is_empty():
            if disclosure.tool:
                first["softwareAgent"] = {"name": disclosure.tool}
            details = [f"prompt: {disclosure.prompt}" if disclosure.prompt else "",
                       f"seed: {disclosure.seed}" if disclosure.seed else ""]
            if any(details):
                first["description"] = "; ".join(d for d in details if d)
    second = {
        "action": "c2pa.edited" if edited else "c2pa.edited.metadata",
        "when": stamp,
        "softwareAgent": agent,
        "description": (
            "protected for publication: rights metadata, watermark or resize"
            if edited else "rights metadata (CMI) written; pixels unchanged"
        ),
    }
    return [first, second]
