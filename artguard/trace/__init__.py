"""Trace a copy to the published image it came from, and verify before claiming.

Public surface:

* ``reference.make(img) -> bytes``: what the catalog stores at publication time for
  verification (small greyscale image + SIFT features); ``reference.parse`` reads it.
* ``CopyView(img, size)``: a copy prepared once (greyscale, features made on demand).
* ``verify(copy, ref, original_size) -> Verification | None``: geometric fit + aligned
  pixel comparison; ``Verification.relation`` is "same" or "derivative" and
  ``Verification.transform`` says what the copy shows, in numbers and words.
* ``picture_inside(verification, copy)``: share of the copy's picture inside the
  reference's frame (a copy showing more than an export was not made from it).
* ``align_to_original(work, verification, copy, original_size)``: the copy warped back
  onto the original's frame, where the invisible mark is read.
* ``FeatureIndex``: candidate lookup by local features when global hashes miss
  (screenshots, rotations, heavy crops).
"""

from artguard.trace.retrieve import FeatureIndex
from artguard.trace.reference import Reference, make as make_reference, parse as parse_reference
from artguard.trace.transform import Transform
from artguard.trace.verifier import CopyView, Verification, align_to_original, picture_inside, verify

__all__ = [
    "CopyView", "FeatureIndex", "Reference", "Transform", "Verification", "align_to_original",
    "make_reference", "parse_reference", "picture_inside", "verify",
]
