"""Output settings: where outputs go and how they are written (format, size, C2PA, privacy)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from artguard.gui.settings import GuiSettings
from artguard.gui.widgets.hint import hint, row
from artguard.metadata import ScrubOptions
from artguard.pipeline import EmbedOptions
from artguard.profile import RightsProfile

FORMAT_LABELS = {
    "keep": "Same as the original",
    "jpeg": "JPEG",
    "png": "PNG (lossless)",
    "webp": "WebP",
}


class OutputSettings(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("Choose where protected copies are saved")
        self.folder.setToolTip("Protected copies are written here; your originals are never changed")
        self.folder.setAccessibleName("Output folder")
        self.folder.textChanged.connect(self.changed)
        browse = QPushButton("Browse…")
        browse.setToolTip("Choose the output folder")
        browse.clicked.connect(self._browse)
        folder_line = row(self.folder, browse)
        form.addRow("Output &folder:", folder_line)
        form.labelForField(folder_line).setBuddy(self.folder)

        self.suffix = QLineEdit()
        self.suffix.setPlaceholderText("e.g. -web (needed when saving next to the originals)")
        self.suffix.setToolTip("Added to each output file name, before the extension")
        form.addRow("Name suffi&x:", self.suffix)

        self.format = QComboBox()
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(label, key)
        self.format.setToolTip("File format of the protected copies")
        self.format.currentIndexChanged.connect(self._refresh)
        form.addRow("F&ormat:", self.format)

        self.quality = QSpinBox()
        self.quality.setRange(1, 100)
        self.quality.setToolTip("JPEG/WebP quality; 85-92 looks like the original at a fraction of the size")
        form.addRow("&Quality:", self.quality)

        self.max_size = QSpinBox()
        self.max_size.setRange(0, 30000)
        self.max_size.setSingleStep(256)
        self.max_size.setSpecialValueText("Original size")
        self.max_size.setSuffix(" px")
        self.max_size.setToolTip("Shrink so the long edge is at most this many pixels (web copies); never enlarges")
        form.addRow("Max si&ze:", self.max_size)

        self.cmi = QCheckBox("Write copyright information (EXIF, IPTC, XMP)")
        self.cmi.setToolTip("Your profile's creator, copyright, licence and AI reservation in every standard field")
        form.addRow(self.cmi)
        self.c2pa = QCheckBox("Sign Content Credentials (C2PA)")
        self.c2pa.setToolTip("A signed record of who made the image and how; viewers show it as Content Credentials")
        form.addRow(self.c2pa)
        self.scrub_gps = QCheckBox("Remove GPS location")
        self.scrub_gps.setToolTip("Where the photo was taken; rarely meant to be public")
        form.addRow(self.scrub_gps)
        self.scrub_private = QCheckBox("Remove camera serial numbers and owner names")
        self.scrub_private.setToolTip("Details your camera recorded that can identify you or your gear")
        form.addRow(self.scrub_private)
        form.addRow(hint("Originals are only read. Outputs are written whole or not at all."))
        self._refresh()

    def _browse(self) -> None:
        start = self.folder.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Output folder", start)
        if folder:
            self.folder.setText(folder)

    def _refresh(self) -> None:
        self.quality.setEnabled(self.format.currentData() in ("keep", "jpeg", "webp"))
        self.changed.emit()

    def load(self, s: GuiSettings) -> None:
        self.folder.setText(s.output_dir)
        self.suffix.setText(s.suffix)
        self.format.setCurrentIndex(max(0, self.format.findData(s.format)))
        self.quality.setValue(s.quality)
        self.max_size.setValue(s.max_size)
        self.cmi.setChecked(s.write_cmi)
        self.c2pa.setChecked(s.sign_c2pa)
        self.scrub_gps.setChecked(not s.keep_gps)
        self.scrub_private.setChecked(not s.keep_private)

    def store(self, s: GuiSettings) -> None:
        s.output_dir = self.folder.text().strip()
        s.suffix = self.suffix.text().strip()
        s.format = self.format.currentData()
        s.quality = self.quality.value()
        s.max_size = self.max_size.value()
        s.write_cmi = self.cmi.isChecked()
        s.sign_c2pa = self.c2pa.isChecked()
        s.keep_gps = not self.scrub_gps.isChecked()
        s.keep_private = not self.scrub_private.isChecked()

    def options(self, profile: RightsProfile) -> EmbedOptions:
        return EmbedOptions(
            profile=profile,
            write_cmi=self.cmi.isChecked(),
            sign_c2pa=self.c2pa.isChecked(),
            invisible=profile.invisible_watermark,
            scrub=ScrubOptions(keep_gps=not self.scrub_gps.isChecked(), keep_private=not self.scrub_private.isChecked()),
            format=self.format.currentData(),
            quality=self.quality.value(),
            max_size=self.max_size.value() or None,
        )
