"""Pixel work in strips, so memory stays bounded for 200 MP inputs, with exactly the pixels
the whole-image computation gives (invisible mark; palette and 1-bit thumbnails)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageChops

from artguard.watermark import invisible
from tests.images import textured


def _whole_image(img: Image.Image, delta: np.ndarray) -> Image.Image:
    """The reference: upsample the offset to full size at once, then add it."""
    offset = Image.fromarray(np.clip(np.rint(delta) + 128, 0, 255).astype(np.uint8)).resize(img.size, Image.Resampling.BILINEAR)
    colour = 3 if img.mode in ("RGB", "RGBA") else 1
    bands = [offset] * colour + [Image.new("L", img.size, 128)] * (len(img.getbands()) - colour)
    layer = offset if len(bands) == 1 else Image.merge(img.mode, bands)
    return ImageChops.add(img, layer, 1.0, -128)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_strips_give_the_whole_image_result(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    img = textured(1021, 767, seed=3, mode=mode)
    delta = np.random.default_rng(1).normal(0, 3, (97, 129)).astype(np.float32)
    monkeypatch.setattr(invisible, "_ONE_PASS_PIXELS", 0)
    monkeypatch.setattr(invisible, "_STRIP_PIXELS", 1021 * 50)  # 16 strips, the last one short
    strips = invisible._apply(img, delta)
    assert np.array_equal(np.asarray(strips), np.asarray(_whole_image(img, delta)))
    assert strips is not img


def test_in_place_embed_marks_the_given_image_and_detects(monkeypatch: pytest.MonkeyPatch) -> None:
    key = bytes(range(32))
    img = textured(1600, 1200, seed=5)
    copy = invisible.embed(img, 0xABCDEF123456, key)
    monkeypatch.setattr(invisible, "_ONE_PASS_PIXELS", 0)
    monkeypatch.setattr(invisible, "_STRIP_PIXELS", 1600 * 100)
    same = invisible.embed(img, 0xABCDEF123456, key, in_place=True)
    assert same is img and np.array_equal(np.asarray(same), np.asarray(copy))
    found = invisible.detect(same, key)
    assert found is not None and found.payload == 0xABCDEF123456


@pytest.mark.parametrize("mode", ["P", "PA-transparency", "1"])
def test_palette_reduction_in_strips_equals_the_full_size_conversion(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from artguard import imaging

    monkeypatch.setattr(imaging, "_STRIP_PIXELS", 601 * 60)  # strips of 56 rows, the last one partial
    img = textured(601, 403, seed=7)
    if mode == "1":
        img = img.convert("1")
    else:
        img = img.quantize(64)
        if mode == "PA-transparency":
            img.info["transparency"] = 5
    strips = imaging._reduce_in_strips(img, 7)
    assert np.array_equal(np.asarray(strips), np.asarray(imaging.to_rgb(img).reduce(7)))


@pytest.mark.parametrize("mode", ["P", "P-transparency", "1"])
def test_working_luma_of_palette_images_is_unchanged_by_strips(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from artguard import imaging

    monkeypatch.setattr(imaging, "_STRIP_PIXELS", 601 * 60)
    img = textured(601, 403, seed=8)
    img = img.convert("1") if mode == "1" else img.quantize(64)
    if mode == "P-transparency":
        img.info["transparency"] = 5
    target = "RGBA" if mode == "P-transparency" else "RGB"
    expected = img.convert(target).resize((61, 41), Image.Resampling.BILINEAR, reducing_gap=2.0)
    assert np.array_equal(np.asarray(imaging.resize_converted(img, target, (61, 41))), np.asarray(expected))
