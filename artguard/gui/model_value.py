"""What a Python item model's ``data()``/``headerData()`` override hands back to Qt.

PySide6 6.12 drops one reference to a ``None`` returned from such an override (to Qt's
C++ caller, which is how a view asks for every role it draws). Under Python 3.11, where
``None`` is an ordinary object, a few thousand drawn rows bring its count to zero and the
app aborts ("none_dealloc: deallocating None"). ``for_qt`` gives that reference back; it
is harmless where PySide is fixed (``None`` then keeps one reference more).
"""

from __future__ import annotations

import ctypes
from typing import Any


def for_qt(value: Any) -> Any:
    """``value`` as a model override should return it (``None``: no data for that role)."""
    if value is None:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    return value
