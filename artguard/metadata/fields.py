"""The field table: which profile field lands in which EXIF, IPTC and XMP key.

This is the single place that knows the mapping (DESIGN.md, "Field table"); the writer,
the reader, the catalog record and the checker's field-by-field diff all use it.
"""

from __future__ import annotations

import datetime as _dt

from artguard.metadata.registry import AI_PREFIX, FIELDS, PLUS_VOCAB
from artguard.profile import RightsProfile

AI_NAMESPACE = "https://ns.artguard.app/ai/1.0/"

# Check output field name -> the exiv2 keys that carry it (declared in the registry).
CMI_FIELDS: dict[str, tuple[str, ...]] = {f.name: f.keys for f in FIELDS}

# XMP properties whose value is a language alternative (written with lang="x-default").
LANG_ALT = {"Xmp.dc.rights", "Xmp.dc.title", "Xmp.dc.description", "Xmp.xmpRights.UsageTerms"}
# XMP properties that are ordered arrays.
SEQ = {"Xmp.dc.creator"}

# IPTC IIM limits (bytes) from the IIM 4.2 spec; longer values are truncated on a
# character boundary, the full text still goes to XMP.
IPTC_LIMITS = {
    "Iptc.Application2.Byline": 32,
    "Iptc.Application2.Copyright": 128,
    "Iptc.Application2.Credit": 32,
    "Iptc.Application2.ObjectName": 64,
    "Iptc.Application2.Caption": 2000,
}


def build_cmi(
    profile: RightsProfile,
    *,
    filename: str = "",
    when: _dt.datetime | None = None,
) -> dict[str, str]:
    """The exiv2 key -> value map a profile asks to write (empty fields are left out)."""
    expand = lambda text: profile.expand(text, filename=filename, when=when)  # noqa: E731
    copyright_notice = expand(profile.copyright_notice)
    title = expand(profile.title)
    description = expand(profile.description)
    values: dict[str, str] = {}

    def put(keys: tuple[str, ...], value: str) -> None:
        if value:
            for key in keys:
                values[key] = value

    put(CMI_FIELDS["creator"], profile.creator)
    put(CMI_FIELDS["copyright"], copyright_notice)
    put(CMI_FIELDS["credit"], profile.credit_line)
    put(CMI_FIELDS["title"], title)
    put(CMI_FIELDS["description"], description)
    if profile.copyright_status != "unknown":
        values["Xmp.xmpRights.Marked"] = "True" if profile.copyright_status == "copyrighted" else "False"
    put(CMI_FIELDS["usage_terms"], profile.usage_terms)
    put(CMI_FIELDS["web_statement"], profile.web_statement)
    email_key, url_key = CMI_FIELDS["contact"]
    put((email_key,), profile.contact_email)
    put((url_key,), profile.contact_url)
    licensor_name_key, licensor_url_key = CMI_FIELDS["licensor"]
    put((licensor_name_key,), profile.licensor)
    put((licensor_url_key,), profile.licensing_url)
    values["Xmp.plus.DataMining"] = PLUS_VOCAB + profile.ai_use.iptc_data_mining()
    values["Xmp.iptcExt.DigitalSourceType"] = profile.digital_source_type()
    disclosure = profile.ai_disclosure
    tool_key, prompt_key, seed_key = CMI_FIELDS["ai_disclosure"]
    put((tool_key,), disclosure.tool)
    put((prompt_key,), disclosure.prompt)
    put((seed_key,), disclosure.seed)
    for key, limit in IPTC_LIMITS.items():
        if key in values:
            values[key] = truncate_utf8(values[key], limit)
    return values


def truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def field_of(key: str) -> str | None:
    """The check field a key belongs to (None for keys outside the CMI table)."""
    for name, keys in CMI_FIELDS.items():
        if key in keys:
            return name
    return None
