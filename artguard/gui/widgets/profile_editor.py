"""Pick, edit, create, import and export rights profiles: every RightsProfile field, explained.

The watermark part of a profile is edited by the watermark designer; this editor carries
it through unchanged (the Protect page keeps the two in step).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from artguard.errors import ArtGuardError
from artguard.gui.widgets.hint import ERROR_STYLE
from artguard.gui.widgets.hint import hint as _hint
from artguard.profile import (
    COPYRIGHT_STATUSES,
    SOURCE_TYPE_LABELS,
    AIDisclosure,
    AIUse,
    ProfileStore,
    RightsProfile,
    WatermarkSettings,
)

TEMPLATE_TIP = "You can use {year}, {date}, {creator} and {filename}; they are filled in for each image."

TEXT_FIELDS: list[tuple[str, str, str]] = [
    # (field, label, plain-language tooltip)
    ("creator", "Creator", "Your name as you want it credited (EXIF Artist, IPTC By-line, XMP dc:creator)."),
    ("copyright_notice", "Copyright notice", "The notice written into every file. " + TEMPLATE_TIP),
    ("credit_line", "Credit line", "How publishers should credit you, e.g. 'Jane Doe / janedoe.art'."),
    ("title", "Title", "A title for the work. " + TEMPLATE_TIP),
    ("usage_terms", "Usage terms", "What others may do with the image, in your words, e.g. 'No reuse without permission'."),
    ("licensor", "Licensor", "Who grants licences (you, your agency or studio)."),
    ("licensing_url", "Licensing URL", "A web page where people can ask for or buy a licence (http:// or https://)."),
    ("web_statement", "Web statement", "A web page stating the rights for your work (shown by many viewers as 'Copyright info')."),
    ("contact_email", "Contact email", "Where people can reach you about this work."),
    ("contact_url", "Contact website", "Your website or portfolio (http:// or https://)."),
]

AI_USE_FIELDS: list[tuple[str, str, str]] = [
    ("ai_training", "Training AI models", "Using the image to train any machine-learning model."),
    ("ai_generative_training", "Training generative AI", "Using the image to train models that make new images, like image generators."),
    ("ai_inference", "AI inference", "Feeding the image to an AI tool as input, e.g. to make variations of it."),
    ("data_mining", "Data mining", "Automated collection and analysis of the image (scraping). Search engines may still index it."),
]

STATUS_LABELS = {
    "copyrighted": "Copyrighted",
    "public-domain": "Public domain",
    "unknown": "Unknown",
}


class ProfileEditor(QWidget):
    """Emits ``changed`` on every edit and ``loaded(profile)`` when another profile is picked."""

    changed = Signal()
    loaded = Signal(object)
    message = Signal(str)

    def __init__(self, store: ProfileStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store or ProfileStore()
        self._watermark = WatermarkSettings()
        self._loading = True
        self._name = "default"
        self.dirty = False
        self._build()
        self._loading = False
        self.reload()

    # ---- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        picker = QHBoxLayout()
        self.combo = QComboBox()
        self.combo.setToolTip("The rights profile used for this batch")
        self.combo.setAccessibleName("Profile")
        self.combo.currentTextChanged.connect(self._pick)
        picker.addWidget(QLabel("&Profile:", buddy=self.combo))
        picker.addWidget(self.combo, 1)
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save changes to this profile (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        picker.addWidget(self.save_button)
        outer.addLayout(picker)

        actions = QHBoxLayout()
        for text, tip, slot in (
            ("New…", "Create a new profile from this one", self.new_profile),
            ("Delete", "Delete this profile", self.delete_profile),
            ("Import…", "Add a profile from a .json file", self.import_profile),
            ("Export…", "Save this profile as a .json file to share or back up", self.export_profile),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            actions.addWidget(button)
        actions.addStretch(1)
        outer.addLayout(actions)

        self.status = QLabel()
        self.status.setWordWrap(True)
        outer.addWidget(self.status)

        who = QGroupBox("Who and which rights")
        form = QFormLayout(who)
        self.fields: dict[str, QLineEdit] = {}
        for name, label, tip in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setToolTip(tip)
            edit.setAccessibleName(label)
            edit.textEdited.connect(self._edited)
            self.fields[name] = edit
            form.addRow(f"{label}:", edit)
        self.description = QPlainTextEdit()
        self.description.setToolTip("A caption or description. " + TEMPLATE_TIP)
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.description.textChanged.connect(self._edited)
        form.addRow("Description:", self.description)
        self.status_combo = QComboBox()
        for key in COPYRIGHT_STATUSES:
            self.status_combo.addItem(STATUS_LABELS[key], key)
        self.status_combo.setToolTip("Whether the work is protected by copyright (XMP xmpRights:Marked)")
        self.status_combo.currentIndexChanged.connect(self._edited)
        form.addRow("Copyright status:", self.status_combo)
        outer.addWidget(who)

        made = QGroupBox("How it was made")
        made_layout = QVBoxLayout(made)
        self.source_combo = QComboBox()
        for key, label in SOURCE_TYPE_LABELS.items():
            self.source_combo.addItem(label, key)
        self.source_combo.setToolTip("Written as the IPTC digital source type and in the C2PA record")
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        made_layout.addWidget(self.source_combo)
        made_layout.addWidget(_hint(
            "Be honest here: it is recorded in the file and in the signed Content Credentials, "
            "and it is what tells viewers your work is human-made."
        ))
        self.disclosure = QGroupBox("AI tools used (optional)")
        dform = QFormLayout(self.disclosure)
        self.ai_tool, self.ai_prompt, self.ai_seed = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, label, tip in (
            (self.ai_tool, "Tool or model:", "Which AI tool or model made or edited part of the image"),
            (self.ai_prompt, "Prompt:", "The prompt used, if you want to record it"),
            (self.ai_seed, "Seed:", "The seed, if the tool shows one"),
        ):
            edit.setToolTip(tip)
            edit.textEdited.connect(self._edited)
            dform.addRow(label, edit)
        made_layout.addWidget(self.disclosure)
        outer.addWidget(made)

        ai = QGroupBox("AI use of your work")
        ai_layout = QVBoxLayout(ai)
        ai_layout.addWidget(_hint(
            "Unticked means you do NOT allow it: the file states the reservation in IPTC "
            "(plus:DataMining) and in the signed C2PA record. Tick only what you allow."
        ))
        self.ai_checks: dict[str, QCheckBox] = {}
        for name, label, tip in AI_USE_FIELDS:
            check = QCheckBox(f"Allow {label if label[:2].isupper() else label[0].lower() + label[1:]}")
            check.setToolTip(tip)
            check.toggled.connect(self._edited)
            self.ai_checks[name] = check
            ai_layout.addWidget(check)
            ai_layout.addWidget(_hint(tip, indent=True))
        self._invisible_watermark = False  # an old profile's switch; the Output tab has it now
        outer.addWidget(ai)
        outer.addStretch(1)

    # ---- data ---------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        """Refill the picker from disk; creates a 'default' profile when there is none."""
        names = self.store.names()
        if not names:
            self.store.save(RightsProfile())
            names = self.store.names()
        current = select or self.combo.currentText() or names[0]
        self._loading = True
        self.combo.clear()
        self.combo.addItems(names)
        self._loading = False
        self.combo.setCurrentText(current if current in names else names[0])
        self._pick(self.combo.currentText())

    def _pick(self, name: str) -> None:
        if self._loading or not name:
            return
        if self.dirty and name != self._name and not self._settle_unsaved():
            self._loading = True  # stay on the edited profile
            self.combo.setCurrentText(self._name)
            self._loading = False
            return
        try:
            profile = self.store.get(name)
        except ArtGuardError as exc:
            self._show(f"⚠ {exc}", error=True)
            return
        self.set_profile(profile)

    def set_profile(self, profile: RightsProfile) -> None:
        self._loading = True
        for name, edit in self.fields.items():
            edit.setText(getattr(profile, name))
        self.description.setPlainText(profile.description)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(profile.copyright_status)))
        self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(profile.source_type)))
        for name, check in self.ai_checks.items():
            check.setChecked(getattr(profile.ai_use, name))
        self.ai_tool.setText(profile.ai_disclosure.tool)
        self.ai_prompt.setText(profile.ai_disclosure.prompt)
        self.ai_seed.setText(profile.ai_disclosure.seed)
        self._invisible_watermark = profile.invisible_watermark
        self._watermark = dataclasses.replace(profile.watermark)
        self._loading = False
        self._name = profile.name
        self._source_changed()
        self._set_dirty(False)
        self._show("")
        self.loaded.emit(profile)

    def set_watermark(self, settings: WatermarkSettings) -> None:
        if settings != self._watermark:
            self._watermark = dataclasses.replace(settings)
            self._edited()

    def profile(self) -> RightsProfile:
        """The profile as shown (saved or not)."""
        return RightsProfile(
            name=self._name,
            description=self.description.toPlainText().strip(),
            copyright_status=self.status_combo.currentData(),
            source_type=self.source_combo.currentData(),
            ai_use=AIUse(**{name: check.isChecked() for name, check in self.ai_checks.items()}),
            ai_disclosure=AIDisclosure(self.ai_tool.text().strip(), self.ai_prompt.text().strip(), self.ai_seed.text().strip()),
            watermark=dataclasses.replace(self._watermark),
            invisible_watermark=self._invisible_watermark,
            **{name: edit.text().strip() for name, edit in self.fields.items()},
        )

    def _settle_unsaved(self) -> bool:
        """Ask before unsaved edits are dropped by switching profile; False means stay."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save your changes to the profile “{self._name}” first?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            return self.save()
        return answer == buttons.Discard

    def save(self) -> bool:
        try:
            self.store.save(self.profile())
        except ArtGuardError as exc:
            self._show(f"⚠ Not saved: {exc}", error=True)
            return False
        self._set_dirty(False)
        self._show(f"✔ Saved profile “{self._name}”.")
        return True

    def new_profile(self) -> None:
        name, ok = QInputDialog.getText(self, "New profile", "Name for the new profile:")
        if ok and name.strip():
            self.create(name.strip())

    def create(self, name: str) -> bool:
        """A new profile that starts as a copy of the one shown."""
        if self.store.exists(name):
            self._show(f"⚠ A profile named “{name}” already exists.", error=True)
            return False
        profile = dataclasses.replace(self.profile(), name=name)
        try:
            self.store.save(profile)
        except ArtGuardError as exc:
            self._show(f"⚠ {exc}", error=True)
            return False
        self.reload(select=name)
        return True

    def delete_profile(self) -> None:
        if len(self.store.names()) <= 1:
            self._show("⚠ This is the only profile; create another before deleting it.", error=True)
            return
        answer = QMessageBox.question(self, "Delete profile", f"Delete the profile “{self._name}”? Files already protected keep their information.")
        if answer == QMessageBox.StandardButton.Yes:
            self.store.delete(self._name)
            self.reload(select=self.store.names()[0])

    def import_profile(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import profile", str(Path.home()), "Profiles (*.json)")
        if path:
            try:
                profile = self.store.import_file(Path(path))
            except ArtGuardError as exc:
                self._show(f"⚠ {exc}", error=True)
                return
            self.reload(select=profile.name)

    def export_profile(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export profile", str(Path.home() / f"{self._name}.json"), "Profiles (*.json)")
        if path:
            try:
                self.store.save(self.profile())
                self.store.export(self._name, Path(path))
            except ArtGuardError as exc:
                self._show(f"⚠ {exc}", error=True)
                return
            self._show(f"✔ Exported to {path}")

    # ---- state --------------------------------------------------------------------------
    def _source_changed(self) -> None:
        uses_ai = self.source_combo.currentData() in ("composite-ai", "ai-edited", "ai-generated")
        self.disclosure.setEnabled(uses_ai)
        self._edited()

    def _edited(self) -> None:
        if not self._loading:
            self._set_dirty(True)
            self.changed.emit()

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setText("&Save*" if dirty else "&Save")

    def _show(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        if text:
            self.message.emit(text)

