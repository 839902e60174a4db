"""Checking copies: platform copies of protected outputs are traced and their CMI diffed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from artguard.catalog import Catalog
from artguard.check import check_copy, check_many
from artguard.cli import main
from artguard.metadata import read_metadata
from tests.httpsite import serve
from tests.images import textured


@pytest.fixture
def published(tmp_path: Path, make_image) -> dict[str, Path]:
    """Two originals protected through ``artguard embed`` (CMI + C2PA, recorded in the catalog)."""
    originals = [make_image(f"in/art{i}.jpg", 720, 540, seed=60 + i) for i in range(2)]
    rc = main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Ana Artist",
               "--copyright", "© 2026 Ana Artist", "--web-statement", "https://ana.example/licence"])
    assert rc == 0
    return {"original": originals[0], "output": tmp_path / "out" / "in" / "art0.jpg", "other": tmp_path / "out" / "in" / "art1.jpg"}


def _save(img: Image.Image, path: Path, **options) -> Path:
    img.save(path, **options)
    return path


def _platform_copies(output: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (copy, expected verdict), made the way platforms and scrapers make them."""
    img = Image.open(output)
    img.load()
    w, h = img.size
    exif = img.info.get("exif")
    keep = folder / "keep-everything.jpg"
    keep.write_bytes(output.read_bytes())
    return {
        "keep everything": (keep, "intact"),
        "strip all metadata": (_save(img, folder / "stripped.jpg", quality=95), "stripped"),
        "jpeg q60": (_save(img, folder / "q60.jpg", quality=60), "stripped"),
        "jpeg q90 half size": (_save(img.resize((w // 2, h // 2)), folder / "half.jpg", quality=90), "stripped"),
        "quarter size png": (_save(img.resize((w // 4, h // 4)), folder / "quarter.png"), "stripped"),
        "webp": (_save(img, folder / "copy.webp", quality=75), "stripped"),
        "crop 10% per side": (_save(img.crop((w // 10, h // 10, w - w // 10, h - h // 10)), folder / "crop.jpg", quality=85), "stripped"),
        "strip only XMP (EXIF kept)": (_save(img, folder / "noxmp.jpg", quality=92, exif=exif), "partially-stripped"),
    }


def test_platform_copies_are_traced_with_the_right_verdict(published, tmp_path: Path) -> None:
    folder = tmp_path / "found"
    folder.mkdir()
    catalog = Catalog()
    expected_output = str(published["output"].resolve())
    for name, (copy, verdict) in _platform_copies(published["output"], folder).items():
        result = check_copy(copy, catalog=catalog)
        assert result.match is not None, name
        assert result.match.publication.output.path == expected_output, name
        assert result.verdict == verdict, (name, result.fields)
    kept = check_copy(folder / "keep-everything.jpg", catalog=catalog)
    assert kept.match.method == "sha256" and kept.c2pa["state"] == "valid"
    assert set(kept.fields.values()) == {"intact"} and {"creator", "copyright", "web_statement", "data_mining"} <= set(kept.fields)
    noxmp = check_copy(folder / "noxmp.jpg", catalog=catalog)
    assert noxmp.fields["creator"] == "thinned"  # EXIF Artist survived, XMP dc:creator did not
    assert noxmp.field_values["creator"]["blocks_lost"] == ["IPTC", "XMP"]
    assert noxmp.fields["web_statement"] == "stripped"
    assert noxmp.match.method == "phash" and 0 < noxmp.match.confidence <= 1


def test_copy_carrying_its_xmp_id_is_identified_by_it(published, tmp_path: Path) -> None:
    """Re-encoded pixels but XMP kept: the InstanceID names the publication."""
    import exiv2

    copy = tmp_path / "xmp-kept.jpg"
    textured(300, 200, seed=999).save(copy, quality=80)  # other pixels: only the id can match
    meta = read_metadata(published["output"])
    image = exiv2.ImageFactory.open(str(copy))
    image.readMetadata()
    xmp = image.xmpData()
    xmp["Xmp.xmpMM.InstanceID"] = meta.xmp["Xmp.xmpMM.InstanceID"]
    image.writeMetadata()
    result = check_copy(copy)
    assert result.match.method == "xmp-id"
    assert result.match.publication.output.path == str(published["output"].resolve())
    assert result.fields["instance_id"] == "intact" and result.fields["creator"] == "stripped"


def test_unrelated_images_never_match(published, tmp_path: Path, make_image) -> None:
    paths = [make_image(f"other/{i}.jpg", 500, 400, seed=200 + i) for i in range(8)]
    for result in check_many([tmp_path / "other"]):
        assert result.status == "ok"
        assert result.match is None, result.path
        assert result.verdict == "unknown" and result.fields == {}
    assert len(paths) == 8


def test_without_a_match_the_carried_cmi_is_reported(published, tmp_path: Path, artguard_home: Path) -> None:
    """An empty catalog: the protected file still shows its CMI and Content Credentials."""
    result = check_copy(published["output"], catalog=Catalog(tmp_path / "empty.sqlite3"))
    assert result.match is None and result.verdict == "unknown"
    assert result.carried["creator"]["Xmp.dc.creator"] == "Ana Artist"
    assert result.c2pa["state"] == "valid"


@pytest.fixture
def http_folder(tmp_path: Path):
    root = tmp_path / "www"
    root.mkdir()
    with serve(root) as base:
        yield root, base


def test_url_is_downloaded_and_checked(published, http_folder, capsys) -> None:
    root, base = http_folder
    img = Image.open(published["output"])
    img.resize((360, 270)).save(root / "repost.webp", quality=70)
    (root / "page.html").write_text("<html>not an image</html>")
    rc = main(["check", f"{base}/repost.webp", f"{base}/page.html", f"{base}/missing.jpg", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1
    ok, page, missing = out["files"]
    assert ok["status"] == "ok" and ok["url"] == f"{base}/repost.webp" and ok["downloaded_at"]
    assert ok["match"]["output"] == str(published["output"].resolve()) and ok["verdict"] == "stripped"
    assert page["status"] == "error" and "not an image" in page["error"]
    assert missing["status"] == "error" and "404" in missing["error"]


def test_broken_and_non_image_inputs_give_a_clear_error(tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.jpg"
    textured(200, 150, seed=1).save(good, quality=90)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(good.read_bytes()[:400])
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    rc = main(["check", str(truncated), str(text), str(empty), str(tmp_path / "absent.jpg"), str(good)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 1
    assert len(err) == 4 and all(": error: " in line for line in err)
    assert "not an image" in err[1] and "empty" in err[2] and "No such file" in err[3]


def test_check_json_has_the_documented_shape(published, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "c.jpg"
    Image.open(published["output"]).save(copy, quality=80)
    assert main(["check", str(copy), "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert {"path", "match", "c2pa", "fields", "verdict"} <= set(entry)
    assert set(entry["match"]) >= {"original", "output", "method", "distance"}
    assert entry["match"]["original"] == str(published["original"].resolve())
    assert entry["c2pa"]["state"] == "absent"


def test_a_report_with_another_suffix_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["check", str(tmp_path), "--report", str(tmp_path / "r.txt")]) == 2


def test_a_flat_picture_is_never_claimed_and_says_why(tmp_path) -> None:
    """A solid grey image has nothing to identify it by: no match, and a note saying so."""
    from PIL import Image

    from artguard.check import check_copy

    path = tmp_path / "grey.jpg"
    Image.new("RGB", (800, 400), (137, 137, 137)).save(path, quality=90)
    result = check_copy(path)
    assert result.match is None
    assert "the picture is one flat colour: nothing in it can identify an original" in result.notes
