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

from dataclasses import dataclass

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
    """``matrix`` maps copy-grey pixels to reference pixels."""
    h, w = copy_grey.shape
    f = min(1.0, _SIDE / max(h, w))
    size = (max(8, round(w * f)), max(8, round(h * f)))
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
    valid = cv2.erode(valid, np.ones((3, 3), np.uint8)).astype(bool)
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
    residual = np.abs(copy - lut[_bins(ref)])
    h, w = copy.shape
    ys = np.linspace(0, h, _GRID + 1).astype(int)
    xs = np.linspace(0, w, _GRID + 1).astype(int)
    blocks = []
    for y0, y1 in zip(ys[:-1], ys[1:]):
        for x0, x1 in zip(xs[:-1], xs[1:]):
            m = mask[y0:y1, x0:x1]
            if m.sum() > 0.5 * m.size:
                blocks.append((float(residual[y0:y1, x0:x1][m].mean()), y0, y1, x0, x1))
    if blocks:
        typical = float(np.median([b[0] for b in blocks]))
        worst = sorted(blocks, reverse=True)[: len(blocks) // 3]
        keep = mask.copy()
        for res, y0, y1, x0, x1 in worst:
            if res > max(3 * typical, 10.0):
                keep[y0:y1, x0:x1] = False
        mask = keep
    return _tone_fit(ref[mask], copy[mask])


def _bins(ref: np.ndarray) -> np.ndarray:
    return np.clip((ref * (_TONE_BINS / 256.0)).astype(np.int64), 0, _TONE_BINS - 1)


def _tone_curve(ref: np.ndarray, copy: np.ndarray) -> np.ndarray:
    """The best non-decreasing tone curve ref -> copy, as a LUT per bin: the median copy
    level of each reference bin (robust to a painted-over part), made monotone."""
    bins = _bins(ref)
    order = np.argsort(bins, kind="stable")
    counts = np.bincount(bins, minlength=_TONE_BINS)
    starts = np.concatenate([[0], np.cumsum(counts)])
    sorted_copy = copy[order]
    medians = np.array([np.median(sorted_copy[a:b]) if b > a else 0.0 for a, b in zip(starts[:-1], starts[1:])])
    used = counts > 0
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


def _blocks(copy: np.ndarray, ref: np.ndarray, valid: np.ndarray) -> tuple[float, float, int, np.ndarray, float]:
    """Shares of textured blocks that agree / agree up to sign, their count, a mask of the
    textured blocks that disagree (kept out of the tone fit), and ``painted``: the share of
    blocks away from the copy's edges where either side shows strong detail the other does
    not. Platforms and re-posters add strips, bars and text along the edges; detail changed
    inside the picture (an ink splat, a paint-over, a pasted figure) makes a derivative."""
    h, w = copy.shape
    disagreeing = np.zeros_like(valid)
    painted = counted = 0
    ys = np.linspace(0, h, _GRID + 1).astype(int)
    xs = np.linspace(0, w, _GRID + 1).astype(int)
    agree = structure = textured = 0
    for y0, y1 in zip(ys[:-1], ys[1:]):
        for x0, x1 in zip(xs[:-1], xs[1:]):
            m = valid[y0:y1, x0:x1]
            if m.size == 0 or m.mean() < 0.8:
                continue
            a = copy[y0:y1, x0:x1][m]
            b = ref[y0:y1, x0:x1][m]
            row, col = y0 * _GRID // h, x0 * _GRID // w
            interior = _EDGE_BAND <= row < _GRID - _EDGE_BAND and _EDGE_BAND <= col < _GRID - _EDGE_BAND
            counted += interior
            if interior and max(a.std(), b.std()) >= _DETAIL_STD and (a.std() < 1e-3 or b.std() < 1e-3 or np.corrcoef(a, b)[0, 1] < _AGREE_NCC):
                painted += 1
            if b.std() < _TEXTURE_STD:
                continue
            textured += 1
            ncc = 0.0 if a.std() < 1e-3 else float(np.corrcoef(a, b)[0, 1])
            agree += ncc >= _AGREE_NCC
            structure += abs(ncc) >= _AGREE_NCC
            if ncc < _AGREE_NCC:
                disagreeing[y0:y1, x0:x1] = True
    share = painted / counted if counted and painted >= _MIN_PAINTED else 0.0
    if textured == 0:
        return 0.0, 0.0, 0, disagreeing, share
    return agree / textured, structure / textured, textured, disagreeing, share
