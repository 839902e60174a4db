"""Trace a copy to the published image it came from, and verify before claiming.

Public surface:

* ``reference.make(img) -> bytes``: what the catalog stores at publication time for
  verification (small greyscale image; its SIFT features are added by
  ``reference.complete`` when a check first needs them); ``reference.parse`` reads it.
* ``CopyView(img, size)``: a copy prepared once (greyscale, features made on demand).
* ``verify(copy, ref, original_size) -> Verification | None``: geometric fit + aligned
  pixel comparison; ``Verification.relation`` is "same" or "derivative" and
  ``Verification.transform`` says what the copy shows, in numbers and words.
* ``verify_recoloured(copy, ref, original_size)``: for a candidate ``verify`` found nothing
  in and whose structure hash is close: a derivative in other colours, aligned by edges.
* ``picture_inside(verification, copy)``: share of the copy's picture inside the
  reference's frame (a copy showing more than an export was not made from it).
* ``align_to_original(work, verification, copy, original_size)``: the copy warped back
  onto the original's frame, where the invisible mark is read.
* ``FeatureIndex``: candidate lookup by local features when global hashes miss
  (screenshots, rotations, heavy crops); ``fit(copy_features, ref_features)`` is the
  geometric fit (inliers) that ranks further vote candidates.

Names load on first use: publishing only makes reference blobs and must not pay for
importing OpenCV and the verifier (~0.1-0.2 s per process).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from artguard.trace.align import fit
    from artguard.trace.reference import Reference
    from artguard.trace.reference import make as make_reference
    from artguard.trace.reference import parse as parse_reference
    from artguard.trace.retrieve import FeatureIndex
    from artguard.trace.transform import Transform
    from artguard.trace.verifier import (
        CopyView,
        Verification,
        align_to_original,
        picture_inside,
        verify,
        verify_recoloured,
    )

# Name -> (submodule, name there).
_HOME = {
    "FeatureIndex": ("retrieve", "FeatureIndex"),
    "fit": ("align", "fit"),
    "Reference": ("reference", "Reference"),
    "make_reference": ("reference", "make"),
    "parse_reference": ("reference", "parse"),
    "Transform": ("transform", "Transform"),
    **{name: ("verifier", name) for name in ("CopyView", "Verification", "align_to_original", "picture_inside", "verify", "verify_recoloured")},
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _HOME[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value
    return value


__all__ = [
    "CopyView", "FeatureIndex", "Reference", "Transform", "Verification", "align_to_original", "fit",
    "make_reference", "parse_reference", "picture_inside", "verify",
]
