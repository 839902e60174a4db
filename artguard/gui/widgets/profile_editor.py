"""Pick, edit, create, import and export rights profiles: every RightsProfile field, explained.

The rows, labels and tooltips come from the field registry: a field declared there
appears here without a change to this file.

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
from artguard.metadata import registry
from artguard.profile import AIUse, ProfileStore, RightsProfile, WatermarkSettings

# Registry parts by editor group; each becomes one row (line edit, text box or choice).
_EDITED = ("line", "url", "email", "text", "choice")


def _rows(group: str) -> list[registry.Part]:
    return [p for f in registry.FIELDS if f.group == group for p in f.parts if p.input in _EDITED]


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
            ("Import…", "Add a profile from a .json file, an XMP metadata template or a Lightroom preset",
             self.import_profile),
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
        self.fields: dict[str, QLineEdit] = {}  # attr -> line edit
        self.texts: dict[str, QPlainTextEdit] = {}  # attr -> several-line text
        self.choices: dict[str, QComboBox] = {}  # attr -> choice
        for part in _rows("rights"):
            form.addRow(f"{part.label}:", self._row_widget(part))
        self.description = self.texts["description"]
        self.status_combo = self.choices["copyright_status"]
        outer.addWidget(who)

        made = QGroupBox("How it was made")
        made_layout = QVBoxLayout(made)
        source, *disclosure = _rows("made")
        self.source_combo = self._row_widget(source)
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        made_layout.addWidget(self.source_combo)
        made_layout.addWidget(_hint(
            "Be honest here: it is recorded in the file and in the signed Content Credentials, "
            "and it is what tells viewers your work is human-made."
        ))
        self.disclosure = QGroupBox(registry.get("ai_disclosure").label + " (optional)")
        dform = QFormLayout(self.disclosure)
        for part in disclosure:
            dform.addRow(f"{part.label}:", self._row_widget(part))
        made_layout.addWidget(self.disclosure)
        outer.addWidget(made)

        ai = QGroupBox("AI use of your work")
        ai_layout = QVBoxLayout(ai)
        ai_layout.addWidget(_hint(
            "Unticked means you do NOT allow it: the file states the reservation in IPTC "
            "(plus:DataMining) and in the signed C2PA record. Tick only what you allow."
        ))
        self.ai_checks: dict[str, QCheckBox] = {}
        for use in registry.AI_USES:
            label = use.label if use.label[:2].isupper() else use.label[0].lower() + use.label[1:]
            check = QCheckBox(f"Allow {label}")
            check.setToolTip(use.help)
            check.toggled.connect(self._edited)
            self.ai_checks[use.attr] = check
            ai_layout.addWidget(check)
            ai_layout.addWidget(_hint(use.help, indent=True))
        self._invisible_watermark = False  # an old profile's switch; the Output tab has it now
        outer.addWidget(ai)
        outer.addStretch(1)

    def _row_widget(self, part: registry.Part) -> QWidget:
        """The input for one registry part, wired to mark the profile edited."""
        widget: QWidget
        if part.input == "choice":
            widget = QComboBox()
            for value, words in part.choices:
                widget.addItem(words, value)
            widget.currentIndexChanged.connect(self._edited)
            self.choices[part.attr] = widget
        elif part.input == "text":
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
            widget.textChanged.connect(self._edited)
            self.texts[part.attr] = widget
        else:
            widget = QLineEdit()
            widget.textEdited.connect(self._edited)
            self.fields[part.attr] = widget
        widget.setToolTip(part.full_help)
        widget.setAccessibleName(part.label)
        return widget

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
        for attr, edit in self.fields.items():
            edit.setText(registry.get_attr(profile, attr))
        for attr, text in self.texts.items():
            text.setPlainText(registry.get_attr(profile, attr))
        for attr, combo in self.choices.items():
            combo.setCurrentIndex(max(0, combo.findData(registry.get_attr(profile, attr))))
        for name, check in self.ai_checks.items():
            check.setChecked(getattr(profile.ai_use, name))
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
        profile = RightsProfile(
            name=self._name,
            ai_use=AIUse(**{name: check.isChecked() for name, check in self.ai_checks.items()}),
            watermark=dataclasses.replace(self._watermark),
            invisible_watermark=self._invisible_watermark,
        )
        for attr, edit in self.fields.items():
            registry.set_attr(profile, attr, edit.text().strip())
        for attr, text in self.texts.items():
            registry.set_attr(profile, attr, text.toPlainText().strip())
        for attr, combo in self.choices.items():
            registry.set_attr(profile, attr, combo.currentData())
        return profile

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
        path, _ = QFileDialog.getOpenFileName(
            self, "Import profile", str(Path.home()),
            "Profiles and metadata templates (*.json *.xmp *.lrtemplate);;ArtGuard profiles (*.json);;"
            "XMP templates from Bridge or Photo Mechanic (*.xmp);;Lightroom metadata presets (*.lrtemplate)",
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> bool:
        """Add a profile from a JSON profile or another tool's metadata template."""
        from artguard.metadata.templates import TEMPLATE_SUFFIXES, import_template

        try:
            if path.suffix.lower() in TEMPLATE_SUFFIXES:
                imported = import_template(path)
                profile = imported.profile
                if self.store.exists(profile.name):
                    raise ArtGuardError(f"a profile named “{profile.name}” already exists")
                self.store.save(profile)
            else:
                imported, profile = None, self.store.import_file(path)
        except ArtGuardError as exc:
            self._show(f"⚠ {exc}", error=True)
            return False
        self.reload(select=profile.name)
        if imported is not None and imported.skipped:
            self._show(f"✔ Imported “{profile.name}”. Not rights fields ArtGuard writes, skipped: {', '.join(imported.skipped)}")
        return True

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

