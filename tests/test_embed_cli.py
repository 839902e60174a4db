"""``artguard embed`` end to end: real files in, real files out, read back with two readers."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artguard.catalog import Catalog
from artguard.cli import main
from artguard.metadata import read_metadata
from tests.conftest import exiftool_read

BASE = ["--creator", "Zoë 山田", "--no-c2pa", "--json"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_metadata_only_embed_is_lossless_and_leaves_the_original_alone(make_image, tmp_path, capsys, exiftool) -> None:
    src = make_image("in/photo.jpg", 640, 480)
    before_sha, before_mtime = sha(src), src.stat().st_mtime_ns
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), *BASE, "--web-statement", "https://zoe.example/r")
    assert code == 0
    entry = doc["files"][0]
    assert entry["status"] == "ok" and entry["input"] == str(src)
    out = Path(entry["output"])
    assert out == tmp_path / "out" / "photo.jpg"
    assert sha(src) == before_sha and src.stat().st_mtime_ns == before_mtime
    assert np.array_equal(np.asarray(Image.open(src)), np.asarray(Image.open(out)))
    assert entry["sha256"] == sha(out)
    tags = exiftool_read(out)
    assert tags["XMP-dc:Creator"] == "Zoë 山田" and tags["IPTC:By-line"] == "Zoë 山田"
    assert tags["XMP-xmpRights:WebStatement"] == "https://zoe.example/r"
    assert tags["XMP-xmpMM:DocumentID"].startswith("xmp.did:")


@pytest.mark.parametrize("name", ["a.png", "a.webp", "a.tif"])
def test_other_formats_embed(make_image, tmp_path, capsys, name) -> None:
    src = make_image(name, 200, 150)
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), *BASE)
    assert code == 0
    out = Path(doc["files"][0]["output"])
    assert read_metadata(out).get("Xmp.dc.creator") == "Zoë 山田"
    assert np.array_equal(np.asarray(Image.open(src)), np.asarray(Image.open(out)))


def test_folders_are_recursed_and_relative_paths_mirrored(make_image, tmp_path, capsys) -> None:
    make_image("shoot/a.jpg", seed=1)
    make_image("shoot/day2/b.png", seed=2)
    make_image("shoot/day2/deeper/c.webp", seed=3)
    (tmp_path / "shoot" / "notes.txt").write_text("not an image, not picked up")
    code, doc = run_json(capsys, "embed", str(tmp_path / "shoot"), "-o", str(tmp_path / "out"), *BASE)
    assert code == 0
    outputs = sorted(Path(f["output"]).relative_to(tmp_path / "out").as_posix() for f in doc["files"])
    assert outputs == ["shoot/a.jpg", "shoot/day2/b.png", "shoot/day2/deeper/c.webp"]


def test_bad_inputs_fail_one_by_one_and_leave_no_partial_files(make_image, tmp_path, capsys) -> None:
    good = make_image("in/good.jpg")
    truncated = tmp_path / "in" / "truncated.jpg"
    truncated.write_bytes(good.read_bytes()[:3000])
    (tmp_path / "in" / "empty.jpg").write_bytes(b"")
    (tmp_path / "in" / "text.png").write_text("this is not an image")
    Image.new("RGB", (8, 8)).save(tmp_path / "in" / "anim.gif")
    Image.new("1", (20000, 20000)).save(tmp_path / "in" / "bomb.png")
    out_dir = tmp_path / "out"
    code = main(["embed", str(tmp_path / "in"), "-o", str(out_dir), "--creator", "Z", "--no-c2pa"])
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 5, err
    assert "Traceback" not in err
    messages = {Path(line.split(": error: ")[0]).name: line.split(": error: ")[1] for line in lines}
    assert "truncated" in messages["truncated.jpg"] or "damaged" in messages["truncated.jpg"]
    assert "empty file" in messages["empty.jpg"]
    assert "not an image" in messages["text.png"]
    assert "unsupported format GIF" in messages["anim.gif"]
    assert "limit" in messages["bomb.png"] or "bomb" in messages["bomb.png"]
    written = sorted(p.name for p in out_dir.rglob("*") if p.is_file())
    assert written == ["good.jpg"]


def test_output_folder_equal_to_input_folder_is_refused_unless_suffixed(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg")
    # `in` (no trailing slash) goes to OUTDIR/in/: here that is the input folder itself
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path), "--creator", "Z", "--no-c2pa"]) == 2
    assert "input folder" in capsys.readouterr().err
    assert main(["embed", str(src), "-o", str(tmp_path / "in"), "--creator", "Z", "--no-c2pa"]) == 2
    assert "input folder" in capsys.readouterr().err
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "in"), *BASE, "--suffix", "_protected")
    assert code == 0 and Path(doc["files"][0]["output"]).name == "a_protected.jpg"


def test_resume_skips_up_to_date_outputs_and_force_redoes_them(make_image, tmp_path, capsys) -> None:
    make_image("in/a.jpg", seed=1)
    make_image("in/b.jpg", seed=2)
    args = ["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), *BASE]
    assert [f["status"] for f in run_json(capsys, *args)[1]["files"]] == ["ok", "ok"]
    assert [f["status"] for f in run_json(capsys, *args)[1]["files"]] == ["skipped", "skipped"]
    changed = run_json(capsys, *args[:-1], "--title", "New title", "--json")[1]["files"]
    assert [f["status"] for f in changed] == ["ok", "ok"], "new settings redo the files"
    assert [f["status"] for f in run_json(capsys, *args, "--force")[1]["files"]] == ["ok", "ok"]


def test_existing_foreign_file_is_not_overwritten_without_force(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg")
    (tmp_path / "out").mkdir()
    foreign = tmp_path / "out" / "a.jpg"
    foreign.write_bytes(b"user's own file")
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), *BASE)
    assert code == 1 and "use --force" in doc["files"][0]["error"]
    assert foreign.read_bytes() == b"user's own file"


def test_embed_records_original_and_output_in_the_catalog(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg")
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), *BASE)
    out = Path(doc["files"][0]["output"])
    with Catalog() as catalog:
        pubs = catalog.find_by_sha256(sha(out))
    assert len(pubs) == 1
    pub = pubs[0]
    assert pub.original.sha256 == sha(src) and pub.output.path == str(out.resolve())
    assert pub.document_id == read_metadata(out).get("Xmp.xmpMM.DocumentID")
    assert pub.fields["Xmp.dc.creator"] == "Zoë 山田"
    assert (pub.output.width, pub.output.height) == (640, 480)


def test_no_cmi_writes_no_rights_fields_but_still_scrubs(corpus, tmp_path, capsys) -> None:
    src = corpus / "jpg" / "gps" / "DSCN0010.jpg"
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), "--no-cmi", "--no-c2pa", "--json")
    assert code == 0
    meta = read_metadata(Path(doc["files"][0]["output"])).merged()
    assert "Xmp.dc.creator" not in meta and not [k for k in meta if "GPS" in k]


def test_missing_creator_is_a_usage_error(make_image, tmp_path, capsys) -> None:
    src = make_image("a.jpg")
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--no-c2pa"]) == 2
    assert "no creator" in capsys.readouterr().err


def test_profile_option_supplies_the_fields(make_image, tmp_path, capsys) -> None:
    assert main(["profile", "create", "studio", "--creator", "Studio Nord", "--credit", "Nord"]) == 0
    capsys.readouterr()
    src = make_image("a.jpg")
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), "--profile", "studio", "--no-c2pa", "--json")
    assert code == 0
    meta = read_metadata(Path(doc["files"][0]["output"]))
    assert meta.get("Iptc.Application2.Credit") == "Nord" and meta.get("Exif.Image.Artist") == "Studio Nord"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_output_folder_gives_a_clear_error(make_image, tmp_path, capsys) -> None:
    src = make_image("a.jpg")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        assert main(["embed", str(src), "-o", str(out), "--creator", "Z", "--no-c2pa"]) == 2
        assert "not writable" in capsys.readouterr().err
    finally:
        out.chmod(0o700)


def test_output_that_is_a_file_gives_a_clear_error(make_image, tmp_path, capsys) -> None:
    src = make_image("a.jpg")
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    assert main(["embed", str(src), "-o", str(blocker), "--creator", "Z", "--no-c2pa"]) == 2
    assert "is a file" in capsys.readouterr().err


def test_version_and_help(capsys) -> None:
    from artguard import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["embed"])
    assert exit_info.value.code == 2


def test_resized_web_copy_is_recorded_with_its_own_size(make_image, tmp_path, capsys) -> None:
    src = make_image("in/big.jpg", 1200, 800)
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), *BASE, "--max-size", "600", "--format", "webp")
    assert code == 0
    out = Path(doc["files"][0]["output"])
    assert out.suffix == ".webp" and Image.open(out).size == (600, 400)
    with Catalog() as catalog:
        pub = catalog.find_by_sha256(sha(out))[0]
    assert (pub.output.width, pub.output.height, pub.output.format) == (600, 400, "webp")
    assert (pub.original.width, pub.original.height, pub.original.format) == (1200, 800, "jpeg")
    assert read_metadata(out).get("Exif.Image.Orientation") == "1"


def test_no_catalog_metadata_only_copies_the_scan_data_without_reading_it(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg", 800, 600)
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), *BASE, "--no-catalog")
    assert code == 0
    out = Path(doc["files"][0]["output"])
    data = src.read_bytes()
    assert out.read_bytes().endswith(data[data.index(b"\xff\xda"):])
    assert read_metadata(out).get("Xmp.dc.creator") == "Zoë 山田"
    truncated = tmp_path / "in" / "cut.jpg"
    truncated.write_bytes(data[: len(data) // 2])
    code, doc = run_json(capsys, "embed", str(truncated), "-o", str(tmp_path / "out2"), *BASE, "--no-catalog")
    assert code == 1 and "truncated" in doc["files"][0]["error"]
    assert not (tmp_path / "out2" / "cut.jpg").exists()


def test_heic_photos_become_protected_jpegs(corpus, tmp_path, capsys, exiftool) -> None:
    src = corpus / "heic" / "IMG_5195.HEIC"
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Zoë 山田", "--json")
    assert code == 0
    entry = doc["files"][0]
    out = Path(entry["output"])
    assert out.name == "IMG_5195.jpg" and entry["format"] == "jpeg"
    with Image.open(out) as img:
        assert img.format == "JPEG" and img.size == (2566, 3313)
    tags = exiftool_read(out)
    assert tags["IFD0:Make"] == "Apple" and tags["XMP-dc:Creator"] == "Zoë 山田"
    assert "GPS:GPSLatitude" not in tags and tags.get("IFD0:Orientation") in (None, "Horizontal (normal)")
    assert entry["c2pa_label"]


@pytest.mark.parametrize(("flag", "iptc", "c2pa"), [
    ((), None, "http://c2pa.org/digitalsourcetype/empty"),
    (("--source-type", "photo"), "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
     "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"),
])
def test_how_it_was_made_is_only_claimed_when_the_artist_says_so(make_image, tmp_path, capsys, exiftool, flag, iptc, c2pa) -> None:
    """Without a stated source type nothing is claimed: no IPTC DigitalSourceType, and the
    signed created action carries C2PA's "not stated" value (a camera photo is never
    labelled hand-made digital art by default)."""
    from artguard.provenance import read_c2pa

    src = make_image("in/photo.jpg", 120, 90)
    code, doc = run_json(capsys, "embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Jane", "--no-catalog", "--json", *flag)
    assert code == 0, doc
    out = tmp_path / "out" / "photo.jpg"
    assert exiftool_read(out, "XMP-iptcExt:DigitalSourceType").get("XMP-iptcExt:DigitalSourceType") == iptc
    report = read_c2pa(out.read_bytes())
    assert report["state"] == "valid", report["errors"]
    created = next(a for a in report["manifest"]["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"][0]
    assert created["action"] == "c2pa.created" and created["digitalSourceType"] == c2pa
