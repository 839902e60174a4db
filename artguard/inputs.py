"""What counts as an input file: folders walked in a stable order, special files refused.

A FIFO, device or socket named ``*.jpg`` would block (or never end) the moment it is
opened, so these checks look only at ``lstat``/``stat`` and never open anything.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from artguard import imaging

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_reason(path: Path) -> str | None:
    """Why ``path`` is skipped without being opened (not a regular file), or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreadable: the reader reports that in its own words
    for test, kind in _KINDS:
        if test(mode):
            return f"skipped: {kind}, not an image file"
    return None


def image_files(folder: Path) -> Iterator[Path]:
    """Image-named entries under ``folder`` (recursed, sorted, hidden names skipped);
    special files are yielded too, so the caller reports them instead of hiding them."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in imaging.IMAGE_SUFFIXES:
                yield Path(root) / name


def expand(sources: list[Path]) -> Iterator[Path]:
    """Files as given, folders as their image files."""
    for source in sources:
        if Path(source).is_dir():
            yield from image_files(Path(source))
        else:
            yield Path(source)
