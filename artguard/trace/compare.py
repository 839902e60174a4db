"""Do the aligned pixels agree? The decision between same picture, derivative and no match.

Feature inliers alone do not decide (DESIGN.md: a hexagon tiling kept 40+ inliers to an
unrelated original, a dark variant 79). Once aligned, the reference is warped into the
copy's frame and compared on a 16 x 16 grid of blocks:

* ``agree``: share of textured blocks whose local correlation is >= 0.5. Local
  correlation ignores brightness/contrast changes, greyscale and mild filters, and fails
  where the copy shows something else (a caption strip, a paint-over, another picture).
* ``structure``: the same with the sign ignored: an artist's dark variant (lightness
  inverted) keeps its edges but correlates negatively.
* ``tone``: correlation of the copy with the reference after one global *monotone* tone
  curve, over the pixels not painted over (textured blocks that disagree are left out, so
  a caption strip does not count against it); a recolour that inverts or remaps tones
  cannot be fitted by it.
* ``covered``: share of the copy's area that shows the reference (borders, screenshots).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

_SIDE = 256
_GRID = 16
_TEXTURE_STD = 3.0
_AGREE_NCC = 0.5
_TONE_BINS = 32
_EDGE_BAND = 3  # blocks of the 16 x 16 grid along each edge where overlays are expected
_DETAIL_STD = 8.0
_MIN_PAINTED = 6  # blocks: fewer is noise (JPEG, resampling), not a paint-over


@dataclass(frozen=True)
class Agreement:
    agree: float
    structure: float
    tone: float
    covered: float
    textured_blocks: int
    painted: float = 0.0  # share of blocks inside the picture that carry other detail


    @property
    def score(self) -> float:
        """One number to rank candidates by (0..1)."""
        return 0.5 * self.agree + 0.5 * max(0.0, self.tone)


def compare(copy_grey: np.ndarray, ref_grey: np.ndarray, matrix: np.ndarray) -> Agreement:
    """``matrix`` maps copy-grey pixels to reference pixels. Compared inside the bounding
    box of where the reference lands in the copy: a picture that fills a quarter of a
    screenshot is compared at the same resolution, and with the same block grid over the
    picture, as one that fills the copy (on the whole page its hairlines fell below the
    grid's resolution and its edges into inner blocks)."""
    h, w = copy_grey.shape
    x0, y0, x1, y1 = _footprint(matrix, ref_grey.shape, (w, h))
    if (x1 - x0) * (y1 - y0) < 0.9 * w * h:
        inside = _compare(copy_grey[y0:y1, x0:x1], ref_grey, matrix @ np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], dtype=np.float64))
        return replace(inside, covered=inside.covered * (x1 - x0) * (y1 - y0) / (w * h))
    return _compare(copy_grey, ref_grey, matrix)


