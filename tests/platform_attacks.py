"""What platforms do to a posted image: re-encode, resize, crop, re-post.

Shared by the watermark tests and bench/invisible.py so both attack images the same way.
"""

from __future__ import annotations

import io

from PIL import Image


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def webp(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "WEBP", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def half(img: Image.Image) -> Image.Image:
    return img.resize((img.width // 2, img.height // 2), Image.Resampling.LANCZOS)


def crop(img: Image.Image, keep: float = 0.9) -> Image.Image:
    """Centre crop keeping ``keep`` of each side."""
    w, h = img.size
    cw, ch = round(w * keep), round(h * keep)
    left, top = (w - cw) // 2, (h - ch) // 2
    return img.crop((left, top, left + cw, top + ch))


def repost_2048(img: Image.Image) -> Image.Image:
    """A typical social re-post: long edge 2048 px, JPEG q80."""
    scale = 2048 / max(img.size)
    if scale < 1:
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.LANCZOS)
    return jpeg(img, 80)
