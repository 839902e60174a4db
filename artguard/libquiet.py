"""Keep C libraries from writing to the terminal behind the CLI's back.

libtiff reports odd files ("WEBP compression support is not configured", "Read error on
strip 0") by printing to stderr itself; Pillow then raises an exception for the same
problem, which becomes the file's plain per-file error. The printed copy would only
garble a progress bar or a report, so libtiff's handlers are switched off (``--debug``
keeps them). Pillow's Python warnings are filtered by the CLI itself.
"""

from __future__ import annotations

import ctypes
import functools


@functools.cache
def silence_libtiff() -> bool:
    """Turn off libtiff's stderr handlers in this process; False if libtiff is not loaded."""
    from PIL import Image  # noqa: F401 (loads Pillow's libtiff with its core module)

    path = _loaded("libtiff")
    if path is None:
        return False
    try:
        lib = ctypes.CDLL(path)
        lib.TIFFSetErrorHandler.restype = ctypes.c_void_p
        lib.TIFFSetWarningHandler.restype = ctypes.c_void_p
        lib.TIFFSetErrorHandler(None)
        lib.TIFFSetWarningHandler(None)
    except (OSError, AttributeError):
        return False
    return True


def _loaded(name: str) -> str | None:
    """The path of a shared library this process has mapped (Linux); None elsewhere."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.split()[-1]
                if f"/{name}" in path and ".so" in path:
                    return path
    except OSError:
        pass
    return None
