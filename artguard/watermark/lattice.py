"""Where the invisible mark's tile repeats in a copy, found without the key.

The mark repeats one tile over the whole picture, so the autocorrelation of a copy's
residual peaks at the tile's two period vectors, whatever the key and whatever was done to
the copy: rotated, stretched in x or y apart, mirrored, cropped. It is computed at half the working
resolution (a quarter of the FFT work; the tile still repeats there) with the spectrum
whitened: peaks on marked textured images stand at z ~ 25-50 (median/MAD over the search
annulus) after a 2 degree rotation or a stretch, on marked photos at 6-14, on weakly marked
ones at 4-8; unmarked images rarely show a square pair above 4. The lattice only tells the
detector how to undo the geometry; the keyed sync and the CRC still decide whether a mark
is there, so the gate only saves time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from artguard.watermark.filters import gaussian as _blur

__all__ = ["Lattice", "find"]

_WHITEN_BINS = 5.0
_MAX_SHEAR = 3.0  # degrees between the two axes' rotations (a rotated, stretched copy: < 1)
_MAX_STRETCH = 1.45  # longer period / shorter period


@dataclass(frozen=True)
class Lattice:
    """The tile's period vectors in working pixels, as (dx, dy) with y down."""

    x: tuple[float, float]  # one tile along the mark's x axis
    y: tuple[float, float]  # one tile along the mark's y axis
    z: float  # the weaker of the two autocorrelation peaks, as a z-score


def _fast_length(n: int) -> int:
    """The smallest length >= n with no prime factor above 5 (an FFT of a prime length is ~10x slower)."""
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


def _autocorrelation(residual: np.ndarray, reach: int) -> np.ndarray:
    """Linear (not circular) autocorrelation for lags within ``reach``: (2r+1, 2r+1), centre = 0.

    The power spectrum is divided by its own local mean first (a Gaussian over ~5 bins): the
    picture's broad spectrum flattens, the tile's sharp spectral lines stay, so the lattice
    peaks stand out of photos and flat art alike (z about +30 % on marked copies, the
    strongest unmarked peaks lower)."""
    height, width = residual.shape
    shape = (_fast_length(height + reach + 1), _fast_length(width + reach + 1))
    spectrum = np.fft.rfft2(residual, s=shape)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    acf = np.fft.irfft2(power / (_blur(power, _WHITEN_BINS) + 1e-12), s=shape)
    lags = np.arange(-reach, reach + 1)
    return acf[np.ix_(lags % shape[0], lags % shape[1])]


def _refine(z: np.ndarray, reach: int, guess: tuple[float, float]) -> tuple[float, float] | None:
    """Sub-pixel peak (dx, dy) near ``guess``: the local maximum within 2 px, then a parabola per axis."""
    gx, gy = round(guess[0]) + reach, round(guess[1]) + reach
    if not (3 <= gx < z.shape[1] - 3 and 3 <= gy < z.shape[0] - 3):
        return None
    window = z[gy - 2 : gy + 3, gx - 2 : gx + 3]
    wy, wx = np.unravel_index(int(np.argmax(window)), window.shape)
    py, px = gy - 2 + int(wy), gx - 2 + int(wx)

    def vertex(left: float, mid: float, right: float) -> float:
        curve = left - 2 * mid + right
        if not np.isfinite(curve) or curve >= 0:  # a flat top or the masked centre beside it
            return 0.0
        return float(np.clip(0.5 * (left - right) / curve, -0.5, 0.5))

    dx = vertex(z[py, px - 1], z[py, px], z[py, px + 1])
    dy = vertex(z[py - 1, px], z[py, px], z[py + 1, px])
    return px - reach + dx, py - reach + dy


