"""Platform presets: crop geometry, one folder per preset, the invisible mark's default,
users' own presets and rename templates — real files written and read back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artguard import imaging, presets
from artguard.batch import EmbedJob, preset_jobs, run_batches
from artguard.cli import main
from artguard.errors import ArtGuardError
from artguard.metadata import read_metadata
from artguard.pipeline import EmbedOptions, RunContext
from artguard.profile import RightsProfile


def embed_json(capsys, *argv: str) -> dict:
    code = main(["embed", *argv, "--creator", "Zoë", "--no-c2pa", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0, doc
    return doc


@pytest.mark.parametrize(
    ("size", "aspect", "centre", "box"),
    [
        ((2000, 1500), (4, 5), (0.5, 0.5), (400, 0, 1600, 1500)),
        ((2000, 1500), (1, 1), (0.0, 0.5), (0, 0, 1500, 1500)),  # pushed back inside the left edge
        ((2000, 1500), (1, 1), (1.0, 0.5), (500, 0, 2000, 1500)),
        ((1000, 3000), (4, 5), (0.5, 0.1), (0, 0, 1000, 1250)),
        ((1000, 3000), (4, 5), (0.5, 0.5), (0, 875, 1000, 2125)),
        ((640, 480), None, (0.5, 0.5), (0, 0, 640, 480)),
    ],
)
def test_crop_box_is_the_largest_box_of_that_shape_where_the_user_put_it(size, aspect, centre, box) -> None:
    assert imaging.crop_box(size, aspect, centre) == box


def test_every_builtin_preset_is_valid_and_cites_its_numbers() -> None:
    keys = [p.key for p in presets.BUILTIN]
    assert {"instagram-square", "instagram-portrait", "x", "bluesky", "mastodon", "artstation",
            "deviantart", "behance", "site", "archive"} <= set(keys)
    for preset in presets.BUILTIN:
        preset.validate()
        assert preset.note, preset.key
    assert presets.get("archive").lossless and not presets.get("site").lossless


def test_instagram_portrait_crops_before_resizing_and_follows_the_moved_box(make_image, tmp_path) -> None:
    src = make_image("in/wide.png", 2000, 1500, seed=4)
    job = EmbedJob([src], tmp_path / "out", EmbedOptions(RightsProfile(creator="Zoë"), sign_c2pa=False),
                   crop_centres={str(src): (0.0, 0.5)})
    [portrait] = preset_jobs(job, [presets.get("instagram-portrait")], invisible=False)
    summary = run_batches([portrait], ctx=RunContext())
    out = Path(summary.results[0].output)
    assert out == tmp_path / "out" / "instagram-portrait" / "wide.jpg"
    with Image.open(out) as img:
        assert img.size == (1080, 1350) and img.format == "JPEG"
        got = np.asarray(img.convert("RGB"), dtype=np.float32)
    with Image.open(src) as original:
        expected = np.asarray(original.convert("RGB").crop((0, 0, 1200, 1500)).resize((1080, 1350), Image.LANCZOS), dtype=np.float32)
        centred = np.asarray(original.convert("RGB").crop((400, 0, 1600, 1500)).resize((1080, 1350), Image.LANCZOS), dtype=np.float32)
    assert np.abs(got - expected).mean() < 6, "the left-hand box, as the user placed it"
    assert np.abs(got - centred).mean() > 2 * np.abs(got - expected).mean()
    assert read_metadata(out).get("Xmp.dc.creator") == "Zoë"


def test_several_presets_write_one_folder_each_and_the_mark_follows_reencoding(make_image, tmp_path, capsys) -> None:
    src = make_image("art/piece.png", 1200, 900, seed=2)
    doc = embed_json(capsys, f"{tmp_path / 'art'}/", "-o", str(tmp_path / "out"),
                     "--preset", "instagram-square", "--preset", "site", "--preset", "archive")
    by_folder = {Path(f["output"]).parent.name: f for f in doc["files"]}
    assert set(by_folder) == {"instagram-square", "site", "archive"}
    assert all(entry["preset"] == folder for folder, entry in by_folder.items())
    square = Path(by_folder["instagram-square"]["output"])
    with Image.open(square) as img:
        assert img.size == (900, 900) and img.format == "JPEG"  # never enlarged past the source
    site = Path(by_folder["site"]["output"])
    assert site.suffix == ".webp" and Image.open(site).size == (1200, 900)
    archive = Path(by_folder["archive"]["output"])
    assert archive.suffix == ".png"
    assert np.array_equal(np.asarray(Image.open(archive)), np.asarray(Image.open(src))), "lossless"
    assert by_folder["instagram-square"].get("watermark_id") is not None
    assert by_folder["site"].get("watermark_id") is not None
    assert "watermark_id" not in by_folder["archive"], "no mark in a lossless metadata-only copy"


def test_the_invisible_toggle_lives_with_the_output_settings(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg", 900, 700)
    plain = embed_json(capsys, str(src), "-o", str(tmp_path / "plain"))["files"][0]
    assert "watermark_id" not in plain, "metadata-only: off by default"
    web = embed_json(capsys, str(src), "-o", str(tmp_path / "web"), "--max-size", "800")["files"][0]
    assert web["watermark_id"] is not None, "a web copy: on by default"
    off = embed_json(capsys, str(src), "-o", str(tmp_path / "off"), "--max-size", "800", "--no-invisible")["files"][0]
    assert "watermark_id" not in off
    forced = embed_json(capsys, str(src), "-o", str(tmp_path / "forced"), "--invisible")["files"][0]
    assert forced["watermark_id"] is not None


def test_a_small_image_goes_without_the_default_mark_but_fails_when_it_was_asked_for(make_image, tmp_path, capsys) -> None:
    src = make_image("in/tiny.jpg", 200, 150)
    entry = embed_json(capsys, str(src), "-o", str(tmp_path / "out"), "--max-size", "180")["files"][0]
    assert entry["status"] == "ok" and "no invisible mark" in entry["note"]
    code = main(["embed", str(src), "-o", str(tmp_path / "out2"), "--creator", "Z", "--no-c2pa", "--max-size", "180", "--invisible"])
    assert code == 1 and "too small" in capsys.readouterr().err


def test_users_save_their_own_presets_under_artguard_home(make_image, tmp_path, capsys, artguard_home) -> None:
    assert main(["preset", "save", "tall", "--from", "instagram-portrait", "--aspect", "2:3", "--max-size", "900"]) == 0
    saved = json.loads((artguard_home / "presets" / "tall.json").read_text())
    assert saved["aspect"] == [2, 3] and saved["max_size"] == 900 and saved["format"] == "jpeg"
    capsys.readouterr()
    assert main(["preset", "list"]) == 0
    assert "tall" in capsys.readouterr().out
    src = make_image("in/a.png", 1200, 900)
    out = Path(embed_json(capsys, str(src), "-o", str(tmp_path / "out"), "--preset", "tall")["files"][0]["output"])
    assert out.parent.name == "tall" and Image.open(out).size == (600, 900)
    assert main(["preset", "delete", "tall"]) == 0
    with pytest.raises(ArtGuardError, match="no preset named 'tall'"):
        presets.get("tall")


def test_an_unknown_preset_is_a_usage_error_before_any_folder(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg")
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Z", "--preset", "myspace"]) == 2
    assert "no preset named 'myspace'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_rename_templates_name_outputs_by_preset_and_number(make_image, tmp_path, capsys) -> None:
    make_image("in/b.jpg", seed=1)
    make_image("in/a.jpg", seed=2)
    doc = embed_json(capsys, f"{tmp_path / 'in'}/", "-o", str(tmp_path / "out"), "--preset", "bluesky",
                     "--rename", "{name}-{preset}-{n}", "--no-invisible")
    assert sorted(Path(f["output"]).name for f in doc["files"]) == ["a-bluesky-1.jpg", "b-bluesky-2.jpg"]
    code = main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "x"), "--creator", "Z", "--rename", "{title}"])
    assert code == 2 and "unknown field in name template: {title}" in capsys.readouterr().err


def test_a_platform_byte_limit_lowers_the_quality_until_the_copy_fits(tmp_path, capsys) -> None:
    from tests.images import textured

    grain = np.random.default_rng(3).normal(0, 16, (1500, 2000, 3))
    noisy = (np.asarray(textured(2000, 1500, 1, "RGB"), dtype=np.float64) + grain).clip(0, 255).astype(np.uint8)
    src = tmp_path / "in" / "grainy.png"
    src.parent.mkdir()
    Image.fromarray(noisy).save(src)
    import io

    plain = io.BytesIO()
    Image.fromarray(noisy).save(plain, "JPEG", quality=85)
    assert len(plain.getvalue()) > 1_000_000, "the test image must be too big at the preset's quality"
    code = main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Zoë", "--preset", "bluesky", "--json"])
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert code == 0 and "note" not in entry
    out = Path(entry["output"])
    assert 500_000 < out.stat().st_size <= 1_000_000
    assert Image.open(out).size == (2000, 1500)
    assert read_metadata(out).get("Xmp.dc.creator") == "Zoë"


def test_the_command_line_places_the_crop_by_name(make_image, tmp_path, capsys) -> None:
    src = make_image("in/wide.png", 1200, 600, seed=6)
    doc = embed_json(capsys, str(src), "-o", str(tmp_path / "out"), "--preset", "instagram-square",
                     "--crop-position", "right", "--no-invisible")
    with Image.open(doc["files"][0]["output"]) as img, Image.open(src) as original:
        got = np.asarray(img.convert("RGB"), dtype=np.float32)
        right = np.asarray(original.convert("RGB").crop((600, 0, 1200, 600)), dtype=np.float32)
        left = np.asarray(original.convert("RGB").crop((0, 0, 600, 600)), dtype=np.float32)
    assert got.shape == (600, 600, 3)
    assert np.abs(got - right).mean() < np.abs(got - left).mean() / 2
    with pytest.raises(SystemExit) as usage:
        main(["embed", str(src), "-o", str(tmp_path / "x"), "--creator", "Z", "--crop-position", "middle"])
    assert usage.value.code == 2 and "--crop-position" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
