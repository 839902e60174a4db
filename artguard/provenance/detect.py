"""Does a file carry a C2PA manifest store? A cheap structural look, no validation.

Walks only the container headers (JPEG segments up to the scan, PNG chunks, RIFF
chunks, TIFF's first IFD) so the pipeline can ask it of every input at almost no cost
and decide whether the original becomes a parent ingredient.
"""

from __future__ import annotations

import struct

from artguard.errors import CorruptImage
from artguard.metadata import jpeg_splice

_C2PA_TIFF_TAG = 52545  # 0xCD41, where C2PA embeds its store in TIFF


def has_manifest(data: bytes, fmt: str) -> bool:
    """True when the bytes hold an embedded C2PA manifest store (valid or not)."""
    finder = {"jpeg": _jpeg, "png": _png, "webp": _webp, "tiff": _tiff}.get(fmt)
    try:
        if finder is not None:
            return finder(data)
    except (struct.error, IndexError, ValueError, CorruptImage):
        return False
    return b"jumb" in data and b"c2pa" in data


def _jpeg(data: bytes) -> bool:
    for marker, pos, length in jpeg_splice.segments(data):
        if marker == 0xEB:  # APP11: JPEG XT boxes, where C2PA puts its JUMBF
            payload = data[pos + 4:pos + 2 + length]
            if payload[:2] == b"JP" and b"jumb" in payload[:64] and b"c2pa" in payload[:128]:
                return True
    return False


def _png(data: bytes) -> bool:
    pos = 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        if ctype == b"caBX":
            return True
        if ctype == b"IEND":
            return False
        pos += 12 + length
    return False


def _webp(data: bytes) -> bool:
    pos = 12
    while pos + 8 <= len(data):
        fourcc, size = struct.unpack("<4sI", data[pos:pos + 8])
        if fourcc == b"C2PA":
            return True
        pos += 8 + size + (size & 1)
    return False


def _tiff(data: bytes) -> bool:
    endian = "<" if data[:2] == b"II" else ">"
    (ifd,) = struct.unpack(endian + "I", data[4:8])
    (count,) = struct.unpack(endian + "H", data[ifd:ifd + 2])
    for i in range(count):
        (tag,) = struct.unpack(endian + "H", data[ifd + 2 + 12 * i:ifd + 4 + 12 * i])
        if tag == _C2PA_TIFF_TAG:
            return True
    return False
