"""CMI engine: every field of the table lands in EXIF/IPTC/XMP, per format, read back twice."""

from __future__ import annotations


import numpy as np
import pytest
from PIL import Image

from artguard.errors import CorruptImage
from artguard.metadata import CMI_FIELDS, ScrubOptions, WritePlan, build_cmi, read_metadata, write_metadata
from artguard.profile import RightsProfile
from tests.conftest import exiftool_read

CREATOR = "Zoë 山田"


def full_profile() -> RightsProfile:
    profile = RightsProfile(
        creator=CREATOR,
        copyright_notice="© {year} {creator}",
        credit_line="Studio Ünïcode",
        title="Dawn over {filename}",
        description="Oil on canvas, 2026 – 夜明け",
        usage_terms="Personal viewing only; no reproduction.",
        licensor="Zoë Licensing",
        licensing_url="https://zoe.example/licence",
        web_statement="https://zoe.example/rights",
        contact_email="zoe@example.org",
        contact_url="https://zoe.example",
        source_type="composite-ai",
    )
    profile.ai_disclosure.tool = "Model X 2.1"
    profile.ai_disclosure.prompt = "a lighthouse, ink"
    profile.ai_disclosure.seed = "42"
    return profile


def write(data: bytes, fmt: str, plan: WritePlan) -> bytes:
    return b"".join(bytes(piece) for piece in write_metadata(data, fmt, plan))


@pytest.mark.parametrize("name", ["a.jpg", "a.png", "a.webp", "a.tif"])
def test_every_field_round_trips_in_every_format(make_image, name, exiftool, tmp_path) -> None:
    src = make_image(name, 96, 64)
    fmt = {"jpg": "jpeg", "tif": "tiff"}.get(src.suffix[1:], src.suffix[1:])
    values = build_cmi(full_profile(), filename="harbour.jpg")
    out = tmp_path / f"out{src.suffix}"
    out.write_bytes(write(src.read_bytes(), fmt, WritePlan(values)))

    meta = read_metadata(out)
    for key, value in values.items():
        if fmt == "webp" and key.startswith("Iptc."):
            assert meta.get(key) is None  # WebP has no IPTC block
            continue
        assert meta.get(key) == value, key

    second = exiftool_read(out)
    assert second["XMP-dc:Creator"] == CREATOR
    assert second["XMP-dc:Title"] == "Dawn over harbour.jpg"
    assert second["XMP-xmpRights:WebStatement"] == "https://zoe.example/rights"
    assert second["XMP-xmpRights:Marked"] is True
    assert second["XMP-plus:DataMining"].endswith("DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING")
    assert second["XMP-iptcExt:DigitalSourceType"].endswith("compositeWithTrainedAlgorithmicMedia")
    assert second["XMP-iptcCore:CreatorWorkEmail"] == "zoe@example.org"
    assert second["XMP-plus:LicensorName"] == "Zoë Licensing"
    assert second["XMP-artguardAI:Prompt"] == "a lighthouse, ink"
    assert second["IFD0:Artist"] == CREATOR
    assert second["IFD0:Copyright"].endswith(CREATOR)
    if fmt != "webp":
        assert second["IPTC:By-line"] == CREATOR
        assert second["IPTC:Credit"] == "Studio Ünïcode"
        assert second["IPTC:CodedCharacterSet"] == "UTF8"


@pytest.mark.parametrize("name", ["a.jpg", "a.png", "a.webp", "a.tif"])
def test_metadata_only_write_keeps_pixels_identical(make_image, name) -> None:
    src = make_image(name, 120, 80, seed=3)
    fmt = {"jpg": "jpeg", "tif": "tiff"}.get(src.suffix[1:], src.suffix[1:])
    out = src.with_name("out" + src.suffix)
    out.write_bytes(write(src.read_bytes(), fmt, WritePlan(build_cmi(full_profile()))))
    before, after = np.asarray(Image.open(src)), np.asarray(Image.open(out))
    assert before.shape == after.shape
    assert np.array_equal(before, after)


def test_jpeg_splice_copies_scan_data_byte_for_byte(make_image) -> None:
    src = make_image("a.jpg", 300, 200)
    data = src.read_bytes()
    out = write(data, "jpeg", WritePlan(build_cmi(full_profile())))
    scan = data.index(b"\xff\xda")
    assert out.endswith(data[scan:])
    assert len(out) > len(data)


def test_camera_data_is_kept_and_privacy_scrubbed(corpus, tmp_path, exiftool) -> None:
    src = corpus / "jpg" / "gps" / "DSCN0010.jpg"
    before = read_metadata(src)
    assert any(k.startswith("Exif.GPSInfo.") for k in before.exif)
    out = tmp_path / "out.jpg"
    out.write_bytes(write(src.read_bytes(), "jpeg", WritePlan(build_cmi(full_profile()))))
    after = read_metadata(out)
    assert not any("GPS" in k for k in after.merged())
    for key in ("Exif.Image.Make", "Exif.Image.Model", "Exif.Photo.ExposureTime", "Exif.Photo.FNumber"):
        assert after.get(key) == before.get(key)
    assert any(k.startswith("Exif.Nikon") for k in after.exif), "maker note kept"
    second = exiftool_read(out, "GPS:all", "Make")
    assert "GPS:GPSLatitude" not in second and second["IFD0:Make"] == "NIKON"


def test_keep_gps_keeps_location(corpus, tmp_path) -> None:
    src = corpus / "jpg" / "gps" / "DSCN0010.jpg"
    plan = WritePlan(build_cmi(full_profile()), scrub=ScrubOptions(keep_gps=True))
    after = read_metadata(write(src.read_bytes(), "jpeg", plan))
    assert after.get("Exif.GPSInfo.GPSLatitude") == read_metadata(src).get("Exif.GPSInfo.GPSLatitude")


def test_serial_numbers_and_owner_are_scrubbed(corpus) -> None:
    candidates = [p for p in (corpus / "jpg").rglob("*.jp*g") if "invalid" not in p.parts]
    with_serial = []
    for path in candidates:
        try:
            keys = read_metadata(path).merged()
        except CorruptImage:
            continue
        if any("SerialNumber" in k or "OwnerName" in k for k in keys):
            with_serial.append(path)
    assert with_serial, "the corpus has camera serial numbers"
    for path in with_serial[:5]:
        after = read_metadata(write(path.read_bytes(), "jpeg", WritePlan({}))).merged()
        assert not [k for k in after if "SerialNumber" in k or "OwnerName" in k], path.name
        kept = read_metadata(write(path.read_bytes(), "jpeg", WritePlan({}, scrub=ScrubOptions(keep_private=True)))).merged()
        assert [k for k in kept if "SerialNumber" in k or "OwnerName" in k]


def test_truncated_and_non_jpeg_headers_raise_corrupt_image() -> None:
    with pytest.raises(CorruptImage):
        write(b"\xff\xd8\xff\xe1\x00\x10Exif", "jpeg", WritePlan({}))
    with pytest.raises(CorruptImage):
        write(b"hello", "jpeg", WritePlan({}))


def test_iptc_values_are_truncated_to_the_iim_limit_on_a_character_boundary() -> None:
    profile = RightsProfile(creator="山" * 20)
    values = build_cmi(profile)
    assert values["Xmp.dc.creator"] == "山" * 20
    assert len(values["Iptc.Application2.Byline"].encode()) <= 32
    assert values["Iptc.Application2.Byline"] == "山" * 10


def test_every_table_field_has_keys() -> None:
    assert set(CMI_FIELDS) >= {"creator", "copyright", "web_statement", "data_mining", "source_type", "document_id"}
