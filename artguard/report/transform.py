"""What part of the original a copy shows, in words and as a mapping for the overlay picture.

The tracing step attaches ``match.transform`` (``artguard.trace.Transform``): its
``to_json()`` gives ``region`` (left, top, right, bottom as fractions 0-1 of the original),
``scale``, ``rotation`` (degrees, counter-clockwise), ``mirrored`` and ``words``, the
sentence the report uses as measured. A ``matrix`` (3 x 3, copy pixel -> original pixel,
full-size coordinates) is used for the overlay when present, else the region. Without a
transform the words come from the two images' sizes, and no overlay is drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from artguard.catalog import Publication
from artguard.check import CheckResult

_SAME_ASPECT = 0.015


def as_dict(transform: Any) -> dict[str, Any]:
    """The transform as a dict, whatever shape the tracing step gave it."""
    if transform is None:
        return {}
    if isinstance(transform, dict):
        return transform
    if hasattr(transform, "to_json"):
        return dict(transform.to_json())
    return dict(getattr(transform, "__dict__", {}))


def _region(t: dict[str, Any]) -> tuple[float, float, float, float] | None:
    region = t.get("region")
    if isinstance(region, dict):  # artguard.trace names the sides
        region = [region.get(side) for side in ("left", "top", "right", "bottom")]
    try:
        left, top, right, bottom = (float(v) for v in region)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    if not (0 <= left < right <= 1.0001 and 0 <= top < bottom <= 1.0001):
        return None
    return left, top, right, bottom


def describe_shown(result: CheckResult, pub: Publication, transform: Any, relation: str | None) -> str:
    """One or two sentences: what of the published image the copy shows, and how changed."""
    t = as_dict(transform)
    out = pub.output
    if result.match is not None and result.match.method == "sha256":
        return "The whole published image, unchanged: the copy is the same file."
    parts: list[str] = []
    region = _region(t)
    if t.get("words"):  # the tracing step measured it and said it in words
        parts.append(f"The copy {t['words']}")
    elif region is not None:
        left, top, right, bottom = region
        area = (right - left) * (bottom - top)
        if area > 0.97:
            parts.append("The whole picture")
        else:
            parts.append(
                f"A part of the picture, about {area:.0%} of its area "
                f"({left:.0%}–{right:.0%} across, {top:.0%}–{bottom:.0%} down)"
            )
    elif result.width and result.height and out.width and out.height:
        if abs(result.width / result.height - out.width / out.height) <= _SAME_ASPECT * out.width / out.height:
            parts.append(
                "The picture in the published proportions: the whole picture resized, or a crop that kept the "
                "proportions (the exact region was not measured)"
            )
        else:
            parts.append(
                "The picture in a different frame (cropped, padded or bordered; the exact region was not measured)"
            )
    else:
        parts.append("The picture")
    if not t.get("words"):
        if t.get("mirror"):
            parts.append("mirrored left to right")
        rotation = t.get("rotation")
        if isinstance(rotation, (int, float)) and abs(rotation) >= 0.5:
            parts.append(f"rotated by {abs(rotation):.0f}° {'anticlockwise' if rotation > 0 else 'clockwise'}")
        if t.get("border"):
            parts.append("with a border or background added")
    if result.width and result.height and out.width:
        size = f"{result.width} × {result.height} pixels, published at {out.width} × {out.height}"
        scale = None if t.get("words") else t.get("scale")
        if isinstance(scale, (int, float)) and abs(scale - 1) > 0.02:
            parts.append(f"at {scale:.0%} of the published scale ({size})")
        elif isinstance(scale, (int, float)):
            parts.append(f"at the published scale ({size})")
        else:
            parts.append(f"({size})")
    text = ", ".join(parts).replace(", (", " (") + "."
    if relation == "derivative":
        text += " It is a modified version (a derivative) of the work, not an exact copy."
    return text


def copy_to_original(transform: Any, copy_size: tuple[int, int], original_size: tuple[int, int]) -> np.ndarray | None:
    """3 x 3 matrix from copy pixels to original pixels (full sizes), when it is known."""
    t = as_dict(transform)
    matrix = t.get("matrix") or t.get("homography")
    if matrix is not None:
        try:
            m = np.asarray(matrix, dtype=np.float64)
        except (TypeError, ValueError):
            return None
        if m.shape == (2, 3):
            m = np.vstack([m, [0.0, 0.0, 1.0]])
        return m if m.shape == (3, 3) and np.isfinite(m).all() else None
    region = _region(t)
    if region is None:
        return None
    (cw, ch), (ow, oh) = copy_size, original_size
    left, top, right, bottom = region
    sx, sy = (right - left) * ow / cw, (bottom - top) * oh / ch
    if t.get("mirror") or t.get("mirrored"):
        return np.array([[-sx, 0, right * ow], [0, sy, top * oh], [0, 0, 1.0]])
    return np.array([[sx, 0, left * ow], [0, sy, top * oh], [0, 0, 1.0]])
