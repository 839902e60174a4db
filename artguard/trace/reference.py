"""What verification needs of a published image, stored in the catalog at publication time.

A copy found online is verified against the image it came from: local features for the
geometric fit and a small greyscale picture for the aligned-pixel comparison. Publishing
stores only the picture (made from the reduced decode the pipeline already has: ~3 ms and
~15-25 KB); the SIFT features (~50 ms of CPU per image, plus importing OpenCV) are computed
from that stored picture the first time a check needs them and then stored back, so they
are exactly what publishing them at once would have given. Checking never needs the
original file (which may have moved or been deleted).

Blob layouts (first byte):

* ``FULL`` (1): version byte, JPEG length (u32), greyscale JPEG (q90, long edge
  ``REF_SIDE``), then keypoints (n x 4 float16: x, y, size, angle) and descriptors
  (n x 128 uint8). Catalogs written before features became lazy hold only these.
* ``PENDING`` (2): version byte, JPEG length (u32), the same greyscale JPEG; features
  not computed yet (``complete`` turns it into a ``FULL`` blob).
"""

from __future__ import annotations

import functools
import io
import struct
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from artguard.imaging import to_rgb

if TYPE_CHECKING:
    import cv2

FULL = 1
PENDING = 2
BLOB_VERSION = FULL  # what a complete blob is written as
REF_SIDE = 384
MAX_FEATURES = 256
_HEADER = struct.Struct(">BI")
_PER_FEATURE = 8 + 128


@dataclass(frozen=True)
class Features:
    """Keypoint positions (n x 2, pixels of the image they came from) and SIFT descriptors."""

    points: np.ndarray
    descriptors: np.ndarray  # n x 128 float32

    def __len__(self) -> int:
        return len(self.points)


class Reference:
    """A published image as verification sees it: ``grey`` (uint8, long edge REF_SIDE) and
    its ``features``, detected on first use when the stored blob had none yet."""

    def __init__(self, grey: np.ndarray, features: Features | None = None) -> None:
        self.grey = grey
        self._features = features

    @property
    def features(self) -> Features:
        if self._features is None:
            self._features = detect(self.grey)
        return self._features


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
    import cv2  # only checks need OpenCV: publishing stays free of its import

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
    """The reference blob of a (reduced) published image, features left for later."""
    buf = io.BytesIO()
    Image.fromarray(grey_array(img, REF_SIDE), "L").save(buf, "JPEG", quality=90)
    jpeg = buf.getvalue()
    return _HEADER.pack(PENDING, len(jpeg)) + jpeg


def _split(blob: bytes) -> tuple[int, bytes, int]:
    """(version, JPEG bytes, offset of the feature block); ValueError for an unknown blob."""
    if len(blob) < _HEADER.size or blob[0] not in (FULL, PENDING):
        raise ValueError("unknown reference blob")
    version, n_jpeg = _HEADER.unpack_from(blob)
    start = _HEADER.size + n_jpeg
    if start > len(blob) or (version == PENDING and start != len(blob)):
        raise ValueError("truncated reference blob")
    return version, blob[_HEADER.size:start], start


def _grey(jpeg: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("L"), dtype=np.uint8)


def parse(blob: bytes) -> Reference:
    """A stored blob back as arrays; ValueError for a blob this version does not know."""
    version, jpeg, start = _split(blob)
    grey = _grey(jpeg)
    if version == PENDING:
        return Reference(grey)
    rest = len(blob) - start
    count = rest // _PER_FEATURE
    if count * _PER_FEATURE != rest:
        raise ValueError("truncated reference blob")
    meta = np.frombuffer(blob, dtype=np.float16, count=count * 4, offset=start).reshape(count, 4)
    desc = np.frombuffer(blob, dtype=np.uint8, count=count * 128, offset=start + count * 8).reshape(count, 128)
    return Reference(grey, Features(meta[:, :2].astype(np.float32), desc.astype(np.float32)))


def needs_features(blob: bytes) -> bool:
    """True for a blob stored before its features were computed."""
    return bool(blob) and blob[0] == PENDING


def complete(blob: bytes, features: Features | None = None) -> bytes:
    """A ``FULL`` blob: ``blob`` with the features of its stored picture appended (detected
    here unless given). A blob that already has them comes back unchanged."""
    version, jpeg, _ = _split(blob)
    if version == FULL:
        return blob
    feats = features if features is not None else detect(_grey(jpeg))
    meta = np.zeros((len(feats), 4), dtype=np.float16)
    meta[:, :2] = feats.points
    desc = np.clip(np.rint(feats.descriptors), 0, 255).astype(np.uint8)
    return _HEADER.pack(FULL, len(jpeg)) + jpeg + meta.tobytes() + desc.tobytes()


def complete_many(
    blobs: Iterable[tuple[int, bytes]],
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[tuple[int, bytes]]:
    """``complete`` over many (key, blob) pairs on ``workers`` threads (JPEG decoding and
    OpenCV release the GIL); yields (key, full blob) in the given order, calling
    ``progress(done)`` after each. ``cancel()`` is asked between small rounds of work."""
    items = list(blobs)
    step = max(1, workers) * 4
    done = 0
    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="artguard-features") as pool:
        for start in range(0, len(items), step):
            if cancel is not None and cancel():
                return
            chunk = items[start:start + step]
            for (key, _), full in zip(chunk, pool.map(complete, (blob for _, blob in chunk))):
                done += 1
                if progress is not None:
                    progress(done)
                yield key, full


def descriptors_of(blob: bytes, limit: int) -> np.ndarray:
    """The strongest ``limit`` descriptors of a blob (uint8), without decoding its JPEG;
    none for a blob without features (``complete`` it first)."""
    if len(blob) < _HEADER.size or blob[0] != FULL:
        return np.zeros((0, 128), np.uint8)
    _, n_jpeg = _HEADER.unpack_from(blob)
    start = _HEADER.size + n_jpeg
    count = (len(blob) - start) // _PER_FEATURE
    take = min(count, limit)
    return np.frombuffer(blob, dtype=np.uint8, count=take * 128, offset=start + count * 8).reshape(take, 128)
