"""Process-wide allocator tuning for batches that handle one multi-megabyte file after another.

glibc serves every allocation above its mmap threshold (128 KB at start, raised only
after such a block is freed) with a fresh mmap and returns it to the kernel on free, so
each 4-15 MB file buffer - the bytes read, the signer's copies, the decoder's
coefficient arrays - is faulted in page by page again for every file. Measured on the
15 MP JPEGs of bench/embed_default.py: C2PA signing took 16-18 ms of CPU per file with
the default and 8-9 ms once freed buffers are kept for reuse.

The same holds for a file's pixels: a 12 MP web copy frees ~150 MB of images (the
decoded picture, the invisible mark's offset layer, the marked result), and with more
than 64 MB of free heap kept glibc gives the excess back, to fault it in again for the
next file. While a batch runs, freed memory is kept up to 1 GB: the default embed with a
text mark went from ~460 to ~350 ms of CPU per 12 MP file (kernel time 110 -> 30 ms).
Memory kept this way serves any later allocation, so a large file's peak is unchanged.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# mallopt() parameters (malloc.h); 32 MB is glibc's ceiling for the mmap threshold.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 << 20
_TRIM_THRESHOLD = 64 << 20
_BATCH_TRIM_THRESHOLD = 1 << 30
_libc: ctypes.CDLL | None = None


def reuse_large_buffers() -> bool:
    """Keep freed buffers up to 32 MB in the heap for the next file (glibc only; once per
    process). At most 64 MB of freed memory stays with the process. True when applied."""
    global _libc
    if _libc is not None or not sys.platform.startswith("linux"):
        return _libc is not None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        applied = libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) and libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    except (OSError, AttributeError):  # musl and other C libraries have no mallopt
        return False
    _libc = libc if applied else None
    return applied


def keep_freed_memory(keep: bool) -> None:
    """While a batch runs (``keep``), keep up to 1 GB of freed memory for the next file;
    after it, give back what was kept (a GUI process runs many batches)."""
    if not reuse_large_buffers() or _libc is None:
        return
    _libc.mallopt(_M_TRIM_THRESHOLD, _BATCH_TRIM_THRESHOLD if keep else _TRIM_THRESHOLD)
    if not keep:
        _libc.malloc_trim(0)
