"""Separable filters for the invisible mark's small working images (~512 px).

The same kernels and edge handling as scipy.ndimage's ``gaussian_filter`` and
``minimum_filter``, in plain numpy: as fast at this size, and they spare every embed and
check the ~0.7 s import of scipy.ndimage.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

__all__ = ["gaussian", "minimum"]


def _separable(arr: np.ndarray, radius: int, combine: Callable[[list[np.ndarray]], np.ndarray]) -> np.ndarray:
    """Apply ``combine(window_views)`` along both axes, edges mirrored (scipy's 'reflect')."""
    for axis in (0, 1):
        padded = np.pad(arr, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)], mode="symmetric")
        n = arr.shape[axis]
        arr = combine([padded[(slice(None),) * axis + (slice(i, i + n),)] for i in range(2 * radius + 1)])
    return arr


def gaussian(arr: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur, same kernel as scipy.ndimage.gaussian_filter (truncated at 4 sigma)."""
    radius = int(4.0 * sigma + 0.5)
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps = (taps / taps.sum()).astype(np.float32)

    def weighted(views: list[np.ndarray]) -> np.ndarray:
        out = views[radius] * taps[radius]
        pair = np.empty_like(out)
        for k in range(1, radius + 1):  # symmetric taps: add the mirrored views first
            np.add(views[radius - k], views[radius + k], out=pair)
            pair *= taps[radius + k]
            out += pair
        return out

    return _separable(np.asarray(arr, dtype=np.float32), radius, weighted)


def minimum(arr: np.ndarray, size: int) -> np.ndarray:
    return _separable(arr, size // 2, lambda views: functools.reduce(np.minimum, views))
