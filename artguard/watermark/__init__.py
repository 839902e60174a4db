"""Watermarks. Importing this package loads nothing heavy; import the module you need.

Public surface:

- ``artguard.watermark.visible``: ``apply_watermark(img, settings, *, text)`` stamps a
  text or logo mark (anchored or tiled) on decoded pixels; ``render_preview(proxy,
  settings, *, text)`` does the same on a copy of a GUI proxy; ``placement(size,
  settings, *, text)`` lists the boxes the mark covers.
- ``artguard.watermark.invisible``: the robust invisible owner/image id (embed and detect).

``artguard.watermark.marks`` (internal) renders and caches the mark layers;
``lattice`` (internal) finds the invisible mark's tile lattice in a rotated, mirrored or
stretched copy; ``filters`` (internal) holds the numpy blurs both use.
"""

__all__ = ["visible", "invisible"]
