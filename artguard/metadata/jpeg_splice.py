"""JPEG header splicing: edit metadata without streaming the scan data through exiv2.

A JPEG's metadata (APPn segments) all sits before the first SOS marker; the entropy-coded
image data after it is never touched by a metadata edit. So the writer hands exiv2 only
the header (a few KB) plus an EOI, and joins exiv2's new header to the original scan
bytes. The pixels stay bit-identical by construction.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from artguard.errors import CorruptImage

SOI = b"\xff\xd8"
EOI = b"\xff\xd9"
SOS = 0xDA
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0-7 carry no length


def segments(data: bytes | memoryview) -> Iterator[tuple[int, int, int]]:
    """(marker, offset, length) of each header segment, up to and including the first SOS.

    The one JPEG header walker: the splice and the C2PA presence check both use it.
    """
    if bytes(data[:2]) != SOI:
        raise CorruptImage("not a JPEG (no start-of-image marker)")
    pos, end = 2, len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            raise CorruptImage(f"damaged JPEG header at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker == EOI[1]:
            break
        length = (data[pos + 2] << 8) | data[pos + 3]
        if length < 2:
            raise CorruptImage(f"damaged JPEG segment at byte {pos}")
        yield marker, pos, length
        if marker == SOS:
            return
        pos += 2 + length


def scan_offset(data: bytes | memoryview) -> int:
    """Offset of the first SOS marker (the start of the image data)."""
    for marker, pos, _ in segments(data):
        if marker == SOS:
            return pos
    raise CorruptImage("truncated JPEG: no image data (SOS marker) found")


def header_stub(data: bytes | memoryview, sos: int) -> bytes:
    """The header, the SOS segment and an EOI: a JPEG exiv2 can edit in microseconds."""
    if sos + 4 > len(data):
        raise CorruptImage("truncated JPEG: scan header cut off")
    length = (data[sos + 2] << 8) | data[sos + 3]
    return bytes(data[: sos + 2 + length]) + EOI


def join(new_stub: bytes, original: bytes | memoryview, original_sos: int) -> list[bytes | memoryview]:
    """Pieces of the output file: exiv2's new header, then the untouched scan data."""
    return [new_stub[: scan_offset(new_stub)], memoryview(original)[original_sos:]]


@dataclass(frozen=True)
class ScanData:
    """The original's scan bytes, left on disk: the writer has the kernel copy them."""

    path: Path
    offset: int
    length: int


def read_head(path: Path, chunk: int = 1 << 16) -> tuple[bytes, ScanData]:
    """The header through the SOS segment, and where the scan data lies, without reading it.

    The file's last ``chunk`` bytes must hold an EOI marker, so a file cut short is refused
    as it would be after a full read.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(chunk)
        while True:
            try:
                sos = scan_offset(head)
                end = sos + 2 + ((head[sos + 2] << 8) | head[sos + 3]) if sos + 4 <= len(head) else size + 1
                if end <= len(head):
                    break
            except CorruptImage:
                if len(head) >= size:
                    raise
            if len(head) >= size:
                raise CorruptImage("truncated JPEG: scan header cut off")
            head += fh.read(len(head))
        fh.seek(max(sos, size - chunk))
        if EOI not in fh.read():
            raise CorruptImage("image data is truncated (the file ends early)")
    return head[:end], ScanData(Path(path), sos, size - sos)
