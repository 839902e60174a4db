"""The report's vocabulary: verdicts, field states, match strength, credentials and dates in words.

One place for every sentence a reader of the report, the notice or the terminal sees about
a check result, so all views say the same thing the same way.
"""

from __future__ import annotations

from typing import Any

from artguard.provenance import describe_signer

VERDICTS: dict[str, tuple[str, str]] = {
    # verdict -> (short words, what it means)
    "intact": ("Intact", "All rights information written at publication is still in the copy."),
    "partially-stripped": ("Partly stripped", "Some rights information was removed from the copy or changed."),
    "stripped": ("Stripped", "All rights information written at publication was removed from the copy."),
    "altered": ("Altered", "Rights information in the copy differs from what was written at publication."),
    "credentials-broken": ("Credentials broken", "The copy's Content Credentials no longer verify."),
    "derivative": ("Derivative", "The copy shares the composition of a published image, but its pixels differ (recoloured, "
                   "painted over or composited). It may never have carried the rights information, so none is claimed "
                   "removed: compare the two pictures by eye."),
    "unknown": ("No match", "This copy could not be traced to anything in the catalog."),
}
VERDICT_ORDER = ("stripped", "partially-stripped", "altered", "credentials-broken", "intact", "derivative", "unknown")

FIELD_STATES: dict[str, str] = {
    "intact": "kept unchanged",
    "thinned": "kept in some places, removed from others",
    "stripped": "removed",
    "altered": "changed (the old and new values are shown)",
}

METHODS: dict[str, str] = {
    "sha256": "the copy is byte for byte the file that was published",
    "xmp-id": "the copy carries the unique document ID written into the published file",
    "c2pa": "the copy carries the signed Content Credentials of the published file",
    "watermark": "the copy carries the invisible watermark with this work's number",
    "phash": "the picture matches the published image visually (perceptual fingerprint)",
    "features": "the picture's details match the published image's once aligned (local features)",
    "structure": "the picture has the published image's composition in other colours (edge structure)",
}

CREDENTIALS: dict[str, tuple[str, str]] = {
    "trusted": ("valid and trusted", "The signature verifies and the signer's certificate is one this computer trusts."),
    "valid": ("valid", "The signature verifies: the file is unchanged since it was signed. The signer's certificate is not on a public trust list; it identifies the signer as they named themselves."),
    "invalid": ("broken", "Content Credentials are present but no longer verify: the file was changed after signing, or the credentials were damaged."),
    "absent": ("absent", "The copy carries no Content Credentials: they were removed, or never added."),
}

CLOCK = "this computer's clock"
SELF_ASSERTED = "self-asserted: no independent party vouches for this time"


def verdict_words(verdict: str) -> tuple[str, str]:
    return VERDICTS.get(verdict, (verdict, ""))


def strength(method: str, confidence: float, words: str | None = None) -> str:
    """How sure the match is, in words a non-specialist can weigh (never "N of 192 bits")."""
    if words:
        return words[0].upper() + words[1:]
    if method == "sha256":
        return "Certain: the copy is the very file that was published."
    if method in ("xmp-id", "c2pa", "watermark"):
        return "Very strong: the copy carries an identifier that only this published file has."
    if confidence >= 0.9:
        return "Very strong: the copy looks the same as the published image."
    if confidence >= 0.75:
        return "Strong: the copy looks like the published image, with visible changes (size, compression, cropping)."
    if confidence >= 0.5:
        return "Moderate: the copy resembles the published image; compare the two pictures by eye."
    return "Weak: only a loose resemblance; compare the two pictures by eye before acting on it."


def signer(manifest: dict[str, Any] | None) -> str:
    """Who signed, as "Name (issuer)"; a certificate ArtGuard made locally says so."""
    info = (manifest or {}).get("signer") or {}
    if isinstance(info, dict) and not info.get("issuer") and info.get("own_identity"):
        return f"{info.get('common_name') or 'an unnamed signer'} (self-issued certificate made by ArtGuard on the claimant's computer)"
    return describe_signer(info)


def signing_time_how(source: str | None) -> tuple[str, bool]:
    """(how a C2PA signing time is known, whether it is only self-asserted)."""
    if source == "time-stamp authority":
        return "an RFC 3161 time stamp from an independent time-stamp authority, inside the signature", False
    return f"the signer's own statement inside the Content Credentials ({SELF_ASSERTED})", True


def size_words(width: int | None, height: int | None) -> str:
    return f"{width} × {height} pixels" if width and height else "size unknown"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


LEGAL_NOTE = (
    "Copyright management information (CMI) is information conveyed with a work that identifies "
    "it, its author or owner, or the terms of its use. In the United States, 17 U.S.C. 1202(b) "
    "prohibits intentionally removing or altering CMI, and distributing copies knowing that CMI "
    "has been removed, where the person knows or has reason to know this will facilitate "
    "infringement. This report records technical facts only; it is not legal advice."
)
