"""Per-field states and per-copy verdicts on copies changed the ways copies get changed,
and the per-file warning for input metadata that cannot be read."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import exiv2
import pytest
from PIL import Image

from artguard.check import check_copy
from artguard.cli import main
from artguard.metadata import read_metadata


@pytest.fixture
def published(make_image, tmp_path: Path, capsys) -> Path:
    src = make_image("art.jpg", 640, 480, seed=11)
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Zoë", "--title", "Dawn", "--json"]) == 0
    capsys.readouterr()
    return tmp_path / "out" / "art.jpg"


def edited_copy(published: Path, tmp_path: Path, edit) -> Path:
    copy = tmp_path / "found" / "copy.jpg"
    copy.parent.mkdir(exist_ok=True)
    copy.write_bytes(published.read_bytes())
    image = exiv2.ImageFactory.open(str(copy))
    image.readMetadata()
    edit(image)
    image.writeMetadata()
    return copy


def test_changed_value_is_altered_with_old_and_new(published: Path, tmp_path: Path) -> None:
    def rename(image) -> None:  # a re-poster adds their name to the XMP creators
        image.xmpData()["Xmp.dc.creator"] = "Someone Else"

    result = check_copy(edited_copy(published, tmp_path, rename))
    assert result.fields["creator"] == "altered" and result.fields["title"] == "intact"
    assert result.field_values["creator"]["written"] == "Zoë"
    assert result.field_values["creator"]["found"] == "Zoë, Someone Else"
    assert result.verdict == "altered"
    assert result.to_json()["field_values"]["creator"]["found"] == "Zoë, Someone Else"


def test_copy_that_lost_one_block_is_thinned_never_altered(published: Path, tmp_path: Path) -> None:
    def drop_exif_artist(image) -> None:
        exif = image.exifData()
        exif.erase(exif.findKey(exiv2.ExifKey("Exif.Image.Artist")))

    result = check_copy(edited_copy(published, tmp_path, drop_exif_artist))
    assert result.fields["creator"] == "thinned"
    assert result.field_values["creator"] == {"written": "Zoë", "found": "Zoë", "blocks_lost": ["EXIF"]}
    assert result.verdict == "partially-stripped"


def test_intact_fields_with_a_broken_signature(published: Path, tmp_path: Path) -> None:
    data = bytearray(published.read_bytes())
    data[-200] ^= 0x01  # one bit of the scan data: pixels changed, metadata untouched
    copy = tmp_path / "bitflip.jpg"
    copy.write_bytes(bytes(data))
    result = check_copy(copy)
    assert result.match is not None and result.match.method == "xmp-id"
    assert set(result.fields.values()) == {"intact"}
    assert result.c2pa["state"] == "invalid"
    assert result.verdict == "credentials-broken"


def with_broken_xmp(path: Path) -> Path:
    """A camera JPEG whose XMP packet is truncated XML (as some editors leave it)."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 120, 150)).save(buf, "JPEG", exif=exif.tobytes())
    data = buf.getvalue()
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Descr'
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    path.write_bytes(data[:2] + segment + data[2:])
    return path


def test_unreadable_input_xmp_is_a_warning_and_the_rest_is_kept(tmp_path: Path, capsys) -> None:
    src = with_broken_xmp(tmp_path / "broken-xmp.jpg")
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Zoë", "--json", "--no-catalog"]) == 0
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert entry["status"] == "ok"
    assert len(entry["warnings"]) == 1 and "XMP" in entry["warnings"][0] and "malformed" in entry["warnings"][0]
    meta = read_metadata(Path(entry["output"]))
    assert meta.exif["Exif.Image.Make"] == "Canon"  # the EXIF survived
    assert meta.xmp["Xmp.dc.creator"] == "Zoë" and not meta.warnings  # fresh, readable XMP

    assert main(["embed", str(src), "-o", str(tmp_path / "out2"), "--creator", "Zoë", "--no-catalog"]) == 0
    assert f"{src}: warning: the file's XMP metadata" in capsys.readouterr().err

    assert main(["inspect", str(src), "--json", "--no-watermark"]) == 0
    assert "malformed" in json.loads(capsys.readouterr().out)["warnings"][0]
