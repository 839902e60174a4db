"""Generated test images (no pytest import, so benchmarks in other venvs can use them)."""

from __future__ import annotations

import numpy as np
from PIL import Image


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
