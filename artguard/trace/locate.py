"""Where a partial crop sits in the reference: a multi-scale template search.

Local features place a crop of a busy photo; a crop of smooth or hairline art (a gradient
with a few thin lines or stars) has too few of them, and dense alignment (ECC) only
converges from a start already close to the answer. Fixed starts (the nine places a
re-poster crops from) miss crops of other sizes and offsets. Here the copy, as it is and
mirrored, is slid over a small blurred reference at every scale from about a fifth of the
area up to the whole frame, by normalised correlation (``cv2.matchTemplate``, FFT-based:
a few ms per scale); the best placements become ECC starts. They only propose: the aligned
pixels decide (``verifier.classify``).
"""

from __future__ import annotations

import cv2
import numpy as np

_SIDE = 128  # the reference's long edge while searching
_MIN_AREA = 0.2  # smallest crop searched, as a share of the reference's area
_STEP = 1.04  # scale step between searched sizes
_MIN_TEMPLATE = 16  # px: smaller templates match anything
_KEEP = 3


def crop_starts(copy_grey: np.ndarray, ref_grey: np.ndarray, flips: tuple[bool, ...] = (False, True)) -> list[np.ndarray]:
    """Up to ``_KEEP`` 2 x 3 maps (copy-grey pixels -> reference pixels), best placement first,
    for a copy that shows part of the reference upright (as it is, or mirrored)."""
    ch, cw = copy_grey.shape
    rh, rw = ref_grey.shape
    g = _SIDE / max(rh, rw)
    ref = _small(ref_grey, (max(8, round(rw * g)), max(8, round(rh * g))))
    sh, sw = ref.shape
    # Copy pixels -> searched-reference pixels at the largest size that fits, then smaller.
    largest = min(sw / cw, sh / ch)
    smallest = np.sqrt(_MIN_AREA * sw * sh / (cw * ch))
    found: list[tuple[float, bool, float, int, int]] = []
    for mirrored in flips:
        source = np.ascontiguousarray(copy_grey[:, ::-1]) if mirrored else copy_grey
        f = largest
        while f >= smallest:
            size = (round(cw * f), round(ch * f))
            if min(size) >= _MIN_TEMPLATE and size[0] <= sw and size[1] <= sh:
                scores = cv2.matchTemplate(ref, _small(source, size), cv2.TM_CCOEFF_NORMED)
                _, best, _, (x, y) = cv2.minMaxLoc(scores)
                found.append((best, mirrored, f, x, y))
            f /= _STEP
    found.sort(key=lambda t: -t[0])
    starts = []
    for _, mirrored, f, x, y in found[:_KEEP]:
        s = f / g  # copy-grey pixels -> reference pixels
        if mirrored:
            starts.append(np.array([[-s, 0.0, x / g + (cw - 1) * s], [0.0, s, y / g]]))
        else:
            starts.append(np.array([[s, 0.0, x / g], [0.0, s, y / g]]))
    return starts


def _small(grey: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.GaussianBlur(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), (0, 0), 1.0).astype(np.float32)
