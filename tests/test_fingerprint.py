"""Perceptual fingerprints: platform copies trace back, unrelated images do not."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from artguard import fingerprint
from artguard.imaging import decode_reduced
from artguard.trace.verifier import picture_box
from tests import platform_attacks as pa
from tests.images import art, textured


def _reencode(img: Image.Image, fmt: str, **options) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return decode_reduced(buf.getvalue()).image


def _crop(img: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = img.size
    return img.crop((round(left * w), round(top * h), round(w - right * w), round(h - bottom * h)))


def _platform_copies(img: Image.Image) -> dict[str, Image.Image]:
    half = img.resize((img.width // 2, img.height // 2), Image.Resampling.BICUBIC)
    quarter = img.resize((img.width // 4, img.height // 4), Image.Resampling.BICUBIC)
    marked = _crop(img, 0.05, 0.0, 0.0, 0.05)
    ImageDraw.Draw(marked).text((marked.width - 90, marked.height - 20), "@reposter", fill=(255, 255, 255))
    return {
        "jpeg q60": _reencode(img, "JPEG", quality=60),
        "webp q75": _reencode(img, "WEBP", quality=75),
        "half, jpeg q80": _reencode(half, "JPEG", quality=80),
        "quarter, png": _reencode(quarter, "PNG"),
        "crop 10% each side": _reencode(_crop(img, 0.1, 0.1, 0.1, 0.1), "JPEG", quality=85),
        "crop left+top 9%": _reencode(_crop(img, 0.09, 0.09, 0.0, 0.0), "JPEG", quality=85),
        "crop right 8%, resized": _reencode(_crop(img, 0.0, 0.0, 0.08, 0.03).resize((300, 225)), "WEBP", quality=70),
        "small text overlay": _reencode(marked, "JPEG", quality=75),
    }


def test_fingerprint_is_small_and_stable() -> None:
    img = textured(480, 360, seed=1)
    fp = fingerprint.compute(img)
    assert 0 <= fp.phash < 2**64
    assert len(fp.blob) < 1024
    assert (fp.query == fingerprint.query_hash(img)).all()
    assert fingerprint.compute(img) == fp  # deterministic: the catalog can recompute it


@pytest.mark.parametrize("seed", [3, 11])
def test_platform_copies_are_traced_to_their_original(seed: int) -> None:
    original = textured(640, 480, seed=seed)
    others = [textured(640, 480, seed=s) for s in range(20, 30)]
    index = fingerprint.FingerprintIndex(
        [1, *range(100, 110)], [fingerprint.compute(i).blob for i in [original, *others]]
    )
    for name, copy in _platform_copies(original).items():
        hits = index.nearest(fingerprint.query_hash(copy))
        assert hits, f"{name}: not traced"
        assert hits[0].key == 1, f"{name}: traced to the wrong original {hits[0]}"
        assert hits[0].distance <= fingerprint.MATCH_THRESHOLD


def test_unrelated_images_do_not_match() -> None:
    images = [textured(320, 240, seed=s) for s in range(40, 60)]
    index = fingerprint.FingerprintIndex(range(20), [fingerprint.compute(i).blob for i in images])
    for key, img in enumerate(images):
        dist = index.distances(fingerprint.query_hash(img)).min(axis=0)
        assert dist[key] == 0
        assert np.delete(dist, key).min() > fingerprint.MATCH_THRESHOLD


def test_real_photos_crops_match_only_their_own_original(corpus) -> None:
    paths = sorted((corpus / "jpg" / "gps").glob("*.jpg"))[:6] + [corpus / "jpg" / "mobile" / "jolla.jpg"]
    images = [decode_reduced(p).image for p in paths]
    index = fingerprint.FingerprintIndex(range(len(images)), [fingerprint.compute(i).blob for i in images])
    for key, img in enumerate(images):
        copy = _reencode(_crop(img, 0.08, 0.02, 0.03, 0.1).resize((200, 130)), "JPEG", quality=65)
        hits = index.nearest(fingerprint.query_hash(copy))
        assert [h.key for h in hits] == [key], paths[key].name


def test_a_foreign_blob_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fingerprint blob"):
        fingerprint.FingerprintIndex([1], [b"\x09" + bytes(8)])


def test_an_empty_index_finds_nothing() -> None:
    assert fingerprint.FingerprintIndex([], []).nearest(np.zeros(3, np.uint64)) == []


def test_mirrored_framed_and_square_copies_are_candidates() -> None:
    """The hashes only nominate candidates, but they must nominate these re-posts."""
    originals = [textured(720, 480, seed=s) for s in range(6)]
    index = fingerprint.FingerprintIndex(range(6), [fingerprint.compute(o).blob for o in originals])
    for seed, img in enumerate(originals):
        for name, copy in (("mirror", pa.mirror(img)), ("square", pa.instagram_square(img)),
                           ("border", pa.border(img, 0.08, (0, 0, 0))), ("letterbox", pa.letterbox(img))):
            box = picture_box(np.asarray(copy.convert("L").resize((512, round(512 * copy.height / copy.width)))))
            small = copy.resize((512, round(512 * copy.height / copy.width)))
            hits = index.nearest(fingerprint.query_hashes(small, box), threshold=72)
            assert hits and hits[0].key == seed, (seed, name, hits)


def test_version_2_blobs_still_load() -> None:
    img = textured(400, 300, seed=2)
    blob = fingerprint.compute(img).blob
    hashes = fingerprint.blob_hashes(blob)
    old = bytes([2]) + hashes[:17].astype(">u8").tobytes()
    upgraded = fingerprint.blob_hashes(old)
    assert upgraded.shape == hashes.shape
    assert (upgraded[:17] == hashes[:17]).all() and (upgraded[17:] == hashes[0]).all()
    with pytest.raises(ValueError):
        fingerprint.blob_hashes(b"\x07" + bytes(24))


def test_lookup_in_slices_equals_the_whole_catalog_at_once() -> None:
    """nearest() works in cache-sized slices over threads and skips the complement's pass;
    it must return exactly what comparing every stored hash with every query returns."""
    rng = np.random.default_rng(5)
    entries = 2 * fingerprint._SLICE + 37
    stored = rng.integers(0, 2**63, (entries, fingerprint.N_BOXES, 3), dtype=np.uint64)
    queries = rng.integers(0, 2**63, (3, 3), dtype=np.uint64)
    queries[0] = stored[entries - 5, 9] ^ np.uint64(0b111)  # a crop hash, in the last slice
    queries[1] = ~stored[3, 0]  # a mirrored query that is an entry's complement: far away
    queries[2] = stored[fingerprint._SLICE + 1, 0] ^ np.uint64(1)
    queries = np.vstack([queries, ~queries[:1]])
    stored[100, 0] = queries[3] ^ np.uint64(0b11)  # the complement query's match (a dark variant)
    index = fingerprint.FingerprintIndex(range(entries), [bytes([3]) + s.astype(">u8").tobytes() for s in stored])  # version 3: crops only
    bits = np.bitwise_count(stored[:, None] ^ queries[None, :, None]).sum(axis=-1)  # (entries, Q, boxes)
    shapes = np.isin(np.arange(fingerprint.N_BOXES), fingerprint._ORDER[: fingerprint._SHAPES])
    bits[:, 1:, ~shapes] = 255  # variants are compared with the whole image and aspect crops only
    best = bits.min(axis=1)
    dist = best.min(axis=1)
    expected = sorted((int(d), k) for k, d in enumerate(dist) if d <= 72)[:5]
    got = index.nearest(queries, threshold=72)
    assert [(c.distance, c.key) for c in got] == expected
    assert [(c.key, c.distance) for c in got[:3]] == [(fingerprint._SLICE + 1, 3), (100, 6), (entries - 5, 9)]
    assert all(c.box == int(best[c.key].argmin()) for c in got)


def test_the_structure_hash_survives_a_recolour_and_older_blobs_have_none() -> None:
    """Version 4 stores where the picture changes colour: a dark variant (hue turned,
    lightness inverted) of flat-colour art lands near its original, unrelated art far.
    (On a noisy photo texture the edges are noise too; its dark variants are found by the
    complement of the grey hash.)"""
    originals = [art(640, 480, seed=s) for s in range(6)]
    blobs = [fingerprint.compute(o).blob for o in originals]
    index = fingerprint.StructureIndex(range(6), [fingerprint.blob_structure(b) for b in blobs])
    for seed, img in enumerate(originals):
        hits = index.nearest(fingerprint.structure_hash(pa.repost_2048(pa.dark_variant(img))))
        assert [h.key for h in hits] == [seed], (seed, hits)
    v3 = bytes([3]) + blobs[0][1:-8 * fingerprint.WORDS]
    assert fingerprint.blob_structure(v3) is None
    assert (fingerprint.blob_hashes(v3) == fingerprint.blob_hashes(blobs[0])).all()
