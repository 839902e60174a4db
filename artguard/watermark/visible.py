"""Visible watermarks: a text or logo mark at one of nine anchors, or tiled diagonally.

Sizes are fractions of the image's short side, so the same settings give the same look
on a 1200 px GUI proxy and on the 24 MP file, and on portrait and landscape alike. Only
the pixels under the mark are touched: anchored marks are composited into their own box,
tiles into theirs; the rest of the image is never copied or converted.

Image modes: RGB, RGBA, L, LA, CMYK and 16-bit grey (I;16, I) are stamped in place and
the same object is returned. RGBA/LA keep their alpha (the mark is composited "over", so
a mark on a transparent area is a semi-transparent mark). CMYK gets the mark's colour
through Pillow's RGB->CMYK mapping (white stays paper white); 16-bit grey gets the mark's
luminance scaled to 16 bits, so the image keeps its depth. Every other mode (palette, 1-bit,
float, YCbCr ...) is converted first and a new image is returned: to RGBA when it carries
transparency, else RGB.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from PIL import Image

from artguard.profile import WatermarkSettings
from artguard.watermark.marks import MarkSpec, logo_stamp, render_mark

__all__ = ["apply_watermark", "render_preview", "placement"]

_IN_PLACE = {"RGB", "RGBA", "L", "LA", "CMYK", "I;16", "I;16L", "I;16B", "I"}
_SIXTEEN_BIT = {"I;16", "I;16L", "I;16B", "I"}
_FRACTIONS = {"left": 0.0, "top": 0.0, "center": 0.5, "right": 1.0, "bottom": 1.0}


def _mark_spec(settings: WatermarkSettings, text: str, short_side: int) -> MarkSpec | None:
    size = max(1, round(settings.scale * short_side))
    angle = settings.tile_angle if settings.tile else settings.rotation
    common = dict(
        size=size,
        color=settings.color,
        outline=settings.outline,
        shadow=settings.shadow,
        opacity=settings.opacity,
        angle=float(angle),
    )
    if settings.kind == "text":
        if not text.strip():
            return None
        return MarkSpec(kind="text", content=text, font_path=settings.font_path, **common)
    if settings.kind == "logo":
        path, stamp = logo_stamp(settings.logo_path)
        return MarkSpec(kind="logo", content=path, logo_stamp=stamp, **common)
    return None


def _anchor(position: str) -> tuple[float, float]:
    """Horizontal and vertical fraction (0 left/top .. 1 right/bottom) for a position name."""
    if position == "center":
        return 0.5, 0.5
    parts = position.split("-")
    fx = next((_FRACTIONS[p] for p in parts if p in ("left", "right")), 0.5)
    fy = next((_FRACTIONS[p] for p in parts if p in ("top", "bottom")), 0.5)
    return fx, fy


def _anchored_box(size: tuple[int, int], mark: tuple[int, int], settings: WatermarkSettings) -> tuple[int, int]:
    width, height = size
    margin = settings.margin * min(size)
    fx, fy = _anchor(settings.position)
    x = margin + fx * (width - mark[0] - 2 * margin)
    y = margin + fy * (height - mark[1] - 2 * margin)
    return round(x), round(y)


def _tile_origins(size: tuple[int, int], mark: Image.Image, spec: MarkSpec, settings: WatermarkSettings) -> list[tuple[int, int]]:
    """Top-left corners of rotated tiles on a staggered lattice turned by the tile angle.

    The lattice is centred on the image, so a proxy and the full-size file get the same
    pattern; only tiles whose box meets the image are listed.
    """
    width, height = size
    base_w, base_h = render_mark(dataclasses.replace(spec, angle=0.0)).size
    gap = settings.tile_spacing * base_h
    step_u, step_v = base_w + gap, base_h + gap
    theta = math.radians(spec.angle)
    along = (math.cos(theta), -math.sin(theta))  # text baseline direction on screen
    across = (math.sin(theta), math.cos(theta))
    reach = math.hypot(width, height) / 2 + max(mark.size)
    rows = int(reach / step_v) + 1
    cols = int(reach / step_u) + 2
    cx, cy = width / 2, height / 2
    origins = []
    for j in range(-rows, rows + 1):
        shift = (j % 2) * step_u / 2
        for i in range(-cols, cols + 1):
            u, v = i * step_u + shift, j * step_v
            x = cx + u * along[0] + v * across[0] - mark.width / 2
            y = cy + u * along[1] + v * across[1] - mark.height / 2
            if x < width and y < height and x + mark.width > 0 and y + mark.height > 0:
                origins.append((round(x), round(y)))
    return origins


def placement(size: tuple[int, int], settings: WatermarkSettings, *, text: str) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom) the mark covers on an image of ``size``, unclipped.

    The GUI draws these as handles; the pipeline stamps exactly these boxes.
    """
    prepared = _prepare(size, settings, text)
    if prepared is None:
        return []
    spec, mark = prepared
    return [(x, y, x + mark.width, y + mark.height) for x, y in _origins(size, mark, spec, settings)]


def _prepare(size: tuple[int, int], settings: WatermarkSettings, text: str) -> tuple[MarkSpec, Image.Image] | None:
    """The mark for an image of ``size``; an anchored mark too big for the image is shrunk
    to fit inside the margins (a long notice on a narrow portrait stays readable)."""
    spec = _mark_spec(settings, text, min(size))
    if spec is None:
        return None
    mark = render_mark(spec)
    if not settings.tile:
        room = [side - 2 * settings.margin * min(size) for side in size]
        fit = min(room[0] / mark.width, room[1] / mark.height)
        if fit < 1.0:
            spec = dataclasses.replace(spec, size=max(1, int(spec.size * fit)))
            mark = render_mark(spec)
    return spec, mark


