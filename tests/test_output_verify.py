"""Every output is read back before its rename: a broken output is a per-file error, is
never left on disk and never recorded in the catalog."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from artguard.catalog import Catalog
from artguard.cli import main
from artguard.errors import CorruptImage
from artguard.metadata import read_metadata
from artguard.verify import verify_output


def stray_ff00_jpeg(src: Path, dst: Path) -> Path:
    """A JPEG with a pseudo-segment ``FF 00`` + length after APP0 (readers skip it; a
    rewrite turned it into a zero-length segment that exiv2 and inspect then refused)."""
    data = src.read_bytes()
    pos = 4 + struct.unpack(">H", data[4:6])[0]
    dst.write_bytes(data[:pos] + b"\xff\x00\x00\x04ab" + data[pos:])
    return dst


def test_a_stray_ff00_segment_gives_a_valid_output(make_image, tmp_path: Path, capsys) -> None:
    """The header is spliced segment by segment, so the pseudo-segment keeps its length and
    the output reads back (the first build rewrote it with length 0, which exiv2 refused)."""
    good = make_image("in/good.jpg", 120, 80)
    bad = stray_ff00_jpeg(good, tmp_path / "in" / "stray.jpg")
    out = tmp_path / "out"
    code = main(["embed", str(good), str(bad), "-o", str(out), "--creator", "Jane", "--json"])
    files = {Path(f["input"]).name: f for f in json.loads(capsys.readouterr().out)["files"]}
    assert code == 0 and {f["status"] for f in files.values()} == {"ok"}
    assert sorted(p.name for p in out.iterdir()) == ["good.jpg", "stray.jpg"]
    data = (out / "stray.jpg").read_bytes()
    assert b"\xff\x00\x00\x04ab" in data  # the pseudo-segment as it was, length 4
    assert read_metadata(data).xmp["Xmp.dc.creator"] == "Jane"
    assert main(["inspect", str(out / "stray.jpg"), "--no-watermark"]) == 0


@pytest.mark.parametrize("fmt,name,cut", [("tiff", "a.tif", 200), ("png", "a.png", 100), ("jpeg", "a.jpg", 400), ("webp", "a.webp", 100)])
def test_truncated_outputs_fail_the_read_back(make_image, tmp_path: Path, fmt: str, name: str, cut: int) -> None:
    path = make_image(name, 200, 150)
    verify_output(path, fmt, instance_id=None, signed=False)
    path.write_bytes(path.read_bytes()[:-cut])
    with pytest.raises(CorruptImage, match="read-back check"):
        verify_output(path, fmt, instance_id=None, signed=False)


def test_missing_metadata_or_credentials_fail_the_read_back(make_image) -> None:
    path = make_image("plain.png", 64, 48)
    with pytest.raises(CorruptImage, match="metadata does not read back"):
        verify_output(path, "png", instance_id="xmp.iid:1234", signed=False)
    with pytest.raises(CorruptImage, match="Content Credentials"):
        verify_output(path, "png", instance_id=None, signed=True)
    with pytest.raises(CorruptImage, match="not a JPEG"):
        verify_output(path, "jpeg", instance_id=None, signed=False)


@pytest.mark.parametrize("fmt,name", [("jpeg", "a.jpg"), ("png", "a.png")])
def test_copied_image_data_gets_a_structural_check(make_image, fmt: str, name: str) -> None:
    path = make_image(name, 200, 150)
    verify_output(path, fmt, instance_id=None, signed=False, new_pixels=False)
    data = bytearray(path.read_bytes())
    if fmt == "jpeg":
        del data[-2:]  # no end marker
    else:
        data[-20] ^= 0xFF  # a flipped byte in a chunk: its CRC no longer matches
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptImage, match="read-back check"):
        verify_output(path, fmt, instance_id=None, signed=False, new_pixels=False)


def test_a_new_jpeg_must_carry_exactly_the_encoded_image_data(make_image, tmp_path: Path) -> None:
    """A re-encoded JPEG is checked against the encoder's bytes, not decoded again: a flipped
    byte in its scan, a cut, or image data that is not the encoder's all fail."""
    from artguard.metadata import jpeg_splice

    path = make_image("new.jpg", 240, 160)
    data = path.read_bytes()
    scan = data[jpeg_splice.scan_offset(data):]
    verify_output(path, "jpeg", instance_id=None, signed=False, encoded_scan=scan)
    flipped = bytearray(data)
    flipped[len(data) - len(scan) // 2] ^= 0x01  # still a well-formed file; the picture is not what was encoded
    path.write_bytes(bytes(flipped))
    with pytest.raises(CorruptImage, match="differs from what was encoded"):
        verify_output(path, "jpeg", instance_id=None, signed=False, encoded_scan=scan)
    path.write_bytes(data[: len(data) - len(scan) + 10])
    with pytest.raises(CorruptImage, match="read-back check"):
        verify_output(path, "jpeg", instance_id=None, signed=False, encoded_scan=scan)


def wrong_bits_per_sample_tiff(path: Path) -> Path:
    """Like Pillow's tiff_wrong_bits_per_sample.tiff: an RGBA TIFF whose BitsPerSample has
    one value instead of four and whose strip byte count is far beyond the file. Pillow
    reads it; exiv2's rewrite cuts the image data short."""
    import numpy as np
    from PIL import Image

    Image.fromarray(np.random.default_rng(2).integers(0, 255, (53, 52, 4), dtype=np.uint8), "RGBA").save(path)
    data = bytearray(path.read_bytes())
    ifd = struct.unpack("<I", data[4:8])[0]
    for i in range(struct.unpack("<H", data[ifd:ifd + 2])[0]):
        entry = ifd + 2 + 12 * i
        tag = struct.unpack("<H", data[entry:entry + 2])[0]
        if tag == 258:
            struct.pack_into("<HIHH", data, entry + 2, 3, 1, 8, 0)
        elif tag == 279:
            struct.pack_into("<HII", data, entry + 2, 4, 1, 35711440)
    path.write_bytes(bytes(data))
    return path


def test_tiff_with_wrong_bits_per_sample_is_not_reported_written(tmp_path: Path, capsys) -> None:
    src = wrong_bits_per_sample_tiff(tmp_path / "wbps.tif")
    code = main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Jane", "--json"])
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert code == 1 and entry["status"] == "error" and "read-back check" in entry["error"]
    assert not list((tmp_path / "out").iterdir()) and Catalog().list() == []
