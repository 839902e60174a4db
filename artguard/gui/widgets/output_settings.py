"""Output settings: where outputs go and how they are written: platform presets (several at
once, one folder each) or custom format/size, the invisible mark, names, C2PA, privacy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from artguard import presets
from artguard.errors import ArtGuardError

from artguard.gui.settings import GuiSettings
from artguard.gui.widgets.hint import ERROR_STYLE, hint, row
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
        self.template = QLineEdit()
        self.template.setPlaceholderText("{name}{suffix}  e.g. {name}-{preset}-{n}")
        self.template.setToolTip(
            "Rename outputs: {name} the original's name, {n} its number in the batch, {preset} the platform, "
            "{date} today, {suffix} the suffix above. Empty: the original's name plus the suffix."
        )
        self.template.textChanged.connect(self._refresh)
        form.addRow("Rename &template:", self.template)
        self.template_problem = hint("")
        self.template_problem.setStyleSheet(ERROR_STYLE)
        form.addRow(self.template_problem)

        self.presets = QListWidget()
        self.presets.setAccessibleName("Platform presets")
        self.presets.setToolTip(
            "Tick where you will post: each ticked platform gets its own folder of copies sized for it. "
            "Tick none to use the custom format and size below."
        )
        self._fill_presets()
        self.presets.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.presets.setWordWrap(True)
        self.presets.setMinimumHeight(self.presets.sizeHintForRow(0) * 5 + 8)
        self.presets.setMaximumHeight(self.presets.sizeHintForRow(0) * 5 + 8)
        self.presets.itemChanged.connect(self._refresh)
        form.addRow("&Post to:", self.presets)

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
        self.max_size.valueChanged.connect(self._refresh)
        form.addRow("Max si&ze:", self.max_size)

        self.preset_name = QLineEdit()
        self.preset_name.setPlaceholderText("name, e.g. my-shop")
        self.preset_name.setToolTip("Save the format, quality and size above as a preset of your own")
        self.preset_name.setAccessibleName("New preset name")
        self.save_preset_button = QPushButton("Save as preset")
        self.save_preset_button.setToolTip("Your presets are kept with your other ArtGuard settings and listed above")
        self.save_preset_button.clicked.connect(self.save_preset)
        form.addRow("Own preset:", row(self.preset_name, self.save_preset_button))
        self.preset_message = hint(self._preset_problem)
        if self._preset_problem:
            self.preset_message.setStyleSheet(ERROR_STYLE)
        form.addRow(self.preset_message)

        self.invisible = QComboBox()
        self.invisible.addItem("Automatic: in web copies, not in lossless ones", "auto")
        self.invisible.addItem("Always", "on")
        self.invisible.addItem("Never", "off")
        self.invisible.setToolTip(
            "An invisible owner and image id that survives re-posting, recompression and crops. Automatic adds it "
            "whenever the copy is re-encoded anyway (a web copy) and leaves lossless metadata-only copies untouched."
        )
        self.invisible.currentIndexChanged.connect(self._refresh)
        form.addRow("&Invisible mark:", self.invisible)
        self.invisible_state = hint("")
        form.addRow(self.invisible_state)

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
        self.include_protected = QCheckBox("Protect ArtGuard's own outputs again")
        self.include_protected.setToolTip(
            "Off: files ArtGuard wrote before (found in the catalog or by their Content Credentials) are "
            "skipped, so running again over a folder never stacks a second copy on the first"
        )
        form.addRow(self.include_protected)
        form.addRow(hint("Originals are only read. Outputs are written whole or not at all."))
        self._refresh()

    def _browse(self) -> None:
        start = self.folder.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Output folder", start)
        if folder:
            self.folder.setText(folder)

    def _refresh(self) -> None:
        custom = not self.chosen_presets()
        self.format.setEnabled(custom)
        self.max_size.setEnabled(custom)
        self.quality.setEnabled(custom and self.format.currentData() in ("keep", "jpeg", "webp"))
        problem = self.template_problem_text()
        self.template_problem.setText(f"⚠ {problem}" if problem else "")
        self.template_problem.setVisible(bool(problem))
        self.invisible_state.setText(self._invisible_words())
        self.changed.emit()

    def save_preset(self) -> presets.Preset | None:
        """The custom settings as a user preset (saved under ARTGUARD_HOME), ticked at once."""
        key = self.preset_name.text().strip().lower().replace(" ", "-")
        preset = presets.Preset(
            key, self.preset_name.text().strip() or key, self.format.currentData(), self.quality.value(),
            self.max_size.value() or None, None, "Saved from the app.",
        )
        try:
            if any(p.key == key for p in presets.BUILTIN):
                raise ArtGuardError(f"{key!r} is a built-in preset: choose another name")
            presets.save(preset)
        except ArtGuardError as exc:
            self.preset_message.setText(f"⚠ {exc}")
            self.preset_message.setStyleSheet(ERROR_STYLE)
            return None
        ticked = [p.key for p in self.chosen_presets()] + [key]
        self._fill_presets()
        self.set_presets(ticked)
        self.preset_name.clear()
        self.preset_message.setStyleSheet("")
        self.preset_message.setText(f"Saved preset “{preset.label}”: {preset.describe()}.")
        return preset

    def template_problem_text(self) -> str:
        from artguard.batch import check_template

        text = self.template.text().strip()
        try:
            if text:
                check_template(text)
        except ArtGuardError as exc:
            return str(exc)
        return ""

    def _fill_presets(self) -> None:
        try:
            found, self._preset_problem = presets.all_presets(), ""
        except ArtGuardError as exc:  # a damaged preset file: the built-in ones still work
            found, self._preset_problem = list(presets.BUILTIN), f"⚠ {exc}"
        self.presets.blockSignals(True)
        self.presets.clear()
        for preset in found:
            item = QListWidgetItem(f"{preset.label}\n{preset.describe()}")
            item.setData(Qt.ItemDataRole.UserRole, preset.key)
            item.setToolTip(f"{preset.label}: {preset.describe()}\n{preset.note}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.presets.addItem(item)
        self.presets.blockSignals(False)

    def chosen_presets(self) -> list[presets.Preset]:
        keys = [
            self.presets.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.presets.count())
            if self.presets.item(i).checkState() == Qt.CheckState.Checked
        ]
        try:
            known = presets.all_presets()
        except ArtGuardError:
            known = list(presets.BUILTIN)
        return [p for p in known if p.key in keys]

    def set_presets(self, keys: list[str]) -> None:
        for i in range(self.presets.count()):
            item = self.presets.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in keys else Qt.CheckState.Unchecked)

    def crop_aspect(self) -> tuple[int, int] | None:
        """The shape the preview's crop box shows: the first ticked preset that crops."""
        return next((p.aspect for p in self.chosen_presets() if p.aspect), None)

    def invisible_choice(self) -> bool | None:
        return {"auto": None, "on": True, "off": False}[self.invisible.currentData()]

    def _invisible_words(self) -> str:
        choice = self.invisible_choice()
        if choice is not None:
            return "The invisible mark goes into every copy." if choice else "No invisible mark."
        chosen = self.chosen_presets()
        if chosen:
            web = [p.label for p in chosen if not p.lossless]
            return f"Invisible mark in: {', '.join(web)}." if web else "No invisible mark: every copy is lossless."
        base = self.options(RightsProfile())
        return "Invisible mark: on (these copies are re-encoded)." if base.reencodes() else "Invisible mark: off (lossless copies)."

    def load(self, s: GuiSettings) -> None:
        self.folder.setText(s.output_dir)
        self.suffix.setText(s.suffix)
        self.template.setText(s.name_template)
        self.set_presets(s.presets)
        self.invisible.setCurrentIndex(max(0, self.invisible.findData(s.invisible)))
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
        s.name_template = self.template.text().strip()
        s.presets = [p.key for p in self.chosen_presets()]
        s.invisible = self.invisible.currentData()
        s.format = self.format.currentData()
        s.quality = self.quality.value()
        s.max_size = self.max_size.value()
        s.write_cmi = self.cmi.isChecked()
        s.sign_c2pa = self.c2pa.isChecked()
        s.keep_gps = not self.scrub_gps.isChecked()
        s.keep_private = not self.scrub_private.isChecked()

    def options(self, profile: RightsProfile) -> EmbedOptions:
        """The custom settings (presets, when ticked, replace format, size and crop)."""
        options = EmbedOptions(
            profile=profile,
            write_cmi=self.cmi.isChecked(),
            sign_c2pa=self.c2pa.isChecked(),
            scrub=ScrubOptions(keep_gps=not self.scrub_gps.isChecked(), keep_private=not self.scrub_private.isChecked()),
            format=self.format.currentData(),
            quality=self.quality.value(),
            max_size=self.max_size.value() or None,
        )
        choice = self.invisible_choice()
        if choice is None and profile.invisible_watermark:  # an old profile that turned it on
            choice = True
        options.invisible = options.reencodes() if choice is None else choice
        options.invisible_auto = choice is None
        return options
