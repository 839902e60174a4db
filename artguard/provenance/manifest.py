"""The manifest definition ArtGuard signs, built from a RightsProfile.

Assertions: ``c2pa.actions`` (how the image came to be and what ArtGuard did),
``cawg.training-mining`` (the AI/data-mining reservation), ``stds.schema-org.CreativeWork``
(author, copyright notice, URLs). The claim generator names ArtGuard and its version.

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
from artguard.profile import AIUse, RightsProfile

CLAIM_GENERATOR = {"name": "ArtGuard", "version": __version__}
PARENT_ID = "artguard-parent"
THUMBNAIL_ID = "artguard-thumbnail.jpg"
_TDM_KEYS = ("ai_training", "ai_generative_training", "ai_inference", "data_mining")


def build_manifest(
    profile: RightsProfile,
    *,
    title: str,
    fmt: str,
    edited: bool,
    has_parent: bool,
    has_thumbnail: bool,
    when: _dt.datetime | None = None,
) -> dict[str, Any]:
    """The JSON definition for c2pa's Builder (resources and ingredients are added by ``sign``)."""
    when = when or _dt.datetime.now(_dt.timezone.utc)
    manifest: dict[str, Any] = {
        "claim_generator_info": [dict(CLAIM_GENERATOR)],
        "title": title,
        "format": MIME[fmt],
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": _actions(profile, edited, has_parent, when)}},
            {"label": "cawg.training-mining", "data": training_mining(profile.ai_use, profile.licensing_url)},
            {"label": "stds.schema-org.CreativeWork", "data": creative_work(profile, title, when), "kind": "Json"},
        ],
    }
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


def training_mining(ai_use: AIUse, licensing_url: str = "") -> dict[str, Any]:
    """CAWG entries: notAllowed unless allowed; allowed uses point at the licence when there is one."""
    entries = {}
    for key in _TDM_KEYS:
        if not getattr(ai_use, key):
            entries[f"cawg.{key}"] = {"use": "notAllowed"}
        elif licensing_url:
            entries[f"cawg.{key}"] = {"use": "constrained", "constraint_info": licensing_url}
        else:
            entries[f"cawg.{key}"] = {"use": "allowed"}
    return {"entries": entries}


def creative_work(profile: RightsProfile, title: str, when: _dt.datetime) -> dict[str, Any]:
    author: dict[str, Any] = {"@type": "Person", "name": profile.creator}
    if profile.contact_email:
        author["email"] = profile.contact_email
    if profile.contact_url:
        author["url"] = profile.contact_url
    work: dict[str, Any] = {"@context": "https://schema.org", "@type": "CreativeWork"}
    if profile.creator:
        work["author"] = [author]
    notice = profile.expand(profile.copyright_notice, filename=title, when=when.astimezone())
    if notice:
        work["copyrightNotice"] = notice
    url = profile.web_statement or profile.contact_url
    if url:
        work["url"] = url
    if profile.title:
        work["name"] = profile.expand(profile.title, filename=title, when=when.astimezone())
    if profile.licensing_url:
        work["license"] = profile.licensing_url
    if profile.credit_line:
        work["creditText"] = profile.credit_line
    return work
