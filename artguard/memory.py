"""Process-wide allocator tuning for batches that handle one multi-megabyte file after another.

glibc serves every allocation above its mmap threshold (128 KB at start, raised only
after such a block is freed) with a fresh mmap and returns it to the kernel on free, so
each 4-15 MB file buffer - the bytes read, the signer's copies, the decoder's
coefficient arrays - is faulted in page by page again for every file. Measured on the
15 MP JPEGs of bench/embed_default.py: C2PA signing took 16-18 ms of CPU per file with
the default and 8-9 ms once freed buffers are kept for reuse.

Pillow has its own pool for image memory (16 MB blocks), empty by default, so each
full-size image - the decoded picture, the invisible mark's offset layer, the marked
result - is faulted in again. Keeping blocks for the batch's length took the default
embed with a text mark from ~460 to ~350 ms of CPU per 12 MP file (bench/watermark.py;
kernel time 110 -> 35 ms a file).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

from PIL import Image

# mallopt() parameters (malloc.h); 32 MB is glibc's ceiling for the mmap threshold.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 << 20
_TRIM_THRESHOLD = 64 << 20
_done = False
# Pillow blocks kept for reuse: one 12 MP file's pixel work holds ~10 at once.
PIXEL_BLOCKS = 24


def reuse_large_buffers() -> bool:
    """Keep freed buffers up to 32 MB in the heap for the next file (glibc only; once per
    process). At most 64 MB of freed memory stays with the process. True when applied."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return _done
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and other C libraries have no mallopt
        return False
    _done = bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
    return _done


def keep_pixel_blocks(blocks: int = PIXEL_BLOCKS) -> int:
    """Let Pillow keep up to ``blocks`` freed image blocks for the next file; returns the
    previous setting, which, set again, frees what was kept (a GUI process does that
    after each batch)."""
    previous = Image.core.get_blocks_max()
    Image.core.set_blocks_max(blocks)
    return previous
