"""Keep ``None``, ``True`` and ``False`` alive however often PySide6 drops a reference to them.

PySide6 6.12 under Python 3.11 loses one reference to ``True`` on every ``Signal.emit()``
(its return value) and one to ``None`` every time a Python item model's ``data()`` hands
``None`` back to a view. Each loss is small, but a worker emits a signal per thumbnail and
per protected file, and a view asks for every role of every row it draws: after a few
thousand the count reaches zero and the app aborts ("bool_dealloc" / "none_dealloc:
deallocating ..."). Python 3.12 makes these objects immortal (a refcount too large to reach
zero); this does the same on 3.11, once, when the GUI package is imported.
"""

from __future__ import annotations

import ctypes
import sys

_SPARE = 1 << 40  # references added to each: more than any session can drop


def keep_alive() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return  # immortal already
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _SPARE
