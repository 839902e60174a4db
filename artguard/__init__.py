"""ArtGuard: protect images before posting, check copies found later.

The public surface of the core lives in its modules: ``artguard.profile`` (who and
which rights), ``artguard.metadata`` (CMI read/write), ``artguard.pipeline`` (one
file), ``artguard.batch`` (many files), ``artguard.provenance`` (C2PA),
``artguard.watermark`` (visible and invisible marks), ``artguard.catalog`` and
``artguard.check``. Nothing outside ``artguard.gui`` imports Qt.
"""

__version__ = "0.1.0"
APP_NAME = "ArtGuard"
