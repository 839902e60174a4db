"""Perceptual fingerprints: trace a re-posted copy back to its original.

Platforms strip metadata, re-encode (JPEG q60-q90, WebP), resize (25-100 %) and crop. A
single global pHash survives re-encoding and resizing (0-6 bits) but a crop of up to
10 % per side moves it up to 28 bits, past the nearest unrelated image (see DESIGN.md).
So the fingerprint of a published image hashes 17 crops of it: the whole image, and
every combination of cutting 2.5 % or 7.5 % off each side. A copy cropped by 0-10 % per
side is never more than 2.5 % per side away from one stored crop (the worst case of the
81 crops of cutting 0, 5 or 10 %, which traced 97.6 % against 97.1 % for these 17, at
five times the lookup cost), so its own global hash lands near that crop's hash.

Each crop's hash is a long pHash: grey levels averaged into 32 x 32 cells (one integral
image serves all crops), 2-D DCT, and the 192 lowest-frequency coefficients after DC in
zig-zag order compared with their median. 64 bits (the classic 8 x 8 pHash, kept as
``Fingerprint.phash`` for the catalog) do not separate generated art: two unrelated
generated images came 8 bits apart. Matching is the minimum Hamming distance between a
copy's global 192-bit hash and the 17 stored ones, for the whole catalog at once with
numpy (no Python loop over rows). The blob was 409 bytes (version 1; 529 since version 4).

How MATCH_THRESHOLD was chosen (measured while writing this module): 117 images - 77
real ones (the exif-samples corpus at >= 90 px without its duplicates, plus the 28
photos, textures, scans and drawings that scikit-image ships) and 40 generated
(tests/conftest.textured) - with 6 platform copies each (702 copies: crop 0-10 % per
side; crop + resize; resize 25-100 % + JPEG q60-90; WebP q60-90; crop + resize + a
semi-transparent dark username box over 2 % of the image in a corner), each compared
with every other original (72 072 pairs with a real image, 9 360 generated pairs).
Distances in bits of 192 (64-bit pHash figures scaled by 3 for comparison):

    192-bit, distance <= 42:  97.7 % traced, 0 false matches
    192-bit, distance <= 48:  99.0 % traced, 0 false matches   <- MATCH_THRESHOLD
    128-bit, scaled  <= 48:  99.3 % traced, 8 false matches among generated images
    64-bit,  scaled  <= 30:  95.3 % traced, 17 false matches among generated images

The closest unrelated pairs were 58 bits apart (real) and 56 (generated), so 48 keeps
an 8-bit margin. Resize, re-encode and WebP copies stay far below it; what is missed
are crops of repetitive textures (brick, gravel) and the dark overlay box on
low-contrast images. bench/check.py repeats the measurement through the whole checker.

Since issue 14 the blob (version 3) also holds the centred 1:1, 4:5, 9:16 and 16:9 crops,
and ``query_hashes`` gives a copy's hash mirrored and of its picture box too: the checker
uses hashes only to nominate candidates (artguard.trace verifies every claim).

Version 4 adds one structure hash: the same long hash of the colour edge strength instead
of the grey levels. An artist's recoloured variant (hue turned, lightness inverted, a
palette swap) keeps its edges where it changes colours, while its grey levels can map to
anything: an emerald wallpaper's dark variant was 82 bits from its original's grey hash
(the complement too), but 16 from its structure hash. Measured on 9 wallpapers and 20
corpus photos: dark variants 2-18 bits from their originals (generated flat-colour art
18-38), unrelated pairs >= 58 (median 94). Noisy photo textures do not keep it (their
edges are noise); their dark variants are found by the grey hash's complement. It is looked up only when nothing
else verified, and its candidates only as recoloured derivatives.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PIL import Image

from artguard.imaging import to_rgb

BLOB_VERSION = 4
STRUCTURE_THRESHOLD = 44  # bits of 192
CROP_STEPS = (0.025, 0.075)
# (left, top, right, bottom) fractions cut off; the first box is the uncropped image.
BOXES = np.array([(0.0, 0.0, 0.0, 0.0), *itertools.product(CROP_STEPS, repeat=4)], dtype=np.float64)
# Centred crops re-posters make: Instagram square, 4:5 portrait, 9:16 story, 16:9 (each
# the largest of that shape; the whole image again when it already has that shape).
ASPECTS = (1.0, 0.8, 9 / 16, 16 / 9)
N_BOXES = len(BOXES) + len(ASPECTS)
_V2_BOXES = len(BOXES)
_SHAPES = 1 + len(ASPECTS)  # the whole image and its aspect crops
_ORDER = np.array([0, *range(_V2_BOXES, N_BOXES), *range(1, _V2_BOXES)])
HASH_BITS = 192
WORDS = HASH_BITS // 64
MATCH_THRESHOLD = 48
_CELLS = 32
_WORK_SIDE = 256
_MIN_SIDE = 48
_rows, _cols = np.meshgrid(np.arange(_CELLS), np.arange(_CELLS), indexing="ij")
_ZIGZAG = np.lexsort((_cols.ravel(), (_rows + _cols).ravel()))[1 : HASH_BITS + 1]


@dataclass(frozen=True)
class Fingerprint:
    """``phash``: global 64-bit pHash; ``blob``: the crop-robust form the catalog stores."""

    phash: int
    blob: bytes

    @property
    def query(self) -> np.ndarray:
        """The uncropped 192-bit hash, as ``FingerprintIndex.nearest`` takes it."""
        return blob_hashes(self.blob)[0]


@dataclass(frozen=True)
class Candidate:
    """One catalog entry near a copy: smaller ``distance`` (bits) is closer."""

    key: int
    distance: int
    box: int  # which stored crop was nearest (index into BOXES + aspect boxes; 0: the whole image)


def aspect_boxes(width: int, height: int) -> np.ndarray:
    """The centred crops of ``ASPECTS`` as (left, top, right, bottom) fractions cut off."""
    boxes = []
    for aspect in ASPECTS:
        if width / height > aspect:
            cut = (1 - aspect * height / width) / 2
            boxes.append((cut, 0.0, cut, 0.0))
        else:
            cut = (1 - width / (aspect * height)) / 2
            boxes.append((0.0, cut, 0.0, cut))
    return np.array(boxes, dtype=np.float64)


def compute(img: Image.Image) -> Fingerprint:
    """Fingerprint a reduced decode (long side <= 512 px, EXIF orientation applied)."""
    coefficients = _dct(_cell_means(_grey(img), np.vstack([BOXES, aspect_boxes(*img.size)])))
    low = coefficients[0, :8, :8].ravel()
    phash = int(np.packbits(low > _median(low)).view(">u8")[0])
    hashes = np.vstack([_long_hashes(coefficients), structure_hash(img)])
    return Fingerprint(phash=phash, blob=bytes([BLOB_VERSION]) + hashes.astype(">u8").tobytes())


def structure_hash(img: Image.Image) -> np.ndarray:
    """The 192-bit hash of where the picture changes colour, whatever the colours (3 uint64)."""
    rgb = to_rgb(img)
    if max(rgb.size) > _WORK_SIDE:
        rgb = rgb.copy()
        rgb.thumbnail((_WORK_SIDE, _WORK_SIDE), Image.Resampling.BOX)
    a = np.asarray(rgb, dtype=np.float64)
    if min(a.shape[:2]) < 3:
        return np.zeros(WORDS, dtype=np.uint64)
    across, down = a[1:-1, 2:] - a[1:-1, :-2], a[2:, 1:-1] - a[:-2, 1:-1]
    edges = np.sqrt(across**2 + down**2).max(axis=2)
    return _long_hashes(_dct(_cell_means(edges, BOXES[:1])))[0]


def query_hash(img: Image.Image) -> np.ndarray:
    """A copy's uncropped 192-bit hash (3 uint64): cheaper than ``compute``."""
    return _long_hashes(_dct(_cell_means(_grey(img), BOXES[:1])))[0]


