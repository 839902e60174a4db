"""The field registry is the one declaration: every mapping derived from it agrees with it.

These tests fail when a field is declared in one place and not another: a profile
attribute no field writes, a flag that sets nothing, a CAWG property with no XMP twin, an
AI-use choice where XMP and CAWG disagree.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from artguard.cli import build_parser
from artguard.cli.profile_flags import apply_profile_flags
from artguard.metadata import build_cmi, registry
from artguard.profile import AIDisclosure, AIUse, RightsProfile

# PLUS DataMining vocabulary (http://ns.useplus.org/ldf/vocab/), the only terms allowed.
PLUS_VOCABULARY = {
    "DMI-UNSPECIFIED", "DMI-ALLOWED", "DMI-PROHIBITED-AIMLTRAINING", "DMI-PROHIBITED-GENAIMLTRAINING",
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", "DMI-PROHIBITED", "DMI-PROHIBITED-SEECONSTRAINT",
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR", "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR",
}
# What each exact PLUS term allows: (ai_training, ai_generative_training, ai_inference, data_mining).
PLUS_MEANING = {
    "DMI-ALLOWED": (True, True, True, True),
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING": (False, False, False, False),
    "DMI-PROHIBITED-AIMLTRAINING": (False, False, True, True),
    "DMI-PROHIBITED-GENAIMLTRAINING": (True, False, True, True),
}
# Profile attributes that are not rights fields (how to mark the image, not what to say).
NOT_FIELDS = {"name", "watermark", "invisible_watermark", "ai_use", "ai_disclosure"}


def full_profile() -> RightsProfile:
    return RightsProfile(
        creator="Zoë", credit_line="Studio", title="T {filename}", description="D", keywords="a, b",
        usage_terms="U", licensor="L", licensing_url="https://l.example", web_statement="https://w.example",
        contact_email="z@example.org", contact_url="https://z.example", source_type="ai-edited",
        ai_disclosure=AIDisclosure("Tool", "Prompt", "7"),
    )


def test_every_profile_rights_attribute_is_written_by_a_field() -> None:
    declared = {p.attr.split(".")[0] for p in registry.parts() if p.attr}
    profile_attrs = {f.name for f in dataclasses.fields(RightsProfile)} - NOT_FIELDS
    assert profile_attrs <= declared, profile_attrs - declared
    nested = {p.attr.split(".", 1)[1] for p in registry.parts() if p.attr.startswith("ai_disclosure.")}
    assert nested == {f.name for f in dataclasses.fields(AIDisclosure)}
    assert {e.attr for e in registry.AI_USES} == {f.name for f in dataclasses.fields(AIUse)}


def test_every_part_reads_a_real_attribute_and_names_known_keys() -> None:
    profile = full_profile()
    for part in registry.parts():
        if part.attr:
            registry.get_attr(profile, part.attr)  # raises for a typo
        for key in part.keys:
            group, schema = key.split(".")[:2]
            assert group in ("Exif", "Iptc", "Xmp")
            if group == "Xmp":
                assert schema in registry.XMP_NAMESPACES, key  # so cawg.metadata can name it


def test_a_full_profile_writes_every_field() -> None:
    resolved = registry.resolve(full_profile(), filename="x.jpg", ids={"document_id": "d", "instance_id": "i"})
    assert set(resolved) == set(registry.names())


@pytest.mark.parametrize("flag_part", [p for p in registry.parts() if p.flag], ids=lambda p: p.flag)
def test_every_flag_sets_its_attribute(flag_part: registry.Part) -> None:
    value = flag_part.choices[-1][0] if flag_part.choices else "https://v.example" if flag_part.input == "url" else "v@example.org" if flag_part.input == "email" else "value"
    for command in (["embed", "x.jpg", "-o", "out"], ["profile", "create", "p"]):
        args = build_parser().parse_args([*command, flag_part.flag, value])
        profile = apply_profile_flags(RightsProfile(), args)
        assert registry.get_attr(profile, flag_part.attr) == value


def test_cawg_metadata_says_what_the_xmp_says() -> None:
    resolved = registry.resolve(full_profile(), filename="x.jpg", ids={"document_id": "d", "instance_id": "i"})
    xmp = {k: v for k, v in build_cmi(full_profile(), filename="x.jpg").items() if k.startswith("Xmp.")}
    cawg = registry.cawg_metadata(resolved)
    for key, value in xmp.items():
        schema, prop = key.split(".", 2)[1:]
        container, _, member = prop.partition("/")
        term = f"{registry.XMP_NAMESPACES[schema][0]}:{container.split('[')[0]}"
        assert term in cawg, key
        found = cawg[term]
        if member:
            found = (found[0] if isinstance(found, list) else found)[member]
        elif isinstance(found, list):
            found = ", ".join(found)
        elif isinstance(found, bool):
            found = str(found)
        assert found == value, key
    assert not any(t.startswith("xmpMM:") for t in cawg)  # ids name a file, not the work
    assert set(cawg["@context"]) == {t.split(":")[0] for t in cawg if t != "@context"}


@pytest.mark.parametrize("choice", list(itertools.product([False, True], repeat=4)), ids=str)
def test_xmp_and_cawg_never_disagree_on_ai_use(choice: tuple[bool, ...]) -> None:
    ai_use = AIUse(*choice)
    term, other = registry.plus_terms(ai_use)
    assert term in PLUS_VOCABULARY
    entries = registry.training_mining(ai_use)["entries"]
    cawg_allows = tuple(entries[e.cawg]["use"] == "allowed" for e in registry.AI_USES)
    assert cawg_allows == choice
    if term in PLUS_MEANING:
        assert PLUS_MEANING[term] == choice and other == ""
    else:  # the term points at the constraint, which must then be written and say each use
        assert term == "DMI-PROHIBITED-SEECONSTRAINT"
        for entry, allowed in zip(registry.AI_USES, choice):
            assert f"{entry.label}: {'allowed' if allowed else 'not allowed'}" in other
        written = build_cmi(RightsProfile(creator="Z", ai_use=ai_use))
        assert written["Xmp.plus.OtherConstraints"] == other
    if not choice[3]:  # data mining reserved: search indexing stays allowed in both
        assert term in ("DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", "DMI-PROHIBITED-SEECONSTRAINT")
        assert entries["cawg.data_mining"] == {"use": "constrained", "constraint_info": registry.SEARCH_INDEXING_ONLY}


def test_webp_carries_no_iptc_keys() -> None:
    values = build_cmi(full_profile(), fmt="webp")
    assert values and not any(k.startswith("Iptc.") for k in values)
    assert {k.split(".")[0] for k in build_cmi(full_profile(), fmt="tiff")} == {"Exif", "Iptc", "Xmp"}


def test_people_read_words_not_codes() -> None:
    assert registry.label("copyright_status") == "Copyright status"
    term = registry.PLUS_VOCAB + "DMI-PROHIBITED-AIMLTRAINING"
    assert registry.human_value("data_mining", term) == "AI training: not allowed"
    lines = registry.human_training_mining(registry.training_mining(AIUse())["entries"])
    assert "Training AI models: not allowed" in lines
