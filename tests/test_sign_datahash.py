"""JPEG signing through the data-hash flow: ArtGuard hashes the file once, the SDK signs.

The result must be what the stream flow gave: a manifest store that c2pa's own Reader
validates, bound to every byte outside it, placed after the JFIF/Exif segments, and a
single store even when the input already carried one.
"""

from __future__ import annotations

import io
from pathlib import Path

import c2pa
import pytest
from PIL import Image

from artguard.metadata import jpeg_splice
from artguard.profile import RightsProfile
from artguard.provenance import datahash, ensure_identity, has_manifest, make_thumbnail, read_c2pa, sign
from tests.conftest import exiftool_read
from tests.images import textured

pytestmark = pytest.mark.skipif(not datahash.available(), reason="this c2pa-python release moved the data-hash API")
PROFILE = RightsProfile(creator="Jane Artist")


def _camera_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    buf = io.BytesIO()
    textured(640, 480, seed=4).save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def _sign(data: bytes):
    thumb = make_thumbnail(textured(160, 120, seed=1))
    return sign(data, "jpeg", PROFILE, ensure_identity("Jane Artist"), title="art.jpg", thumbnail_jpeg=thumb, edited=False)


def test_signed_jpeg_validates_with_the_sdk_reader_and_keeps_segment_order() -> None:
    data = _camera_jpeg()
    result = _sign(data)
    with c2pa.Reader("image/jpeg", io.BytesIO(result.data)) as reader:
        assert reader.get_validation_state() == "Valid"
        assert reader.json() and result.label in reader.json()
    markers = [marker for marker, _, _ in jpeg_splice.segments(result.data)]
    assert markers[:2] == [0xE0, 0xE1]  # JFIF, then Exif: still first for other readers
    assert 0xEB in markers and markers.index(0xEB) < markers.index(0xDB)  # the store, before the tables
    # the image data is the original's, byte for byte
    assert result.data.endswith(data[jpeg_splice.scan_offset(data):])
    with Image.open(io.BytesIO(result.data)) as img:
        assert img.getexif()[0x010F] == "Camera Maker"


def test_every_byte_outside_the_store_is_bound() -> None:
    result = _sign(_camera_jpeg())
    for offset in (40, len(result.data) - 100):  # in the Exif header, in the scan data
        damaged = bytearray(result.data)
        damaged[offset] ^= 0x01
        assert read_c2pa(bytes(damaged))["state"] == "invalid"


def test_an_input_that_already_has_a_store_gets_one_new_store() -> None:
    first = _sign(_camera_jpeg())
    second = _sign(first.data)  # the SDK's stream flow replaces the old store
    report = read_c2pa(second.data)
    assert report["state"] == "valid" and report["label"] == second.label != first.label
    assert has_manifest(second.data, "jpeg")


def test_exiftool_reads_the_store(tmp_path: Path, exiftool: str) -> None:
    path = tmp_path / "signed.jpg"
    path.write_bytes(_sign(_camera_jpeg()).data)
    tags = exiftool_read(path)
    assert any(key.startswith("JUMBF:") for key in tags), sorted(tags)[:20]
    assert tags.get("IFD0:Make") == "Camera Maker"
