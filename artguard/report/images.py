"""The report's pictures: the published original, the copy, and where alignment is known a
difference overlay (the original in grey, red where the copy differs from it)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from artguard import imaging
from artguard.catalog import Publication
from artguard.check import CheckResult
from artguard.errors import ArtGuardError
from artguard.report.transform import copy_to_original

SIDE = 480  # long edge of the pictures in the report
_DIFF_LEVEL = 40  # grey-level difference (0-255) shown as a change


@dataclass
class Pictures:
    original: bytes | None = None
    copy: bytes | None = None
    overlay: bytes | None = None
    original_note: str = ""

    def present(self) -> list[str]:
        return [name for name in ("original", "copy", "overlay") if getattr(self, name)]


def _jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    imaging.to_rgb(img).save(buf, "JPEG", quality=82)
    return buf.getvalue()


def _published_image(pub: Publication) -> Image.Image | None:
    for candidate in (pub.output.path, pub.original.path):
        try:
            return imaging.to_rgb(imaging.decode_reduced(Path(candidate), 1024).image)
        except (ArtGuardError, OSError):
            continue
    return None


def pictures(result: CheckResult, pub: Publication | None, transform: Any) -> Pictures:
    """Original, copy and (with a known alignment) overlay, as JPEG bytes."""
    found = Pictures(copy=result.thumbnail)
    if pub is None:
        return found
    original = _published_image(pub)
    if original is None:
        found.original_note = "The published file is no longer on this computer; its SHA-256 is in the catalog record."
        return found
    small = original.copy()
    small.thumbnail((SIDE, SIDE))
    found.original = _jpeg(small)
    if result.thumbnail and transform:
        found.overlay = _overlay(original, Image.open(io.BytesIO(result.thumbnail)), transform, result, pub)
    return found


def _overlay(original: Image.Image, copy: Image.Image, transform: Any, result: CheckResult, pub: Publication) -> bytes | None:
    """The copy warped onto the original; grey where they agree, red where they differ."""
    copy = imaging.to_rgb(copy)
    full = copy_to_original(transform, (result.width or copy.width, result.height or copy.height), (pub.output.width, pub.output.height))
    if full is None:
        return None
    # the same mapping between the pictures at hand: copy thumbnail -> reduced original
    to_thumb = np.diag([copy.width / (result.width or copy.width), copy.height / (result.height or copy.height), 1.0])
    to_reduced = np.diag([original.width / pub.output.width, original.height / pub.output.height, 1.0])
    mapping = to_reduced @ full @ np.linalg.inv(to_thumb)
    try:
        back = np.linalg.inv(mapping)  # PIL asks, for each output pixel, where to read the input
    except np.linalg.LinAlgError:
        return None
    back /= back[2, 2]
    coeffs = tuple(back.flatten()[:8])
    warped = copy.transform(original.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
    mask = Image.new("L", copy.size, 255).transform(original.size, Image.Transform.PERSPECTIVE, coeffs)
    a = np.asarray(original.convert("L"), dtype=np.int16)
    b = np.asarray(warped.convert("L"), dtype=np.int16)
    inside = np.asarray(mask) > 128
    if not inside.any():
        return None
    differs = (np.abs(a - b) > _DIFF_LEVEL) & inside
    grey = (a * 0.5 + 110).clip(0, 255).astype(np.uint8)
    grey = np.where(inside, grey, (a * 0.25 + 40).astype(np.uint8))  # outside the copy: dark
    rgb = np.stack([grey, grey, grey], axis=-1)
    rgb[differs] = (220, 30, 30)
    out = Image.fromarray(rgb)
    out.thumbnail((SIDE, SIDE))
    return _jpeg(out)
