"""CMI engine: the field table, lossless EXIF/IPTC/XMP read and write, privacy scrub.

Public surface:
- ``registry``: the one field model (``FIELDS``, ``resolve``, ``label``, ``human_value``,
  the AI-use table); every other view of the fields derives from it.
- ``CMI_FIELDS``, ``build_cmi``, ``cmi_values``, ``field_of``: the keys one output gets.
- ``read_metadata`` -> ``Metadata`` (exif/iptc/xmp dicts keyed as exiv2 spells them, and
  warnings about what could not be read); ``xmp_packet``: a file's XMP, for sidecars.
- ``write_metadata(data, fmt, WritePlan)`` -> output pieces; ``ScrubOptions``.
- ``templates.import_template``: a profile from a Bridge / Photo Mechanic XMP template or
  a Lightroom ``.lrtemplate`` (imported on demand by ``profile import`` and the GUI).
- ``csv_table``: per-image values (``embed --metadata-csv``, ``inspect --csv``).
"""

from artguard.metadata.engine import Metadata, WritePlan, read_metadata, write_metadata, xmp_packet
from artguard.metadata.fields import CMI_FIELDS, build_cmi, cmi_values, field_of
from artguard.metadata import registry
from artguard.metadata.scrub import ScrubOptions

__all__ = [
    "CMI_FIELDS",
    "Metadata",
    "ScrubOptions",
    "WritePlan",
    "build_cmi",
    "cmi_values",
    "field_of",
    "read_metadata",
    "registry",
    "write_metadata",
    "xmp_packet",
]
