"""Signing and reading back: every format, c2pa's own Reader, exiftool, tampering, ingredients."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import c2pa
import pytest
from PIL import Image

from artguard.errors import ArtGuardError, IdentityError, UnsupportedFormat
from artguard.imaging import MIME
from artguard.profile import C2PA_SOURCE_NOT_STATED, AIDisclosure, AIUse, RightsProfile
from artguard.provenance import (
    add_anchors,
    create_identity,
    ensure_identity,
    has_manifest,
    local_ca_pem,
    make_thumbnail,
    read_c2pa,
    sign,
)
from tests.conftest import exiftool_read
from tests.images import textured
from tests.test_provenance_identity import external

FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "tiff": "TIFF"}
PROFILE = RightsProfile(
    creator="Jane Artist",
    copyright_notice="© {year} {creator}",
    web_statement="https://jane.example/rights",
    contact_email="jane@example.com",
)


def encoded(fmt: str, seed: int = 1, size=(160, 120)) -> bytes:
    buf = io.BytesIO()
    textured(*size, seed=seed).save(buf, FORMATS[fmt])
    return buf.getvalue()


def signed(fmt: str, *, profile: RightsProfile = PROFILE, parent: bytes | None = None, data: bytes | None = None):
    """Sign a generated image (the identity is made on first use, as embed does)."""
    ident = ensure_identity("Jane Artist", "jane@example.com")
    thumb = make_thumbnail(textured(160, 120, seed=1))
    return sign(data or encoded(fmt), fmt, profile, ident, title=f"art.{fmt}", thumbnail_jpeg=thumb,
                edited=True, parent=parent)


def assertion(report: dict, label: str) -> dict:
    found = [a["data"] for a in report["manifest"]["assertions"] if a["label"].startswith(label)]
    assert found, f"no {label} assertion"
    return found[0]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_each_format(fmt: str) -> None:
    original = encoded(fmt)
    result = signed(fmt, data=original)
    assert result.data != original and has_manifest(result.data, fmt)
    assert Image.open(io.BytesIO(result.data)).size == (160, 120)

    report = read_c2pa(result.data)
    assert report["state"] == "valid" and report["errors"] == []
    manifest = report["manifest"]
    assert report["label"] == result.label == manifest["label"]
    assert manifest["claim_generator"].startswith("ArtGuard ")
    assert manifest["signer"]["common_name"] == "Jane Artist" and manifest["signer"]["own_identity"]
    assert manifest["has_thumbnail"] and manifest["signing_time"]
    actions = assertion(report, "c2pa.actions")["actions"]
    assert actions[0]["action"] == "c2pa.created"
    assert actions[0]["digitalSourceType"] == C2PA_SOURCE_NOT_STATED  # the profile states no source type
    assert actions[1]["action"] == "c2pa.edited"
    entries = assertion(report, "cawg.training-mining")["entries"]
    assert {k: v["use"] for k, v in entries.items()} == {
        "cawg.ai_training": "notAllowed", "cawg.ai_generative_training": "notAllowed",
        "cawg.ai_inference": "notAllowed", "cawg.data_mining": "constrained",  # search indexing only, as in XMP
    }
    labels = [a["label"] for a in report["manifest"]["assertions"]]
    assert "stds.schema-org.CreativeWork" not in labels  # deprecated in c2pa-rs since 0.59
    work = assertion(report, "cawg.metadata")
    assert work["dc:creator"] == ["Jane Artist"]
    assert work["dc:rights"] == f"© {dt.date.today().year} Jane Artist"
    assert work["xmpRights:WebStatement"] == "https://jane.example/rights"
    assert work["plus:DataMining"].endswith("DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING")
    assert work["@context"]["dc"] == "http://purl.org/dc/elements/1.1/"
    json.dumps(report)  # JSON-safe


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_c2pa_reader_validates_and_returns_our_thumbnail(fmt: str) -> None:
    result = signed(fmt)
    with c2pa.Reader(MIME[fmt], io.BytesIO(result.data)) as reader:
        store = json.loads(reader.json())
        assert store["active_manifest"] == result.label
        assert reader.get_validation_state() == "Valid"
        thumb_ref = store["manifests"][result.label]["thumbnail"]["identifier"]
        out = io.BytesIO()
        reader.resource_to_stream(thumb_ref, out)
    thumb = Image.open(io.BytesIO(out.getvalue()))
    assert thumb.format == "JPEG" and max(thumb.size) == 160


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_exiftool_sees_the_manifest_store(fmt: str, exiftool: str, tmp_path: Path) -> None:
    path = tmp_path / f"signed.{fmt}"
    result = signed(fmt)
    path.write_bytes(result.data)
    tags = exiftool_read(path, "JUMBF:all")
    labels = [v for k, v in tags.items() if k.startswith("JUMBF:JUMDLabel")]
    text = json.dumps(tags)
    assert "c2pa" in text and result.label in text, labels


def test_trusted_only_with_a_matching_anchor() -> None:
    result = signed("jpeg")
    assert read_c2pa(result.data)["state"] == "valid"
    add_anchors(external().chain_pem())  # someone else's CA changes nothing
    assert read_c2pa(result.data)["state"] == "valid"
    add_anchors(local_ca_pem())
    report = read_c2pa(result.data)
    assert report["state"] == "trusted" and report["errors"] == []


def _flip_outside_manifest(data: bytes, fmt: str) -> bytes:
    """Change one byte of image data (not of the manifest store)."""
    marker = {"jpeg": b"\xff\xda", "png": b"IDAT", "webp": b"VP8", "tiff": None}[fmt]
    pos = 8 + 40 if marker is None else data.index(marker) + 40
    tampered = bytearray(data)
    tampered[pos] ^= 0x5A
    return bytes(tampered)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_changed_pixels_read_back_invalid(fmt: str) -> None:
    result = signed(fmt)
    report = read_c2pa(_flip_outside_manifest(result.data, fmt))
    assert report["state"] == "invalid"
    assert any("hash" in e["code"].lower() for e in report["errors"]), report["errors"]


def test_added_metadata_reads_back_invalid() -> None:
    data = signed("jpeg").data
    with_comment = data[:2] + b"\xff\xfe\x00\x0ere-posted!!!" + data[2:]
    assert read_c2pa(with_comment)["state"] == "invalid"


def test_metadata_edited_by_exiftool_reads_back_invalid(exiftool: str, tmp_path: Path) -> None:
    path = tmp_path / "signed.jpg"
    path.write_bytes(signed("jpeg").data)
    subprocess.run([exiftool, "-q", "-overwrite_original", "-XMP-dc:Rights=stolen", str(path)], check=True)
    report = read_c2pa(path)
    assert report["state"] == "invalid" and report["errors"]


def test_input_with_a_manifest_becomes_the_parent_ingredient() -> None:
    first = signed("jpeg")
    second = signed("jpeg", data=first.data, parent=first.data)
    assert second.label != first.label
    report = read_c2pa(second.data)
    assert report["state"] == "valid", report["errors"]
    ingredients = report["manifest"]["ingredients"]
    assert len(ingredients) == 1
    assert ingredients[0]["relationship"] == "parentOf" and ingredients[0]["manifest"] == first.label
    assert ingredients[0]["errors"] == [] and ingredients[0]["signer"] == "Jane Artist"
    actions = assertion(report, "c2pa.actions")["actions"]
    assert actions[0]["action"] == "c2pa.opened"
    with c2pa.Reader("image/jpeg", io.BytesIO(second.data)) as reader:
        assert set(json.loads(reader.json())["manifests"]) == {first.label, second.label}


def test_allowed_ai_uses_are_stated_and_agree_with_the_xmp_term() -> None:
    allowed = dataclasses.replace(PROFILE, ai_use=AIUse(ai_inference=True, data_mining=True))
    report = read_c2pa(signed("png", profile=allowed).data)
    entries = assertion(report, "cawg.training-mining")["entries"]
    assert entries["cawg.ai_inference"]["use"] == "allowed" and entries["cawg.data_mining"]["use"] == "allowed"
    assert entries["cawg.ai_training"]["use"] == "notAllowed"
    assert assertion(report, "cawg.metadata")["plus:DataMining"].endswith("DMI-PROHIBITED-AIMLTRAINING")
    everything = AIUse()
    everything.allow_all()
    licensed = dataclasses.replace(PROFILE, ai_use=everything, licensing_url="https://jane.example/licence")
    report = read_c2pa(signed("png", profile=licensed).data)
    entries = assertion(report, "cawg.training-mining")["entries"]
    assert {v["use"] for v in entries.values()} == {"allowed"}  # a licence URL is not a constraint
    assert assertion(report, "cawg.metadata")["plus:DataMining"].endswith("DMI-ALLOWED")


def test_ai_generated_work_discloses_its_source_and_tool() -> None:
    profile = dataclasses.replace(
        PROFILE, source_type="ai-generated", ai_disclosure=AIDisclosure(tool="Model X", prompt="a cat", seed="7")
    )
    created = assertion(read_c2pa(signed("jpeg", profile=profile).data), "c2pa.actions")["actions"][0]
    assert created["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
    assert created["softwareAgent"]["name"] == "Model X" and "a cat" in created["description"]


def test_metadata_only_output_says_so() -> None:
    ident = create_identity("Jane Artist")
    result = sign(encoded("jpeg"), "jpeg", PROFILE, ident, title="a.jpg", thumbnail_jpeg=None, edited=False)
    report = read_c2pa(result.data)
    assert [a["action"] for a in assertion(report, "c2pa.actions")["actions"]] == ["c2pa.created", "c2pa.edited.metadata"]
    assert not report["manifest"]["has_thumbnail"]


@pytest.mark.parametrize("damage", ["missing", "garbage", "expired"])
def test_unusable_key_raises_instead_of_returning_unsigned_bytes(damage: str) -> None:
    ident = create_identity("Jane Artist")
    if damage == "missing":
        ident.key_path.unlink()
    elif damage == "garbage":
        ident.key_path.write_bytes(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    else:
        ident = dataclasses.replace(ident, not_after=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(IdentityError):
        sign(encoded("jpeg"), "jpeg", PROFILE, ident, title="a.jpg", thumbnail_jpeg=None, edited=True)


def test_unsupported_format_is_refused() -> None:
    ident = create_identity("Jane Artist")
    with pytest.raises(UnsupportedFormat):
        sign(b"GIF89a....", "gif", PROFILE, ident, title="a.gif", thumbnail_jpeg=None, edited=True)


def test_corrupt_input_is_an_error_not_a_signed_file() -> None:
    ident = create_identity("Jane Artist")
    with pytest.raises(ArtGuardError):
        sign(b"\xff\xd8\xff\xe0garbage", "jpeg", PROFILE, ident, title="a.jpg", thumbnail_jpeg=None, edited=True)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_has_manifest_is_false_for_plain_files(fmt: str) -> None:
    assert not has_manifest(encoded(fmt), fmt)
    assert not has_manifest(b"\x00" * 32, fmt)


def test_read_absent_truncated_and_non_image(tmp_path: Path) -> None:
    plain = tmp_path / "plain.png"
    plain.write_bytes(encoded("png"))
    assert read_c2pa(plain) == {"state": "absent", "manifest": None, "errors": [], "label": None}
    data = signed("jpeg").data
    truncated = read_c2pa(data[: len(data) // 2])
    assert truncated["state"] == "invalid" and truncated["errors"]
    with pytest.raises(ArtGuardError):
        read_c2pa(b"just some text, not an image")
    with pytest.raises(ArtGuardError):
        read_c2pa(tmp_path / "missing.jpg")


def test_thumbnail_is_small_jpeg_from_any_mode() -> None:
    thumb = Image.open(io.BytesIO(make_thumbnail(textured(900, 300).convert("RGBA"))))
    assert thumb.format == "JPEG" and thumb.size == (512, 171)