def _footprint(matrix: np.ndarray, ref_shape: tuple[int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1: the copy's pixels the reference's frame covers (bounding box)."""
    rh, rw = ref_shape
    w, h = size
    back = np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))
    corners = back @ np.array([[0, 0, 1], [rw, 0, 1], [rw, rh, 1], [0, rh, 1]], dtype=np.float64).T
    x0, y0 = np.clip(np.floor(corners[:2].min(axis=1)), 0, (w, h)).astype(int)
    x1, y1 = np.clip(np.ceil(corners[:2].max(axis=1)), 0, (w, h)).astype(int)
    if x1 - x0 < 2 * _GRID or y1 - y0 < 2 * _GRID:
        return 0, 0, w, h
    return int(x0), int(y0), int(x1), int(y1)


def _compare(copy_grey: np.ndarray, ref_grey: np.ndarray, matrix: np.ndarray) -> Agreement:
    h, w = copy_grey.shape
    f = min(1.0, _SIDE / max(h, w))
    # Sides a multiple of the grid, so blocks are equal and computed as one array.
    size = (max(2, round(w * f / _GRID)) * _GRID, max(2, round(h * f / _GRID)) * _GRID)
    copy = cv2.resize(copy_grey, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    to_small = np.array([[size[0] / w, 0, 0], [0, size[1] / h, 0], [0, 0, 1]])
    ref_to_copy = to_small @ np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))
    # Pre-blur the reference by how much the warp shrinks it, so both sides are equally smooth.
    shrink = 1.0 / max(1e-6, np.sqrt(abs(np.linalg.det(ref_to_copy[:2, :2]))))
    ref = ref_grey.astype(np.float32)
    if shrink > 1.5:
        ref = cv2.GaussianBlur(ref, (0, 0), 0.4 * shrink)
    warped = cv2.warpAffine(ref, ref_to_copy[:2], size, flags=cv2.INTER_LINEAR, borderValue=0)
    valid = cv2.warpAffine(np.ones_like(ref, dtype=np.uint8), ref_to_copy[:2], size, flags=cv2.INTER_NEAREST, borderValue=0)
    # Also in from the image's own edges: a crop to the footprint ends where the picture
    # meets the page, and its first row or column mixes in the page.
    valid = cv2.erode(valid, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0).astype(bool)
    copy = cv2.GaussianBlur(copy, (0, 0), 0.8)
    warped = cv2.GaussianBlur(warped, (0, 0), 0.8)
    covered = float(valid.mean())
    if valid.sum() < 64:
        return Agreement(0.0, 0.0, 0.0, covered, 0)
    agree, structure, textured, disagreeing, painted = _blocks(copy, warped, valid)
    trusted = valid & ~disagreeing
    if trusted.sum() < 0.5 * valid.sum():
        trusted = valid
    tone = _robust_tone(warped, copy, trusted)
    return Agreement(agree, structure, tone, covered, textured, painted)


def _robust_tone(ref: np.ndarray, copy: np.ndarray, mask: np.ndarray) -> float:
    """``_tone_fit`` once, then again without the blocks it fits worst (at most a third,
    and only those far worse than the typical block): flat areas painted over (a caption
    strip on a plain sky) must not hide that everything else matches."""
    lut = _tone_curve(ref[mask], copy[mask])
    residual = _grid_blocks(np.abs(copy - lut[_bins(ref)]))
    weight = _grid_blocks(mask.astype(np.float32))
    count = weight.sum(-1)
    usable = count > 0.5 * weight.shape[-1]
    if usable.any():
        block_res = (residual * weight).sum(-1) / np.maximum(count, 1)
        typical = float(np.median(block_res[usable]))
        ranked = np.sort(block_res[usable])[::-1]
        cutoff = max(3 * typical, 10.0, float(ranked[len(ranked) // 3]) if len(ranked) >= 3 else np.inf)
        drop = usable & (block_res > cutoff)
        mask = mask & ~_expand(drop, mask.shape)
    return _tone_fit(ref[mask], copy[mask])


def _bins(ref: np.ndarray) -> np.ndarray:
    return np.clip((ref * (_TONE_BINS / 256.0)).astype(np.int64), 0, _TONE_BINS - 1)


def _tone_curve(ref: np.ndarray, copy: np.ndarray) -> np.ndarray:
    """The best non-decreasing tone curve ref -> copy, as a LUT per bin: the median copy
    level of each reference bin (robust to a painted-over part), made monotone."""
    bins = _bins(ref)
    levels = np.clip(np.rint(copy), 0, 255).astype(np.int64)
    histogram = np.bincount(bins * 256 + levels, minlength=_TONE_BINS * 256).reshape(_TONE_BINS, 256)
    counts = histogram.sum(axis=1)
    used = counts > 0
    # The median level of each bin: where its cumulative histogram passes half its count.
    medians = (histogram.cumsum(axis=1) <= (counts[:, None] - 1) // 2).sum(axis=1).astype(np.float64)
    lut = np.zeros(_TONE_BINS)
    if used.any():
        curve = _isotonic(medians[used], counts[used].astype(np.float64))
        lut[used] = curve
        lut[~used] = np.interp(np.flatnonzero(~used), np.flatnonzero(used), curve)
    return lut


def _tone_fit(ref: np.ndarray, copy: np.ndarray) -> float:
    """Correlation of the copy with the reference after the best monotone tone curve."""
    if ref.size < 16:
        return 0.0
    predicted = _tone_curve(ref, copy)[_bins(ref)]
    if predicted.std() < 1e-6 or copy.std() < 1e-6:
        return 0.0
    return float(np.corrcoef(predicted, copy)[0, 1])


def _isotonic(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Pool-adjacent-violators: the closest non-decreasing sequence (weighted)."""
    blocks: list[list[float]] = []  # [mean, weight, length]
    for v, wt in zip(values.tolist(), weights.tolist()):
        blocks.append([v, wt, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    return np.concatenate([np.full(int(n), m) for m, _, n in blocks])


def _grid_blocks(arr: np.ndarray) -> np.ndarray:
    """(GRID, GRID, pixels per block) view of an image whose sides are multiples of GRID."""
    h, w = arr.shape
    return arr.reshape(_GRID, h // _GRID, _GRID, w // _GRID).transpose(0, 2, 1, 3).reshape(_GRID, _GRID, -1)


def _expand(block_mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return np.repeat(np.repeat(block_mask, shape[0] // _GRID, axis=0), shape[1] // _GRID, axis=1)


def _blocks(copy: np.ndarray, ref: np.ndarray, valid: np.ndarray) -> tuple[float, float, int, np.ndarray, float]:
    """Shares of textured blocks that agree / agree up to sign, their count, a mask of the
    textured blocks that disagree (kept out of the tone fit), and ``painted``: the share of
    blocks away from the copy's edges where either side shows strong detail the other does
    not. Platforms and re-posters add strips, bars and text along the edges; detail changed
    inside the picture (an ink splat, a paint-over, a pasted figure) makes a derivative."""
    a, b = _grid_blocks(copy), _grid_blocks(ref)
    m = _grid_blocks(valid.astype(np.float32))
    n = m.sum(-1)
    used = n >= 0.8 * m.shape[-1]
    n = np.maximum(n, 1)
    mean_a = (a * m).sum(-1) / n
    mean_b = (b * m).sum(-1) / n
    da, db = (a - mean_a[..., None]) * m, (b - mean_b[..., None]) * m
    std_a = np.sqrt((da * da).sum(-1) / n)
    std_b = np.sqrt((db * db).sum(-1) / n)
    ncc = np.where((std_a > 1e-3) & (std_b > 1e-3), (da * db).sum(-1) / n / np.maximum(std_a * std_b, 1e-9), 0.0)
    textured_mask = used & (std_b >= _TEXTURE_STD)
    textured = int(textured_mask.sum())
    disagreeing = _expand(textured_mask & (ncc < _AGREE_NCC), valid.shape)
    rows, cols = np.indices((_GRID, _GRID))
    inner = (rows >= _EDGE_BAND) & (rows < _GRID - _EDGE_BAND) & (cols >= _EDGE_BAND) & (cols < _GRID - _EDGE_BAND)
    counted = int((used & inner).sum())
    painted = int((used & inner & (np.maximum(std_a, std_b) >= _DETAIL_STD) & (ncc < _AGREE_NCC)).sum())
    share = painted / counted if counted and painted >= _MIN_PAINTED else 0.0
    if textured == 0:
        return 0.0, 0.0, 0, disagreeing, share
    agree = float((textured_mask & (ncc >= _AGREE_NCC)).sum()) / textured
    structure = float((textured_mask & (np.abs(ncc) >= _AGREE_NCC)).sum()) / textured
    return agree, structure, textured, disagreeing, share
