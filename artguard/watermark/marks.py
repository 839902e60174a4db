"""Render one watermark mark (text or logo) as a small RGBA layer, cached across calls.

A batch stamps thousands of files with the same words at a handful of sizes, so fonts,
logos and finished marks are cached. Cached layers are shared between threads and are
never modified after they are made; FreeType faces are not safe to use from two threads
at once, so text rendering holds a lock (it costs a few milliseconds per new mark).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

from artguard import imaging, paths
from artguard.errors import ArtGuardError, ProfileError

BUNDLED_FONT = "fonts/DejaVuSans-Bold.ttf"
FALLBACK_FONT = "fonts/DroidSansFallbackFull.ttf"

_TEXT_LOCK = threading.Lock()


@dataclass(frozen=True)
class MarkSpec:
    """Everything that decides a mark's pixels; hashable so finished marks can be cached."""

    kind: str  # text | logo
    content: str  # the expanded text, or the logo's resolved path
    size: int  # font size in px (text) or logo width in px (logo)
    color: str
    outline: bool
    shadow: bool
    opacity: float
    angle: float  # degrees, counter-clockwise as the viewer sees it
    font_path: str = ""
    logo_stamp: int = 0  # the logo file's mtime_ns, so an edited logo is reloaded


def bundled_font_path() -> Path:
    return paths.resources_dir() / BUNDLED_FONT


@functools.lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError as exc:
        raise ProfileError(f"cannot load watermark font {path}: {exc}") from exc


_UNASSIGNED = "\U000F0000"  # a private-use code point no text face draws: its mask is .notdef


@functools.lru_cache(maxsize=4096)
def _has_glyph(path: str, char: str) -> bool:
    font = _font(path, 32)
    drawn, missing = font.getmask(char), font.getmask(_UNASSIGNED)
    return drawn.size != missing.size or bytes(drawn) != bytes(missing)


def font_runs(text: str, font_path: str = "") -> list[tuple[str, str]]:
    """``text`` cut into (run, face path) pieces: each character in the user's (or the
    bundled) face when it has the glyph, else in the bundled fallback face, so a name like
    "Zoë 山田" never renders as empty boxes."""
    primary = str(Path(font_path).expanduser()) if font_path else str(bundled_font_path())
    fallback = str(paths.resources_dir() / FALLBACK_FONT)
    runs: list[tuple[str, str]] = []
    for char in text:
        face = primary if char.isspace() or _has_glyph(primary, char) or not _has_glyph(fallback, char) else fallback
        if runs and runs[-1][1] == face:
            runs[-1] = (runs[-1][0] + char, face)
        else:
            runs.append((char, face))
    return runs


@functools.lru_cache(maxsize=8)
def _logo(path: str, stamp: int) -> Image.Image:
    try:
        decoded = imaging.decode(Path(path))
    except ArtGuardError as exc:
        raise ProfileError(f"cannot load watermark logo {path}: {exc}") from exc
    logo = decoded.image
    if logo.mode.startswith("I"):  # 16-bit grey: scale to 8 bits before adding alpha
        logo = imaging.to_rgb(logo)
    return logo.convert("RGBA")


def logo_stamp(path: str) -> tuple[str, int]:
    """The resolved logo path and its mtime (cache key), or a clear error if it is missing."""
    resolved = Path(path).expanduser()
    try:
        return str(resolved.resolve()), resolved.stat().st_mtime_ns
    except OSError as exc:
        raise ProfileError(f"cannot read watermark logo {resolved}: {exc.strerror}") from exc


def _rgb(color: str) -> tuple[int, int, int]:
    try:
        value = ImageColor.getrgb(color)
    except ValueError as exc:
        raise ProfileError(f"watermark colour {color!r} is not a colour (try #ffffff or white)") from exc
    return value[0], value[1], value[2]


def _contrast(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """Outline colour: dark around light text, light around dark text."""
    luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return (0, 0, 0) if luma >= 128 else (255, 255, 255)


def _text_layer(spec: MarkSpec) -> Image.Image:
    stroke = max(1, round(spec.size * 0.06)) if spec.outline else 0
    pad = stroke + (max(2, round(spec.size * 0.12)) if spec.shadow else 1)
    with _TEXT_LOCK:
        probe = ImageDraw.Draw(Image.new("L", (1, 1)))
        placed, x = [], 0.0  # runs on one baseline (y = 0), each in its own face
        for run, face in font_runs(spec.content, spec.font_path):
            font = _font(face, spec.size)
            placed.append((x, run, font, probe.textbbox((x, 0), run, font=font, anchor="ls", stroke_width=stroke)))
            x += font.getlength(run)
        left = min(box[0] for *_, box in placed)
        top = min(box[1] for *_, box in placed)
        right = max(box[2] for *_, box in placed)
        bottom = max(box[3] for *_, box in placed)
        size = (int(right - left) + 2 * pad, int(bottom - top) + 2 * pad)
        fill = Image.new("L", size, 0)
        alpha = Image.new("L", size, 0) if stroke else fill
        for x, run, font, _ in placed:
            at = (pad - left + x, pad - top)
            ImageDraw.Draw(fill).text(at, run, font=font, fill=255, anchor="ls")
            if stroke:
                ImageDraw.Draw(alpha).text(at, run, font=font, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255)
    ink = _rgb(spec.color)
    layer = Image.new("RGB", size, ink)
    if stroke:
        layer = Image.composite(layer, Image.new("RGB", size, _contrast(ink)), fill)
    layer.putalpha(alpha)
    if spec.shadow:
        offset = max(1, round(spec.size * 0.05))
        shadow_alpha = Image.new("L", size, 0)
        shadow_alpha.paste(alpha, (offset, offset))
        shadow_alpha = shadow_alpha.filter(ImageFilter.GaussianBlur(max(1, spec.size * 0.04)))
        shadow = Image.new("RGBA", size, (0, 0, 0, 0))
        shadow.putalpha(shadow_alpha.point(lambda a: a * 6 // 10))
        layer = Image.alpha_composite(shadow, layer)
    return layer


def _logo_layer(spec: MarkSpec) -> Image.Image:
    logo = _logo(spec.content, spec.logo_stamp)
    width = max(1, spec.size)
    height = max(1, round(logo.height * width / logo.width))
    if (width, height) == logo.size:
        return logo.copy()
    return logo.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


@functools.lru_cache(maxsize=16)
def render_mark(spec: MarkSpec) -> Image.Image:
    """The finished mark: RGBA, opacity applied, rotated. Shared: never modify the result."""
    layer = _text_layer(spec) if spec.kind == "text" else _logo_layer(spec)
    if spec.opacity < 1.0:
        table = [round(a * spec.opacity) for a in range(256)]
        layer.putalpha(layer.getchannel("A").point(table))
    if spec.angle % 360:
        # Rotate premultiplied so transparent corners do not bleed dark fringes into edges.
        layer = (
            layer.convert("RGBa")
            .rotate(spec.angle, Image.Resampling.BICUBIC, expand=True)
            .convert("RGBA")
        )
    return layer