def _origins(size: tuple[int, int], mark: Image.Image, spec: MarkSpec, settings: WatermarkSettings) -> list[tuple[int, int]]:
    if settings.tile:
        return _tile_origins(size, mark, spec, settings)
    return [_anchored_box(size, mark.size, settings)]


def _workable(img: Image.Image) -> Image.Image:
    if img.mode in _IN_PLACE:
        return img
    if img.mode == "1":
        return img.convert("L")
    transparent = img.mode in ("PA", "La", "RGBa") or "transparency" in img.info
    return img.convert("RGBA" if transparent else "RGB")


def _pieces(mark: Image.Image) -> list[tuple[int, int, Image.Image]]:
    """The mark cut into horizontal strips trimmed to their visible pixels.

    A rotated mark's box is mostly transparent; compositing only the trimmed strips
    touches about a third of the pixels (it matters for tiles, which cover the image).
    """
    alpha = mark.getchannel("A")
    step = max(16, mark.height // 12)
    pieces = []
    for top in range(0, mark.height, step):
        box = alpha.crop((0, top, mark.width, min(mark.height, top + step))).getbbox()
        if box:
            left, upper, right, lower = box
            pieces.append((left, top + upper, mark.crop((left, top + upper, right, top + lower))))
    return pieces


class _Piece:
    """One strip of the mark, converted once to what the target mode needs."""

    def __init__(self, mode: str, dx: int, dy: int, rgba: Image.Image) -> None:
        self.dx, self.dy, self.rgba = dx, dy, rgba
        self.alpha = rgba.getchannel("A")
        if mode in ("RGB", "L"):
            self.ink = rgba.convert(mode)
        elif mode == "CMYK":
            self.ink = rgba.convert("RGB").convert("CMYK")
        elif mode in _SIXTEEN_BIT:
            self.ink16 = np.asarray(rgba.convert("L"), dtype=np.float32) * 257.0
            self.alpha01 = np.asarray(self.alpha, dtype=np.float32) / 255.0


class _Stamper:
    """Composites one mark into an image at many places, converting the mark only once."""

    def __init__(self, img: Image.Image, mark: Image.Image) -> None:
        self.img = img
        self.pieces = [_Piece(img.mode, dx, dy, rgba) for dx, dy, rgba in _pieces(mark)]

    def stamp(self, x: int, y: int) -> None:
        for piece in self.pieces:
            self._stamp_piece(piece, x + piece.dx, y + piece.dy)

    def _stamp_piece(self, piece: _Piece, x: int, y: int) -> None:
        width, height = self.img.size
        pw, ph = piece.rgba.size
        left, top = max(0, x), max(0, y)
        right, bottom = min(width, x + pw), min(height, y + ph)
        if left >= right or top >= bottom:
            return
        src = (left - x, top - y, right - x, bottom - y)
        mode = self.img.mode
        if mode == "RGBA":
            self.img.alpha_composite(piece.rgba, (left, top), src)
        elif mode in ("RGB", "L", "CMYK"):
            whole = src == (0, 0, pw, ph)
            ink = piece.ink if whole else piece.ink.crop(src)
            mask = piece.alpha if whole else piece.alpha.crop(src)
            self.img.paste(ink, (left, top), mask)
        elif mode == "LA":
            box = (left, top, right, bottom)
            region = self.img.crop(box).convert("RGBA")
            region.alpha_composite(piece.rgba, (0, 0), src)
            self.img.paste(region.convert("LA"), box)
        else:
            self._stamp16(piece, src, (left, top, right, bottom))

    def _stamp16(self, piece: _Piece, src: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> None:
        region = np.asarray(self.img.crop(box))
        sx0, sy0, sx1, sy1 = src
        alpha = piece.alpha01[sy0:sy1, sx0:sx1]
        out = piece.ink16[sy0:sy1, sx0:sx1] * alpha + region.astype(np.float32) * (1.0 - alpha)
        patch = Image.fromarray(np.rint(out).astype(region.dtype))
        self.img.paste(patch if patch.mode == self.img.mode else patch.convert(self.img.mode), box)


def apply_watermark(img: Image.Image, settings: WatermarkSettings, *, text: str) -> Image.Image:
    """Stamp the visible mark on ``img`` (already oriented as the viewer sees it).

    ``text`` is the expanded template (ignored for logos). Modifies ``img`` in place and
    returns it for RGB, RGBA, L, LA, CMYK and 16-bit grey; other modes are converted and a
    new image is returned (see the module docstring). Always use the return value.
    """
    if not settings.enabled():
        return img
    settings.validate()
    prepared = _prepare(img.size, settings, text)
    if prepared is None:
        return img
    spec, mark = prepared
    target = _workable(img)
    stamper = _Stamper(target, mark)
    for x, y in _origins(target.size, mark, spec, settings):
        stamper.stamp(x, y)
    return target


def render_preview(proxy: Image.Image, settings: WatermarkSettings, *, text: str) -> Image.Image:
    """The mark on a copy of a downscaled proxy, for the GUI (the proxy is left untouched).

    Geometry is relative to the short side, so placement and relative size match what
    :func:`apply_watermark` does to the full-size image.
    """
    return apply_watermark(proxy.copy(), settings, text=text)
