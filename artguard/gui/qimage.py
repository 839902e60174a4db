"""Pillow image -> QImage, safe to call in a worker thread (QImage, unlike QPixmap, is)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtGui import QImage

from artguard import imaging


def to_qimage(img: Image.Image) -> QImage:
    """A deep copy, so the QImage owns its pixels after the Pillow image is gone."""
    if img.mode not in ("RGB", "RGBA"):
        img = imaging.to_rgb(img) if img.mode != "LA" else img.convert("RGBA")
    fmt = QImage.Format.Format_RGBA8888 if img.mode == "RGBA" else QImage.Format.Format_RGB888
    data = img.tobytes()
    bytes_per_line = img.width * (4 if img.mode == "RGBA" else 3)
    return QImage(data, img.width, img.height, bytes_per_line, fmt).copy()


def load_thumbnail(path: str | Path, side: int = 160) -> QImage:
    """A small oriented thumbnail from a reduced decode (JPEG draft: a few ms for 15 MP)."""
    return to_qimage(imaging.decode_reduced(Path(path), side).image)
