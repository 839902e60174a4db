"""Generated test images (no pytest import, so benchmarks in other venvs can use them)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw


def textured(width: int, height: int, seed: int = 0, mode: str = "RGB") -> Image.Image:
    """A photo-like test image: smooth gradients plus texture, different for each seed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    fx, fy, phase = rng.uniform(2, 9, 3)
    base = np.stack(
        [
            127 + 90 * np.sin(x / width * fx * np.pi + phase) * np.cos(y / height * fy),
            127 + 90 * np.cos(x / width * fy * 2 + y / height * fx),
            127 + 90 * np.sin((x + y) / (width + height) * (fx + fy) * np.pi),
        ],
        axis=-1,
    )
    blobs = rng.normal(0, 1, (max(2, height // 16), max(2, width // 16), 3))
    blobs = np.array(Image.fromarray(((blobs + 3) * 40).clip(0, 255).astype(np.uint8)).resize((width, height), Image.BICUBIC), dtype=np.float32) - 120
    noise = rng.normal(0, 6, (height, width, 3))
    arr = (base + 0.6 * blobs + noise).clip(0, 255).astype(np.uint8)
    img = Image.fromarray(arr, "RGB")
    return img if mode == "RGB" else img.convert(mode)


def art(width: int, height: int, seed: int) -> Image.Image:
    """Flat-colour digital art: a gradient sky with shapes, few textures (hard for features)."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, height)[:, None, None]
    top, bottom = rng.uniform(40, 220, 3), rng.uniform(40, 220, 3)
    sky = (top * (1 - y) + bottom * y) * np.ones((1, width, 1))
    img = Image.fromarray(sky.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        x0, y0 = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(0.03, 0.15) * width
        colour = tuple(int(v) for v in rng.uniform(0, 255, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0 - r, y0 - r, x0 + r, y0 + r), fill=colour)
        else:
            draw.polygon([(x0, y0 - r), (x0 + r, y0 + r), (x0 - r, y0 + 0.6 * r)], fill=colour)
    return img
