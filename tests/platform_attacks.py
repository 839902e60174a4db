"""What platforms and re-posters do to a posted image: re-encode, resize, crop, frame,
mirror, rotate, caption, screenshot.

Shared by the watermark and tracing tests, bench/invisible.py and bench/trace.py, so all
attack images the same way.
"""

from __future__ import annotations

import io
import math

import numpy as np
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


def webp_q75(img: Image.Image) -> Image.Image:
    return webp(img, 75)


def quarter_q70(img: Image.Image) -> Image.Image:
    return jpeg(img.resize((max(1, img.width // 4), max(1, img.height // 4)), Image.Resampling.LANCZOS), 70)


def greyscale(img: Image.Image) -> Image.Image:
    return jpeg(img.convert("L").convert("RGB"), 85)


def filtered(img: Image.Image) -> Image.Image:
    """An app filter: saturation up, contrast up, a warm tint."""
    from PIL import ImageEnhance

    out = ImageEnhance.Contrast(ImageEnhance.Color(img.convert("RGB")).enhance(1.5)).enhance(1.3)
    r, g, b = out.split()
    return jpeg(Image.merge("RGB", (r.point(lambda v: min(255, v + 12)), g, b.point(lambda v: max(0, v - 10)))), 85)


def off_centre_crop(img: Image.Image) -> Image.Image:
    """10 % off the left and top, 2 % off the right and bottom."""
    w, h = img.size
    return jpeg(img.crop((w // 10, h // 10, w - w // 50, h - h // 50)), 85)


def aspect_crop(img: Image.Image, aspect: float) -> Image.Image:
    """The largest centred crop of width/height ``aspect`` (1.0 Instagram square, 0.8 4:5)."""
    w, h = img.size
    if w / h > aspect:
        cw, ch = round(h * aspect), h
    else:
        cw, ch = w, round(w / aspect)
    left, top = (w - cw) // 2, (h - ch) // 2
    return img.crop((left, top, left + cw, top + ch))


def instagram_square(img: Image.Image) -> Image.Image:
    return jpeg(aspect_crop(img, 1.0).resize((1080, 1080), Image.Resampling.LANCZOS), 80)


def portrait_4_5(img: Image.Image) -> Image.Image:
    return jpeg(aspect_crop(img, 0.8), 80)


def partial_half(img: Image.Image) -> Image.Image:
    """An off-centre crop keeping about half of the area (71 % of each side, top-left)."""
    w, h = img.size
    return jpeg(img.crop((w // 20, h // 20, w // 20 + round(w * 0.71), h // 20 + round(h * 0.71))), 85)


def mirror(img: Image.Image) -> Image.Image:
    return jpeg(img.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 85)


def border(img: Image.Image, share: float = 0.05, colour: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """A uniform frame ``share`` of the long side wide on every side."""
    pad = round(max(img.size) * share)
    canvas = Image.new("RGB", (img.width + 2 * pad, img.height + 2 * pad), colour)
    canvas.paste(img.convert("RGB"), (pad, pad))
    return jpeg(canvas, 85)


def letterbox(img: Image.Image) -> Image.Image:
    """Fitted into a 16:9 or 9:16 black frame, as video and story apps do."""
    w, h = img.size
    target = (max(w, round(h * 16 / 9)), h) if w >= h else (w, max(h, round(w * 16 / 9)))
    if target == (w, h):
        target = (w, round(w * 9 / 16) + h // 3)
    canvas = Image.new("RGB", target, (0, 0, 0))
    canvas.paste(img.convert("RGB"), ((target[0] - w) // 2, (target[1] - h) // 2))
    return jpeg(canvas, 85)


def caption_strip(img: Image.Image) -> Image.Image:
    """A white strip with black text over the bottom 15 %, as meme and re-post apps add."""
    from PIL import ImageDraw

    out = img.convert("RGB").copy()
    w, h = out.size
    draw = ImageDraw.Draw(out)
    top = round(h * 0.85)
    draw.rectangle((0, top, w, h), fill=(255, 255, 255))
    size = max(10, (h - top) // 3)
    draw.text((w // 20, top + (h - top) // 3), "when the art is too good lol #repost", fill=(0, 0, 0), font_size=size)
    return jpeg(out, 85)


def screenshot(img: Image.Image) -> Image.Image:
    """A browser screenshot: chrome bar, page text and the picture scaled to 55 % of the page."""
    from PIL import ImageDraw

    page_w, page_h = 1600, 1000
    canvas = Image.new("RGB", (page_w, page_h), (246, 246, 246))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, page_w, 86), fill=(222, 225, 230))
    draw.rounded_rectangle((140, 20, page_w - 140, 66), radius=20, fill=(255, 255, 255))
    draw.text((170, 32), "https://reposter.example/gallery/amazing-art-1234", fill=(60, 60, 60), font_size=22)
    box_w, box_h = round(page_w * 0.55), page_h - 180
    scale = min(box_w / img.width, box_h / img.height)
    shown = img.convert("RGB").resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.BILINEAR)
    x, y = 60, 120
    canvas.paste(shown, (x, y))
    for line in range(14):
        draw.text((x + shown.width + 40, 130 + line * 44), f"Comment {line}: love this, reposting to my page", fill=(30, 30, 30), font_size=20)
    draw.text((x, y + shown.height + 14), "Posted by someone_else - 3 hours ago", fill=(90, 90, 90), font_size=22)
    return jpeg(canvas, 90)


def rotate(img: Image.Image, degrees: float) -> Image.Image:
    """Rotated and cropped to the largest centred box with no empty corners."""
    rad = math.radians(abs(degrees))
    w, h = img.size
    turned = img.convert("RGB").rotate(degrees, Image.Resampling.BICUBIC, expand=False)
    # Largest axis-aligned rectangle of the same aspect inside the rotated frame.
    k = 1.0 / (math.cos(rad) + math.sin(rad) * max(w / h, h / w))
    cw, ch = round(w * k), round(h * k)
    left, top = (w - cw) // 2, (h - ch) // 2
    return jpeg(turned.crop((left, top, left + cw, top + ch)), 85)


def stretch(img: Image.Image, sx: float = 1.0, sy: float = 0.9) -> Image.Image:
    return jpeg(img.resize((round(img.width * sx), round(img.height * sy)), Image.Resampling.LANCZOS), 85)


def dark_variant(img: Image.Image) -> Image.Image:
    """The artist's own 'dark' version of a composition: hue turned 180° and lightness inverted."""
    hsv = np.asarray(img.convert("RGB").convert("HSV"), dtype=np.int16).copy()
    hsv[..., 0] = (hsv[..., 0] + 128) % 256
    hsv[..., 2] = 255 - hsv[..., 2]
    return Image.fromarray(hsv.astype(np.uint8), "HSV").convert("RGB")
