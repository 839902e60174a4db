"""The invisible mark read blind after the geometry re-posters add: mirror, rotation,
x and y stretched apart, and a wider scale range; never read from unmarked images."""

from __future__ import annotations

import pytest
from PIL import Image

from artguard.watermark import invisible as wm
from tests.images import textured
from tests.platform_attacks import border, crop, jpeg, mirror, rotate, stretch

KEY = bytes(range(32))
PAYLOAD = wm.make_payload(0x123456, 0x0ABCDE)

# attack -> (mirrored, rotation in degrees counter-clockwise, y/x stretch) the detector reports
WIDE = {
    "mirror": (mirror, True, 0.0, 1.0),
    "rotate-2": (lambda i: rotate(i, 2), False, 2.0, 1.0),
    "rotate-minus-5": (lambda i: rotate(i, -5), False, -5.0, 1.0),
    "stretch-100x90": (stretch, False, 0.0, 0.9),
    "stretch-90x100-q70": (lambda i: jpeg(stretch(i, 0.9, 1.0), 70), False, 0.0, 1 / 0.9),
    "mirror-rotate-2-half": (lambda i: jpeg(rotate(mirror(i), 2).reduce(2), 80), True, 2.0, 1.0),
    # periods below ~0.95 of the original's: twice the period is also in the searched range
    "stretch-100x80-half": (lambda i: jpeg(stretch(i, 1.0, 0.8).reduce(2), 80), False, 0.0, 0.8),
    "framed-rotate-2": (lambda i: rotate(border(i, 0.08), 2), False, 2.0, 1.0),
}


@pytest.fixture(scope="module")
def marked() -> tuple[Image.Image, Image.Image]:
    original = textured(1280, 960, seed=11)
    return original, wm.embed(original, PAYLOAD, KEY)


@pytest.mark.parametrize("attack", list(WIDE))
def test_geometry_is_undone_and_the_mark_read_blind(marked: tuple[Image.Image, Image.Image], attack: str) -> None:
    edit, mirrored, rotation, ratio = WIDE[attack]
    found = wm.detect(edit(marked[1]), KEY)
    assert found is not None and found.payload == PAYLOAD
    assert found.false_positive_p <= 1e-6
    assert found.mirrored is mirrored
    assert found.rotation == pytest.approx(rotation, abs=0.3)
    assert found.stretch == pytest.approx(ratio, rel=0.02)


@pytest.mark.parametrize("keep", [0.53, 0.6])
def test_scale_range_goes_past_the_blind_search(marked: tuple[Image.Image, Image.Image], keep: float) -> None:
    """A crop keeping 53 % of each side (grid scale 1.89) is beyond the blind scale search
    (0.7-1.8) and within the wide one; the other crop is within both."""
    found = wm.detect(jpeg(crop(marked[1], keep), 85), KEY)
    assert found is not None and found.payload == PAYLOAD
    assert found.scale == pytest.approx(1 / keep, rel=0.01)


@pytest.mark.parametrize("edit", [lambda i: i, mirror, lambda i: rotate(i, 2), stretch], ids=["as-is", "mirror", "rotate-2", "stretch"])
def test_unmarked_images_stay_unmarked_under_the_wide_search(edit) -> None:
    for seed in range(4):
        assert wm.detect(edit(textured(900, 675, seed=300 + seed)), KEY) is None


def test_wrong_key_reads_nothing_after_rotation(marked: tuple[Image.Image, Image.Image]) -> None:
    assert wm.detect(rotate(marked[1], 2), bytes(32)) is None


def test_inspect_reads_the_id_of_a_mirrored_rotated_repost(artguard_home, tmp_path, capsys) -> None:
    """The user-facing path: `artguard inspect` on a protected file that was mirrored,
    turned 2 degrees and re-encoded names the same invisible id as the embed did."""
    import json

    from artguard.cli import main

    src = tmp_path / "art.jpg"
    textured(1200, 900, seed=21).save(src, quality=92)
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--invisible", "--no-c2pa", "--creator", "Jane Doe", "--json"]) == 0
    embedded = json.loads(capsys.readouterr().out)["files"][0]
    repost = tmp_path / "repost.jpg"
    rotate(mirror(Image.open(embedded["output"])), 2).save(repost, quality=80)
    assert main(["inspect", str(repost), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["watermark"]["id"] == embedded["watermark_id"]