def query_hashes(img: Image.Image, picture: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """(Q, 3) hashes a copy is looked up by: as it is, mirrored, and (when ``picture``, the
    copy's picture box in ``img`` pixels, is smaller than the copy) the picture alone, as
    it is and mirrored. A border, letterbox or screenshot page then costs nothing, and a
    mirrored copy lands on its original instead of half the bits away."""
    grey = _grey(img)
    boxes = [(0.0, 0.0, 0.0, 0.0)]
    if picture is not None:
        w, h = img.size
        x0, y0, x1, y1 = picture
        inner = (x0 / w, y0 / h, 1 - x1 / w, 1 - y1 / h)
        if max(inner) > 0.01:
            boxes.append(inner)
    box_array = np.array(boxes, dtype=np.float64)
    flipped = box_array[:, [2, 1, 0, 3]]
    cells = np.concatenate([_cell_means(grey, box_array), _cell_means(np.ascontiguousarray(grey[:, ::-1]), flipped)])
    return _long_hashes(_dct(cells))


def blob_hashes(blob: bytes) -> np.ndarray:
    """The (N_BOXES, 3) uint64 crop hashes in a stored blob, or a clear error for a foreign
    one. A version-2 blob (no aspect crops) has its whole-image hash in their place."""
    rows = _blob_rows(blob)
    if len(rows) == _V2_BOXES:
        return np.vstack([rows, np.repeat(rows[:1], N_BOXES - _V2_BOXES, axis=0)])
    return rows[:N_BOXES]


def blob_structure(blob: bytes) -> np.ndarray | None:
    """The structure hash of a version-4 blob; None for older records (made without it)."""
    rows = _blob_rows(blob)
    return rows[N_BOXES] if len(rows) > N_BOXES else None


_BLOB_ROWS = {2: _V2_BOXES, 3: N_BOXES, 4: N_BOXES + 1}


def _blob_rows(blob: bytes) -> np.ndarray:
    rows = _BLOB_ROWS.get(blob[0]) if blob else None
    if rows is None or len(blob) != 1 + 8 * WORDS * rows:
        raise ValueError(f"unknown fingerprint blob (version {blob[:1].hex() or 'none'}, {len(blob)} bytes)")
    return np.frombuffer(blob, dtype=">u8", offset=1).astype(np.uint64).reshape(rows, WORDS)


class FingerprintIndex:
    """All crop hashes of a catalog in one (3, rows, N) uint64 array for vectorised lookup.

    Build it once per check session. ``nearest`` runs XOR + popcount over the array in
    slices of ``_SLICE`` entries, one stored row at a time with a running minimum, so its
    temporaries stay in the CPU cache instead of streaming 17 MB (rows x entries) arrays
    through memory, and spreads the slices over the cores (numpy releases the GIL in its
    loops). Entries run along the last axis so every slice is contiguous rows.
    bench/check.py measures it at 100 000 entries against the whole-array form.
    """

    def __init__(self, keys: Sequence[int], blobs: Iterable[bytes]) -> None:
        self.keys = np.asarray(keys, dtype=np.int64)
        rows = [blob_hashes(b) for b in blobs]
        if len(rows) != len(self.keys):
            raise ValueError("one blob per key is needed")
        stacked = np.stack(rows) if rows else np.zeros((0, N_BOXES, WORDS), dtype=np.uint64)
        # The whole image and the aspect crops first: a copy's other query hashes (mirrored,
        # picture box) are compared with those ``_SHAPES`` rows only, a contiguous slice.
        self.hashes = np.ascontiguousarray(stacked[:, _ORDER].transpose(2, 1, 0))

    def __len__(self) -> int:
        return len(self.keys)

    def distances(self, query: np.ndarray, rows: int = N_BOXES) -> np.ndarray:
        """(rows, N) uint8: the Hamming distance from ``query`` to the first ``rows`` stored
        crop hashes of every entry (in ``_ORDER``)."""
        return _hamming(self.hashes[:, :rows], query)

    def nearest(self, query: np.ndarray, *, limit: int = 5, threshold: int = MATCH_THRESHOLD) -> list[Candidate]:
        """Entries within ``threshold`` bits of ``query`` (one hash, or (Q, 3) variants:
        the closest variant counts), closest first (at most ``limit``)."""
        queries = _Queries(query.reshape(-1, WORDS))
        dist = np.empty(len(self.keys), dtype=np.uint8)
        spans = _spans(len(dist))
        fill = functools.partial(self._fill_nearest, queries, dist)
        if len(spans) > 1:
            list(_pool().map(fill, spans))
        else:
            for span in spans:
                fill(span)
        hits = np.flatnonzero(dist <= threshold)
        hits = hits[np.argsort(dist[hits], kind="stable")][:limit]
        bits = self._row_distances(queries, self.hashes[:, :, hits])
        boxes = _ORDER[bits.argmin(axis=0)]
        return [Candidate(int(self.keys[i]), int(dist[i]), int(box)) for i, box in zip(hits, boxes)]

    def _fill_nearest(self, queries: _Queries, out: np.ndarray, span: tuple[int, int]) -> None:
        """``out[span]``: each entry's smallest distance to any query, one stored row at a
        time with a running minimum, so the temporaries are one row of the slice (in cache)
        and no (rows x entries) array is ever made."""
        start, stop = span
        hashes = self.hashes[:, :, start:stop]
        words = np.empty(stop - start, dtype=np.uint64)
        bits = np.empty(stop - start, dtype=np.uint8)
        more = np.empty_like(bits)
        best = np.full_like(bits, HASH_BITS)
        for row in range(hashes.shape[1]):
            np.minimum(best, _hamming(hashes[:, row], queries.first, out=(words, bits, more)), out=best)
            if row < _SHAPES:
                if queries.complement:
                    np.minimum(best, np.subtract(HASH_BITS, bits, out=more), out=best)
                for query in queries.others:
                    np.minimum(best, _hamming(hashes[:, row], query, out=(words, bits, more)), out=best)
        out[start:stop] = best

    @staticmethod
    def _row_distances(queries: _Queries, hashes: np.ndarray) -> np.ndarray:
        """(rows, n): the first query against every row, the others (mirrored, picture box,
        complement) against the ``_SHAPES`` rows only; the closest query counts."""
        bits = _hamming(hashes, queries.first)
        shapes = bits[:_SHAPES]
        if queries.complement:
            np.minimum(shapes, HASH_BITS - shapes, out=shapes)
        if queries.others:
            variants = _hamming(hashes[:, None, :_SHAPES], np.array(queries.others).T[:, :, None, None])
            np.minimum(shapes, variants.min(axis=0), out=shapes)
        return bits


class StructureIndex:
    """The catalog's structure hashes (version-4 blobs) for the recoloured-variant lookup:
    one row an entry, one pass (~1 ms at 100 000 entries)."""

    def __init__(self, keys: Sequence[int], hashes: Sequence[np.ndarray]) -> None:
        self.keys = np.asarray(keys, dtype=np.int64)
        stacked = np.stack(hashes) if len(hashes) else np.zeros((0, WORDS), dtype=np.uint64)
        self.hashes = np.ascontiguousarray(stacked.T)

    def nearest(self, query: np.ndarray, *, limit: int = 3, threshold: int = STRUCTURE_THRESHOLD) -> list[Candidate]:
        dist = _hamming(self.hashes, query)
        hits = np.flatnonzero(dist <= threshold)
        hits = hits[np.argsort(dist[hits], kind="stable")][:limit]
        return [Candidate(int(self.keys[i]), int(dist[i]), 0) for i in hits]


class _Queries:
    """A copy's query hashes as the lookup uses them. The complement of the first hash (an
    artist's dark variant) needs no pass of its own: it differs from a stored hash in exactly
    the bits the first does not, so its distance is ``HASH_BITS`` minus the first's."""

    def __init__(self, queries: np.ndarray) -> None:
        self.first = queries[0]
        self.others = [q for q in queries[1:] if not np.array_equal(q, ~self.first)]
        self.complement = len(self.others) < len(queries) - 1


_SLICE = 32_768  # entries per slice at most: one row's XOR words (256 KB) stay in the 1 MB L2 cache
_THREADS = min(4, os.cpu_count() or 1)


def _spans(entries: int) -> list[tuple[int, int]]:
    """Equal slices, as many as a multiple of the threads: 100 000 entries in slices of
    32 768 made three full ones and a sliver, so one thread did two while the other did one
    (a third of the lookup spent waiting)."""
    parts = -(-entries // _SLICE)
    if parts > 1:
        parts = -(-parts // _THREADS) * _THREADS
    size = max(1, -(-entries // max(1, parts)))
    return [(start, min(start + size, entries)) for start in range(0, entries, size)]


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="fingerprint")


def _hamming(hashes: np.ndarray, query: np.ndarray, *, out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Bits that differ between ``query`` (WORDS along the first axis, broadcastable) and
    every hash of ``hashes`` (WORDS along the first axis), as uint8. ``out``: (uint64 XOR
    words, uint8 result, uint8 scratch) buffers of the result's shape, reused by the scan."""
    if out is None:
        words = np.bitwise_xor(hashes[0], query[0])
        bits = np.bitwise_count(words)
        more = np.empty_like(bits)
    else:
        words, bits, more = out
        np.bitwise_count(np.bitwise_xor(hashes[0], query[0], out=words), out=bits)
    for word in range(1, WORDS):
        np.bitwise_xor(hashes[word], query[word], out=words)
        np.add(bits, np.bitwise_count(words, out=more), out=bits)
    return bits


def _grey(img: Image.Image) -> np.ndarray:
    grey = to_rgb(img).convert("L")
    if max(grey.size) > _WORK_SIDE:
        grey = grey.copy()
        grey.thumbnail((_WORK_SIDE, _WORK_SIDE), Image.Resampling.BOX)
    if min(grey.size) < _MIN_SIDE:
        scale = _MIN_SIDE / min(grey.size)
        grey = grey.resize((max(_MIN_SIDE, round(grey.width * scale)), max(_MIN_SIDE, round(grey.height * scale))), Image.Resampling.BICUBIC)
    return np.asarray(grey, dtype=np.float64)


def _cell_means(grey: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """(B, 32, 32) mean grey levels of a 32 x 32 grid over each crop box."""
    h, w = grey.shape
    integral = np.zeros((h + 1, w + 1))
    integral[1:, 1:] = grey.cumsum(0).cumsum(1)
    t = np.linspace(0.0, 1.0, _CELLS + 1)
    xs = np.rint((boxes[:, :1] + t * (1 - boxes[:, :1] - boxes[:, 2:3])) * w).astype(np.intp)
    ys = np.rint((boxes[:, 1:2] + t * (1 - boxes[:, 1:2] - boxes[:, 3:4])) * h).astype(np.intp)
    sums = integral[ys[:, :, None], xs[:, None, :]]
    totals = sums[:, 1:, 1:] - sums[:, :-1, 1:] - sums[:, 1:, :-1] + sums[:, :-1, :-1]
    areas = np.diff(ys, axis=1)[:, :, None] * np.diff(xs, axis=1)[:, None, :]
    return totals / np.maximum(areas, 1)


def _dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II basis: ``C @ X @ C.T`` equals scipy's ``dctn(X, norm="ortho")``
    for an n x n block, without importing scipy.fft (about 0.2 s of CLI start-up)."""
    k = np.arange(n)[:, None]
    basis = np.sqrt(2.0 / n) * np.cos(np.pi * (2 * np.arange(n)[None, :] + 1) * k / (2 * n))
    basis[0] /= np.sqrt(2.0)
    return basis


_DCT = _dct_matrix(_CELLS)


def _dct(cells: np.ndarray) -> np.ndarray:
    return _DCT @ cells @ _DCT.T


def _median(values: np.ndarray) -> np.ndarray:
    """``np.median(values, axis=-1, keepdims=True)``, same arithmetic, without its masked-array
    check: that imports numpy.ma (~0.1 s), a cost every embed process paid once."""
    n = values.shape[-1]
    middle = [(n - 1) // 2, n // 2]
    return np.partition(values, middle, axis=-1)[..., middle].mean(axis=-1, keepdims=True)


def _long_hashes(coefficients: np.ndarray) -> np.ndarray:
    """(B, 3) uint64: the 192 zig-zag coefficients after DC, above or below their median."""
    low = coefficients.reshape(len(coefficients), -1)[:, _ZIGZAG]
    bits = low > _median(low)
    return np.ascontiguousarray(np.packbits(bits, axis=1)).view(">u8").astype(np.uint64)