def _axis_peak(z: np.ndarray, annulus: np.ndarray, reach: int, direction: float,
               half_width: float) -> tuple[tuple[float, float], float] | None:
    """The strongest peak of the annulus within ``half_width`` degrees of ``direction``
    (degrees, y down), refined on its multiples."""
    lags = np.arange(-reach, reach + 1)
    dy, dx = np.meshgrid(lags, lags, indexing="ij")
    ux, uy = math.cos(math.radians(direction)), math.sin(math.radians(direction))
    along, across = dx * ux + dy * uy, dy * ux - dx * uy
    cone = (along > 0) & (np.abs(across) <= along * math.tan(math.radians(half_width)))
    scores = np.where(cone & annulus, z, -np.inf)
    at = np.unravel_index(int(np.argmax(scores)), scores.shape)
    strength = float(scores[at])
    if not np.isfinite(strength):
        return None
    peak_x, peak_y = int(dx[at]), int(dy[at])
    # A lattice point k * v can outscore v itself when both lie in the annulus (scales
    # below ~0.95): step down to v while half the lag is a peak of comparable strength.
    while True:
        hx, hy = round(peak_x / 2) + reach, round(peak_y / 2) + reach
        window = z[hy - 1 : hy + 2, hx - 1 : hx + 2]
        if not annulus[hy, hx] or window.max() < 0.5 * strength:
            break
        wy, wx = np.unravel_index(int(np.argmax(window)), window.shape)
        peak_x, peak_y = hx - 1 + int(wx) - reach, hy - 1 + int(wy) - reach
        strength = float(window.max())
    vector = _refine(z, reach, (float(peak_x), float(peak_y)))
    if vector is None:
        return None
    # Each multiple k * v is found with the same pixel error, so v = p_k / k gets k times finer.
    k = 2
    while k * math.hypot(*vector) < reach - 3:
        peak = _refine(z, reach, (vector[0] * k, vector[1] * k))
        if peak is None:
            break
        vector = (peak[0] / k, peak[1] / k)
        k += 1
    return vector, strength


def find(residual: np.ndarray, period: float, low: float, high: float, *, max_angle: float = 15.0,
         gate: float = 4.0) -> Lattice | None:
    """The tile lattice of a residual whose tile is ``period`` px at scale 1, searched for
    scales ``low``..``high`` and rotations up to ``max_angle`` degrees; None when either
    peak is weaker than ``gate`` or the two peaks do not form one rotated, stretched square
    lattice (no repeated tile worth decoding)."""
    # Half resolution (2x2 means): the tile still repeats, the FFTs cost a quarter.
    height, width = (n // 2 * 2 for n in residual.shape)
    residual = residual[:height, :width].reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))
    height, width, period = height // 2, width // 2, period / 2
    reach = min(height, width) // 2
    if reach < period * high + 4:
        reach = int(period * high) + 4
    if reach >= min(height, width):
        return None
    acf = _autocorrelation(residual.astype(np.float32), reach)
    lags = np.arange(-reach, reach + 1)
    radius = np.hypot(*np.meshgrid(lags, lags, indexing="ij"))
    annulus = (radius >= period * low) & (radius <= period * high)
    values = acf[annulus]
    med = float(np.median(values))
    mad = float(np.median(np.abs(values - med))) * 1.4826 + 1e-12
    z = (acf - med) / mad
    z[~annulus & (radius < period * low)] = -np.inf  # the zero-lag peak and its shoulders
    # Either axis's strongest peak fixes the rotation and the other axis is looked for square
    # to it (within the shear a rotated, stretched copy shows), where host structure rarely
    # competes; the pair whose weaker peak is stronger wins.
    pairs = []
    for direction in (0.0, 90.0):
        first = _axis_peak(z, annulus, reach, direction, max_angle)
        if first is None:
            continue
        turn = math.degrees(math.atan2(first[0][1], first[0][0]))
        second = _axis_peak(z, annulus, reach, turn + 90.0 if direction == 0.0 else turn - 90.0, _MAX_SHEAR)
        if second is not None:
            pairs.append((first, second) if direction == 0.0 else (second, first))
    if not pairs:
        return None
    (vx, zx), (vy, zy) = max(pairs, key=lambda pair: min(pair[0][1], pair[1][1]))
    if min(zx, zy) < gate:
        return None
    lengths = [math.hypot(*vector) for vector in (vx, vy)]
    if not all(period * low <= n <= period * high for n in lengths) or max(lengths) > _MAX_STRETCH * min(lengths):
        return None
    return Lattice((2 * vx[0], 2 * vx[1]), (2 * vy[0], 2 * vy[1]), min(zx, zy))
