"""Geometric fit of a copy onto a reference: SIFT matches, ratio test, RANSAC.

The fit maps copy pixels to reference pixels. A similarity (scale, rotation, shift) is
tried first, then a general affine (anisotropic stretch); the affine is kept only when it
explains clearly more matches and stays a plausible platform edit (no shear, sides
scaled within 0.6-1.6 of each other). Mirrored copies are fitted on the flipped copy and
the flip folded into the matrix (its determinant is then negative).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from artguard.trace.reference import Features

RATIO = 0.8
MIN_INLIERS = 8
_RANSAC_PX = 3.0  # reprojection tolerance in reference pixels (long edge 384)

_matcher = cv2.BFMatcher(cv2.NORM_L2)


@dataclass(frozen=True)
class Fit:
    """``matrix`` (2 x 3) maps copy pixels to reference pixels."""

    matrix: np.ndarray
    inliers: int
    matches: int  # ratio-test survivors the fit was drawn from

    @property
    def inlier_ratio(self) -> float:
        return self.inliers / max(1, self.matches)


def fit(copy: Features, ref: Features) -> Fit | None:
    """The best plausible fit, or None when too few matches agree."""
    if len(copy) < 3 or len(ref) < 3:
        return None
    pairs = _matcher.knnMatch(copy.descriptors, ref.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
    if len(good) < MIN_INLIERS:
        return None
    src = copy.points[[m.queryIdx for m in good]]
    dst = ref.points[[m.trainIdx for m in good]]
    cv2.setRNGSeed(0x7ACE)  # RANSAC draws from OpenCV's global RNG: the same copy, the same answer
    best: Fit | None = None
    sim, mask = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=_RANSAC_PX, maxIters=2000)
    if sim is not None and plausible(sim):
        best = Fit(sim, int(mask.sum()), len(good))
    aff, mask = cv2.estimateAffine2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=_RANSAC_PX, maxIters=2000)
    if aff is not None and plausible(aff) and (best is None or mask.sum() > 1.2 * best.inliers + 2):
        best = Fit(aff, int(mask.sum()), len(good))
    if best is None or best.inliers < MIN_INLIERS:
        return None
    return best


def plausible(matrix: np.ndarray, max_stretch: float = 1.6) -> bool:
    """A platform edit: no shear, sides scaled within ``max_stretch`` of each other, scale
    within reason."""
    linear = matrix[:, :2]
    sx, sy = np.linalg.norm(linear[:, 0]), np.linalg.norm(linear[:, 1])
    if min(sx, sy) <= 1e-6:
        return False
    cos_between = abs(float(linear[:, 0] @ linear[:, 1])) / (sx * sy)
    return cos_between < 0.1 and 1 / max_stretch < sx / sy < max_stretch and 0.02 < sx < 50


def unflip(matrix: np.ndarray, width: int) -> np.ndarray:
    """A fit made on the horizontally flipped copy, as a map from the copy itself."""
    flip = np.array([[-1.0, 0.0, width - 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    return matrix @ flip


def compose(matrix: np.ndarray) -> np.ndarray:
    """2 x 3 as 3 x 3, for inversion and chaining."""
    return np.vstack([matrix, [0.0, 0.0, 1.0]])
