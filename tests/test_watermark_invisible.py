"""Invisible watermark: survives re-posting, stays invisible, never invents an id."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from artguard.errors import ArtGuardError
from artguard.watermark import invisible as wm
from tests.images import textured
from tests.platform_attacks import crop, half, jpeg, repost_2048, webp

KEY = bytes(range(32))
PAYLOAD = wm.make_payload(0xA1B2C3, 0x0D0E0F)


ATTACKS = {
    "jpeg-q70": lambda i: jpeg(i, 70),
    "webp-q75": lambda i: webp(i, 75),
    "resize-50": half,
    "crop-90": crop,
    "2048px-q80": repost_2048,
    "brightness+10": lambda i: ImageEnhance.Brightness(i).enhance(1.1),
    "brightness-10": lambda i: ImageEnhance.Brightness(i).enhance(0.9),
    "contrast+10": lambda i: ImageEnhance.Contrast(i).enhance(1.1),
    "contrast-10": lambda i: ImageEnhance.Contrast(i).enhance(0.9),
    "png-to-jpeg": lambda i: jpeg(Image.open(io.BytesIO(_png(i))), 75),
    "crop+resize+jpeg": lambda i: jpeg(half(crop(i)), 70),
    "brightness+crop+2048+webp": lambda i: webp(repost_2048(crop(ImageEnhance.Brightness(i).enhance(1.1))), 75),
}


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _psnr(a: Image.Image, b: Image.Image) -> float:
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    return 10 * np.log10(255.0**2 / np.mean((x - y) ** 2))


@pytest.fixture(scope="module")
def marked() -> tuple[Image.Image, Image.Image]:
    original = textured(1280, 960, seed=7)
    return original, wm.embed(original, PAYLOAD, KEY)


def test_payload_packs_owner_and_image_id() -> None:
    assert wm.PAYLOAD_BITS >= 48
    assert wm.split_payload(wm.make_payload(0xFFFFFF, 0x000001)) == (0xFFFFFF, 1)
    with pytest.raises(ValueError):
        wm.make_payload(1 << 24, 0)


def test_embed_keeps_size_mode_and_quality(marked: tuple[Image.Image, Image.Image]) -> None:
    original, out = marked
    assert out.size == original.size and out.mode == "RGB"
    assert _psnr(original, out) >= 40.0
    found = wm.detect(out, KEY)
    assert found is not None
    assert (found.owner_id, found.image_id) == (0xA1B2C3, 0x0D0E0F)
    assert found.false_positive_p <= 1e-6 and found.confidence > 0.999999


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_decodes_after_attack(marked: tuple[Image.Image, Image.Image], attack: str) -> None:
    found = wm.detect(ATTACKS[attack](marked[1]), KEY)
    assert found is not None and found.payload == PAYLOAD


def test_unmarked_images_report_no_watermark() -> None:
    for seed in range(12):
        assert wm.detect(textured(640, 480, seed=100 + seed), KEY) is None


def test_wrong_key_reads_nothing(marked: tuple[Image.Image, Image.Image]) -> None:
    assert wm.detect(marked[1], bytes(32)) is None


def test_flat_colour_stays_untouched() -> None:
    flat = Image.new("RGB", (800, 600), (120, 160, 200))
    out = wm.embed(flat, PAYLOAD, KEY)
    diff = np.abs(np.asarray(out, dtype=np.int16) - np.asarray(flat, dtype=np.int16))
    assert diff.max() <= 1


def test_too_small_image_is_refused_with_a_message() -> None:
    with pytest.raises(ArtGuardError, match="too small"):
        wm.embed(textured(400, 300), PAYLOAD, KEY)
    assert wm.detect(textured(200, 150), KEY) is None


@pytest.mark.parametrize("mode", ["RGBA", "L", "I;16"])
def test_other_modes_keep_mode_and_alpha(mode: str) -> None:
    src = textured(768, 576, seed=3)
    if mode == "RGBA":
        src = src.convert("RGBA")
        src.putalpha(Image.linear_gradient("L").resize(src.size))
    elif mode == "I;16":
        src = Image.fromarray((np.asarray(src.convert("L"), dtype=np.uint16) * 257))
    else:
        src = src.convert(mode)
    out = wm.embed(src, PAYLOAD, KEY)
    assert out.mode == src.mode and out.size == src.size
    if mode == "RGBA":
        assert out.getchannel("A").tobytes() == src.getchannel("A").tobytes()
    found = wm.detect(out, KEY)
    assert found is not None and found.payload == PAYLOAD


def test_key_is_created_private_and_stable(artguard_home: Path) -> None:
    key = wm.watermark_key()
    path = artguard_home / "identity" / "watermark.key"
    assert len(key) == 32 and path.read_bytes() == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert wm.watermark_key() == key


@pytest.mark.parametrize("name", ["jpg/exif-org/nikon-e950.jpg", "jpg/tests/11-tests.jpg"])
def test_corpus_photo_survives_repost(corpus: Path, name: str) -> None:
    img = Image.open(corpus / name).convert("RGB")
    out = wm.embed(img, PAYLOAD, KEY)
    assert _psnr(img, out) >= 40.0
    for attack in ("jpeg-q70", "crop-90", "resize-50", "crop+resize+jpeg"):
        if attack == "crop+resize+jpeg" and max(img.size) < 1024:
            continue  # the half-size crop is below the mark's minimum size
        found = wm.detect(ATTACKS[attack](out), KEY)
        assert found is not None and found.payload == PAYLOAD, attack
