"""What verification needs of a published image, stored in the catalog at publication time.

A copy found online is verified against the image it came from: local features for the
geometric fit and a small greyscale picture for the aligned-pixel comparison. Both are
made from the reduced decode the pipeline already has, so publishing pays one SIFT run on
a 384 px image (~15 ms) and the catalog ~30 KB per publication; checking never needs the
original file (which may have moved or been deleted).

Blob layout (version 1): version byte, JPEG length (u32), greyscale JPEG (q90, long edge
``REF_SIDE``), then keypoints (n x 4 float16: x, y, size, angle) and descriptors
(n x 128 uint8).
"""

from __future__ import annotations

import functools
import io
import struct
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from artguard.imaging import to_rgb

BLOB_VERSION = 1
REF_SIDE = 384
MAX_FEATURES = 256
_HEADER = struct.Struct(">BI")


@dataclass(frozen=True)
class Features:
    """Keypoint positions (n x 2, pixels of the image they came from) and SIFT descriptors."""

    points: np.ndarray
    descriptors: np.ndarray  # n x 128 float32

    def __len__(self) -> int:
        return len(self.points)


@dataclass(frozen=True)
class Reference:
    """A published image as verification sees it."""

    grey: np.ndarray  # uint8, long edge REF_SIDE
    features: Features


def grey_array(img: Image.Image, side: int) -> np.ndarray:
    """8-bit luma with the long edge at most ``side`` (area-averaged, no aliasing)."""
    grey = to_rgb(img).convert("L") if img.mode != "L" else img
    if max(grey.size) > side:
        scale = side / max(grey.size)
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.BOX)
    return np.asarray(grey, dtype=np.uint8)


@functools.lru_cache(maxsize=4)
def _sift(limit: int) -> cv2.SIFT:
    return cv2.SIFT_create(nfeatures=limit, contrastThreshold=0.02)


def detect(grey: np.ndarray, limit: int = MAX_FEATURES) -> Features:
    """The ``limit`` strongest SIFT keypoints (descriptors are computed for those only), with
    a low contrast threshold: digital art has few strong corners."""
    keypoints, descriptors = _sift(limit).detectAndCompute(grey, None)
    if descriptors is None or not keypoints:
        return Features(np.zeros((0, 2), np.float32), np.zeros((0, 128), np.float32))
    order = np.argsort([-k.response for k in keypoints])[:limit]
    points = np.array([keypoints[i].pt for i in order], dtype=np.float32)
    return Features(points, descriptors[order].astype(np.float32))


def make(img: Image.Image) -> bytes:
    """The reference blob of a (reduced) published image."""
    grey = grey_array(img, REF_SIDE)
    buf = io.BytesIO()
    Image.fromarray(grey, "L").save(buf, "JPEG", quality=90)
    jpeg = buf.getvalue()
    grey = np.asarray(Image.open(io.BytesIO(jpeg)), dtype=np.uint8)  # features of what is stored
    feats = detect(grey)
    meta = np.zeros((len(feats), 4), dtype=np.float16)
    meta[:, :2] = feats.points
    desc = np.clip(np.rint(feats.descriptors), 0, 255).astype(np.uint8)
    return _HEADER.pack(BLOB_VERSION, len(jpeg)) + jpeg + meta.tobytes() + desc.tobytes()


def parse(blob: bytes) -> Reference:
    """A stored blob back as arrays; ValueError for a blob this version does not know."""
    if len(blob) < _HEADER.size or blob[0] != BLOB_VERSION:
        raise ValueError("unknown reference blob")
    _, n_jpeg = _HEADER.unpack_from(blob)
    start = _HEADER.size + n_jpeg
    grey = np.asarray(Image.open(io.BytesIO(blob[_HEADER.size:start])).convert("L"), dtype=np.uint8)
    rest = len(blob) - start
    count = rest // (8 + 128)
    if count * (8 + 128) != rest:
        raise ValueError("truncated reference blob")
    meta = np.frombuffer(blob, dtype=np.float16, count=count * 4, offset=start).reshape(count, 4)
    desc = np.frombuffer(blob, dtype=np.uint8, count=count * 128, offset=start + count * 8).reshape(count, 128)
    return Reference(grey, Features(meta[:, :2].astype(np.float32), desc.astype(np.float32)))


def descriptors_of(blob: bytes, limit: int) -> np.ndarray:
    """The strongest ``limit`` descriptors of a blob (uint8), without decoding its JPEG."""
    if len(blob) < _HEADER.size or blob[0] != BLOB_VERSION:
        return np.zeros((0, 128), np.uint8)
    _, n_jpeg = _HEADER.unpack_from(blob)
    start = _HEADER.size + n_jpeg
    count = (len(blob) - start) // (8 + 128)
    take = min(count, limit)
    return np.frombuffer(blob, dtype=np.uint8, count=take * 128, offset=start + count * 8).reshape(take, 128)
