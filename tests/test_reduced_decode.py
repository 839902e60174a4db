"""The cheap decodes behind thumbnails and fingerprints trace the same copies as a full decode.

The pipeline fingerprints an original from ``imaging.decode_reduced``: a 1/8 ``draft()``
decode of a baseline JPEG, and of a progressive one cut to the scans that scale reads
(``jpeg_scans``: the same pixels as ``draft()`` of the whole file, tested below). Measured
while writing this (12 corpus photos + 4 generated images, each upscaled to 5184 px and
saved as baseline and progressive q90): against the fingerprint of a full decode, the cheap
paths moved the uncropped 192-bit hash 0-6 bits and any of the 17 crop hashes at most 8
bits (the first cut, DC scans only, which libjpeg smooths, stayed within the same bounds).
A platform copy (50 % resize + q80) of the same images moved it 0-6 bits, and the match
threshold is 48 bits with unrelated images >= 56 bits apart: so the limits below (8
and 10 bits) keep every traced copy traced and every unrelated image unmatched.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artguard import fingerprint, imaging, jpeg_scans
from artguard.errors import CorruptImage
from tests.images import textured

GLOBAL_LIMIT = 8
CROP_LIMIT = 10
LONG_SIDE = 4200  # 1/8 of it (525 px) is above the pipeline's 512 px: the cut applies


def _jpeg(img: Image.Image, *, progressive: bool) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, progressive=progressive)
    return buf.getvalue()


def _large(img: Image.Image) -> Image.Image:
    scale = LONG_SIDE / max(img.size)
    return img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.BICUBIC)


def _distances(a: fingerprint.Fingerprint, b: fingerprint.Fingerprint) -> np.ndarray:
    """Bits differing in each of the 17 crop hashes (index 0: the uncropped image)."""
    return np.bitwise_count(np.bitwise_xor(fingerprint.blob_hashes(a.blob), fingerprint.blob_hashes(b.blob))).sum(axis=1)


def _pictures(corpus_dir: Path | None) -> list[Image.Image]:
    pictures = [textured(1600, 1200, seed=5)]
    if corpus_dir is not None:
        for name in ("mobile/HMD_Nokia_8.3_5G.jpg",):
            with Image.open(corpus_dir / "jpg" / name) as img:
                img.draft("RGB", (1600, 1600))
                pictures.append(img.convert("RGB"))
    return pictures


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_cheap_decode_fingerprint_matches_full_decode(progressive: bool) -> None:
    """Both the 512 px thumbnail and the as-decoded 1/8 image the pipeline records."""
    from tests.conftest import CORPUS

    for picture in _pictures(CORPUS if CORPUS.is_dir() else None):
        data = _jpeg(_large(picture), progressive=progressive)
        full = fingerprint.compute(imaging.thumbnail(imaging.decode(data).image, 512))
        for exact, side in ((True, 512), (False, LONG_SIDE // 8)):
            cheap_image = imaging.decode_reduced(data, 512, exact=exact).image
            assert max(cheap_image.size) == side
            cheap = fingerprint.compute(cheap_image)
            bits = _distances(full, cheap)
            assert bits[0] <= GLOBAL_LIMIT and bits.max() <= CROP_LIMIT, bits
        # and a re-posted copy still lands on this original
        index = fingerprint.FingerprintIndex([1], [cheap.blob])
        copy = imaging.decode_reduced(_jpeg(picture.resize((800, round(800 * picture.height / picture.width))), progressive=False), 512)
        assert [c.key for c in index.nearest(fingerprint.query_hash(copy.image))] == [1]


@pytest.mark.parametrize("subsampling", ["4:2:0", "4:2:2", "4:4:4", "grey"])
def test_progressive_decode_reads_a_fraction_and_gives_the_same_pixels(subsampling: str) -> None:
    img = _large(textured(1050, 787, seed=8))  # odd block counts at 1/8
    buf = io.BytesIO()
    if subsampling == "grey":
        img.convert("L").save(buf, "JPEG", quality=90, progressive=True)
    else:
        img.save(buf, "JPEG", quality=90, progressive=True, subsampling=subsampling)
    data = buf.getvalue()
    cut = jpeg_scans.eighth_scale_scans(data)
    assert cut is not None and len(cut) < len(data) / 1.8
    with Image.open(io.BytesIO(data)) as whole:  # what the first build decoded: draft() of the whole file
        whole.draft("RGB", (whole.width // 8, whole.height // 8))
        expected = np.asarray(imaging.thumbnail(whole, 512))
    np.testing.assert_array_equal(np.asarray(imaging.decode_reduced(data, 512).image), expected)


def test_baseline_and_small_requests_keep_the_whole_file_decode(make_image) -> None:
    path = make_image("base.jpg", 1200, 900)
    assert jpeg_scans.eighth_scale_scans(path.read_bytes()) is None  # baseline: every scan holds everything
    small = _jpeg(textured(1200, 900, seed=2), progressive=True)
    # 1/8 of 1200 px is below 512: draft() decodes the whole file at 1/2
    assert imaging.decode_reduced(small, 512).image.size == (512, 384)


def test_orientation_and_truncation_on_the_cut_path(tmp_path: Path) -> None:
    img = _large(textured(1600, 1200, seed=3))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise for display
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, progressive=True, exif=exif.tobytes())
    decoded = imaging.decode_reduced(buf.getvalue(), 512)
    assert decoded.original_size == (3150, LONG_SIDE) and decoded.image.size == (384, 512)
    with pytest.raises(CorruptImage):
        imaging.decode_reduced(buf.getvalue()[: len(buf.getvalue()) // 20], 512)
