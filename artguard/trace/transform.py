"""The fitted geometry in numbers and in words a person filing a takedown can use."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

_ASPECTS = {"square": 1.0, "4:5 portrait": 0.8, "9:16 portrait": 9 / 16, "16:9": 16 / 9, "4:3": 4 / 3, "3:4 portrait": 0.75}


@dataclass(frozen=True)
class Transform:
    """How the copy relates to the original (all fractions 0..1 of the original's sides)."""

    region: tuple[float, float, float, float]  # left, top, right, bottom of the original shown
    shown: float  # share of the original's area visible in the copy
    scale_x: float  # copy pixels per original pixel, horizontally
    scale_y: float
    rotation: float  # degrees, counter-clockwise as seen
    mirrored: bool
    picture_share: float  # share of the copy's area that is the picture (< 1: border, screenshot)
    original_aspect: float = 1.0  # width / height of the original, to name crop shapes

    @property
    def scale(self) -> float:
        return math.sqrt(self.scale_x * self.scale_y)

    def words(self) -> str:
        parts = []
        left, top, right, bottom = self.region
        if self.shown >= 0.97:
            parts.append("shows the whole original")
        else:
            where = _position((left + right) / 2, (top + bottom) / 2)
            shape = _aspect_name(right - left, bottom - top, self.original_aspect)
            parts.append(f"shows {self.shown:.0%} of the original, {where}{' ' + shape if shape else ''}")
        if abs(self.scale_x / self.scale_y - 1) > 0.03:
            parts.append(f"stretched to {self.scale_x:.0%} wide x {self.scale_y:.0%} high")
        else:
            parts.append(f"scaled to {self.scale:.0%}")
        if abs(self.rotation) >= 1.0:
            parts.append(f"rotated {abs(self.rotation):.0f}° {'anticlockwise' if self.rotation > 0 else 'clockwise'}")
        if self.mirrored:
            parts.append("mirrored")
        if self.picture_share < 0.95:
            parts.append(f"inside a larger canvas (border, letterbox or screenshot: the picture fills {self.picture_share:.0%} of it)")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        left, top, right, bottom = self.region
        return {
            "region": {"left": round(left, 3), "top": round(top, 3), "right": round(right, 3), "bottom": round(bottom, 3)},
            "shown": round(self.shown, 3),
            "scale": round(self.scale, 3),
            "scale_x": round(self.scale_x, 3),
            "scale_y": round(self.scale_y, 3),
            "rotation": round(self.rotation, 1),
            "mirrored": self.mirrored,
            "picture_share": round(self.picture_share, 3),
            "words": self.words(),
        }


def from_matrix(matrix: np.ndarray, copy_px: tuple[int, int], copy_size: tuple[int, int],
                ref_px: tuple[int, int], original_size: tuple[int, int]) -> Transform:
    """``matrix`` maps copy-grey pixels (``copy_px``) to reference pixels (``ref_px``); the
    result is in the real sizes of the copy file and the original."""
    to_grey = np.diag([copy_px[0] / copy_size[0], copy_px[1] / copy_size[1], 1.0])
    to_orig = np.diag([original_size[0] / ref_px[0], original_size[1] / ref_px[1], 1.0])
    real = to_orig @ np.vstack([matrix, [0, 0, 1]]) @ to_grey  # copy px -> original px
    linear = real[:2, :2]
    mirrored = bool(np.linalg.det(linear) < 0)
    unmirrored = linear @ np.diag([-1.0, 1.0]) if mirrored else linear
    rotation = math.degrees(math.atan2(unmirrored[1, 0], unmirrored[0, 0]))
    scale_x = 1.0 / max(1e-9, float(np.linalg.norm(linear[:, 0])))
    scale_y = 1.0 / max(1e-9, float(np.linalg.norm(linear[:, 1])))
    ow, oh = original_size
    cw, ch = copy_size
    corners = np.array([[0, 0, 1], [cw, 0, 1], [cw, ch, 1], [0, ch, 1]], dtype=np.float64)
    in_orig = (real @ corners.T).T[:, :2]
    shown, region = covered(in_orig, ow, oh)
    back = np.linalg.inv(real)
    orig_corners = np.array([[0, 0, 1], [ow, 0, 1], [ow, oh, 1], [0, oh, 1]], dtype=np.float64)
    picture, _ = covered((back @ orig_corners.T).T[:, :2], cw, ch)
    return Transform(region, shown, scale_x, scale_y, rotation, mirrored, picture, ow / max(1, oh))


def covered(polygon: np.ndarray, width: float, height: float) -> tuple[float, tuple[float, float, float, float]]:
    """Share of a width x height rectangle covered by ``polygon``, and the covered bounding box
    as fractions of the rectangle (rasterised on a 256 px grid)."""
    side = 256
    f = side / max(width, height)
    gw, gh = max(1, round(width * f)), max(1, round(height * f))
    canvas = np.zeros((gh, gw), np.uint8)
    cv2.fillConvexPoly(canvas, np.rint(polygon * f).astype(np.int32), 1)
    ys, xs = np.nonzero(canvas)
    if len(xs) == 0:
        return 0.0, (0.0, 0.0, 0.0, 0.0)
    region = (xs.min() / gw, ys.min() / gh, (xs.max() + 1) / gw, (ys.max() + 1) / gh)
    return float(canvas.mean()), region


def _position(cx: float, cy: float) -> str:
    horizontal = "left" if cx < 0.42 else "right" if cx > 0.58 else ""
    vertical = "top" if cy < 0.42 else "bottom" if cy > 0.58 else ""
    if not horizontal and not vertical:
        return "centre"
    return "-".join(p for p in (vertical, horizontal) if p) + " part"


def _aspect_name(w: float, h: float, original_aspect: float) -> str:
    aspect = (w * original_aspect) / max(1e-9, h)
    for name, value in _ASPECTS.items():
        if abs(math.log(aspect / value)) < 0.04 and abs(math.log(original_aspect / value)) > 0.04:
            return name
    return ""
