"""Identity & settings: the signing identity (create, import, certificate details) and app settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from artguard import paths, provenance
from artguard.errors import ArtGuardError
from artguard.gui.settings import GuiSettings
from artguard.gui.widgets.hint import ERROR_STYLE, hint, row
from artguard.gui.workers import Task
from artguard.provenance.identity import exists as identity_exists

DETAILS = [
    ("name", "Name"),
    ("email", "Email"),
    ("organization", "Organisation"),
    ("issuer", "Issued by"),
    ("kind", "Kind"),
    ("algorithm", "Algorithm"),
    ("not_before", "Valid from"),
    ("not_after", "Valid until"),
    ("fingerprint_sha256", "SHA-256 fingerprint"),
    ("serial_number", "Serial number"),
    ("owner_id", "Owner id (invisible watermark)"),
    ("key_file", "Private key file"),
]
KIND_WORDS = {"local": "made by ArtGuard (self-issued)", "imported": "imported certificate"}
THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


def create_identity(name: str, email: str, org: str, overwrite: bool) -> provenance.Identity:
    return provenance.create_identity(name, email, org, overwrite=overwrite)


def import_identity(path: Path, key: Path | None, password: str, overwrite: bool) -> provenance.Identity:
    return provenance.import_identity(path, key_path=key, password=password.encode() or None, overwrite=overwrite)


def unlock_identity(parent: QWidget) -> bool:
    """Ask once per session for the passphrase of a protected signing key.

    True when signing can go ahead (no identity yet, not protected, or unlocked); False
    when the user cancelled. Other identity problems are reported where it is used.
    """
    try:
        if identity_exists():
            provenance.load_identity()
        return True
    except provenance.KeyLocked:
        pass
    except ArtGuardError:
        return True
    while True:
        text, ok = QInputDialog.getText(
            parent, "Unlock signing key", "Passphrase of your signing key (asked once per session):",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return False
        provenance.set_session_password(text.encode("utf-8"))
        try:
            provenance.load_identity()
            return True
        except ArtGuardError as exc:
            provenance.set_session_password(None)
            QMessageBox.warning(parent, "Unlock signing key", str(exc))


class IdentityPage(QWidget):
    theme_changed = Signal(str)
    message = Signal(str)
    identity_changed = Signal()

    def __init__(self, settings: GuiSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._tasks: set[Task] = set()
        layout = QVBoxLayout(self)

        box = QGroupBox("Signing identity (Content Credentials)")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(hint(
            "Your identity signs the Content Credentials (C2PA) of every protected image, so anyone can see "
            "who made it and that it was not changed since. The private key never leaves this computer."
        ))
        self.state = QLabel()
        self.state.setWordWrap(True)
        box_layout.addWidget(self.state)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, label in DETAILS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            form.addRow(f"{label}:", value)
        box_layout.addLayout(form)
        buttons_row = QHBoxLayout()
        self.create_button = QPushButton("&Create new identity…")
        self.create_button.setToolTip("Make a new signing certificate for your name")
        self.create_button.clicked.connect(self.ask_create)
        self.import_button = QPushButton("&Import certificate…")
        self.import_button.setToolTip("Use a certificate you already have (PKCS#12 .p12/.pfx or PEM)")
        self.import_button.clicked.connect(self.ask_import)
        self.folder_button = QPushButton("Show data folder")
        self.folder_button.setToolTip("Open the folder holding profiles, identity, catalog and settings")
        self.folder_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.home()))))
        self.unlock_button = QPushButton("&Unlock key…")
        self.unlock_button.setToolTip("Enter the passphrase of your signing key for this session")
        self.unlock_button.clicked.connect(lambda: unlock_identity(self) and self.refresh())
        buttons_row.addWidget(self.create_button)
        buttons_row.addWidget(self.import_button)
        buttons_row.addWidget(self.unlock_button)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.folder_button)
        box_layout.addLayout(buttons_row)
        layout.addWidget(box)

        prefs = QGroupBox("Settings")
        pform = QFormLayout(prefs)
        self.theme = QComboBox()
        for key, label in THEME_LABELS.items():
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self.theme.setToolTip("Light or dark colours")
        self.theme.currentIndexChanged.connect(self._theme_picked)
        pform.addRow("&Appearance:", self.theme)
        home = QLabel(str(paths.home()))
        home.setToolTip("All ArtGuard data lives here (set ARTGUARD_HOME to move it)")
        pform.addRow("Data folder:", home)
        layout.addWidget(prefs)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        locked = False
        try:
            identity = provenance.load_identity()
        except provenance.KeyLocked:
            locked = True
            identity = provenance.load_identity(unlock=False)
        except ArtGuardError as exc:
            self.unlock_button.setVisible(False)
            exists = identity_exists()
            self.state.setText(f"⚠ {exc}" if exists else "No signing identity yet. Create one (recommended) or import your own certificate.")
            self.state.setStyleSheet(ERROR_STYLE if exists else "")
            for value in self.values.values():
                value.setText("–")
            return
        details = identity.describe()
        self.unlock_button.setVisible(locked)
        self.state.setText("🔒 Your signing key is protected by a passphrase: unlock it to sign." if locked else "✔ Ready to sign.")
        self.state.setStyleSheet("")
        for key, value in self.values.items():
            text = str(details.get(key, ""))
            if key == "kind":
                text = KIND_WORDS.get(text, text)
            if key in ("not_before", "not_after"):
                text = text.replace("T", " ")[:16] + " UTC"
            if key == "fingerprint_sha256":
                text = ":".join(text[i:i + 2] for i in range(0, len(text), 2)).upper()
            value.setText(text or "–")

    def _confirm_replace(self) -> bool | None:
        if not identity_exists():
            return False
        answer = QMessageBox.question(
            self, "Replace identity",
            "Replace your signing identity? Files signed before stay valid; the old keys are kept in a backup folder.",
        )
        return True if answer == QMessageBox.StandardButton.Yes else None

    def ask_create(self) -> None:
        overwrite = self._confirm_replace()
        if overwrite is None:
            return
        dialog = CreateIdentityDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create(dialog.name.text().strip(), dialog.email.text().strip(), dialog.org.text().strip(), overwrite)

    def create(self, name: str, email: str, org: str, overwrite: bool = False) -> Task:
        return self._run(Task(create_identity, name, email, org, overwrite), "Creating your identity…")

    def ask_import(self) -> None:
        overwrite = self._confirm_replace()
        if overwrite is None:
            return
        dialog = ImportIdentityDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            key = dialog.key.text().strip()
            self._run(
                Task(import_identity, Path(dialog.cert.text().strip()), Path(key) if key else None, dialog.password.text(), overwrite),
                "Importing your certificate…",
            )

    def _run(self, task: Task, note: str) -> Task:
        self.state.setText(note)
        self.state.setStyleSheet("")
        self._tasks.add(task)
        task.signals.finished.connect(lambda _identity: (self._tasks.discard(task), self._done()))
        task.signals.failed.connect(lambda msg: (self._tasks.discard(task), self._failed(msg)))
        return task.start()

    def _done(self) -> None:
        self.refresh()
        self.identity_changed.emit()
        self.message.emit("Signing identity ready.")

    def _failed(self, message: str) -> None:
        self.refresh()
        self.state.setText(f"⚠ {message}")
        self.state.setStyleSheet(ERROR_STYLE)

    def _theme_picked(self) -> None:
        self.settings.theme = self.theme.currentData()
        self.theme_changed.emit(self.settings.theme)


class CreateIdentityDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, name: str = "", email: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Create signing identity")
        form = QFormLayout(self)
        self.name, self.email, self.org = QLineEdit(name), QLineEdit(email), QLineEdit()
        self.name.setToolTip("Shown as the signer of your Content Credentials")
        form.addRow("Your &name:", self.name)
        form.addRow("&Email (optional):", self.email)
        form.addRow("&Organisation (optional):", self.org)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Create")
        self.name.textChanged.connect(lambda t: ok.setEnabled(bool(t.strip())))
        ok.setEnabled(bool(name.strip()))
        form.addRow(buttons)


class ImportIdentityDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import signing certificate")
        form = QFormLayout(self)
        self.cert, self.key, self.password = QLineEdit(), QLineEdit(), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for edit, label, tip, pattern in (
            (self.cert, "&Certificate:", "PKCS#12 (.p12, .pfx) or PEM with the chain", "Certificates (*.p12 *.pfx *.pem *.crt);;All files (*)"),
            (self.key, "&Key (if separate):", "PEM private key, when it is not inside the certificate file", "Keys (*.pem *.key);;All files (*)"),
        ):
            edit.setToolTip(tip)
            browse = QPushButton("Browse…")
            browse.clicked.connect(lambda _c=False, e=edit, p=pattern: self._browse(e, p))
            line = row(edit, browse)
            form.addRow(label, line)
            form.labelForField(line).setBuddy(edit)
        form.addRow("&Password:", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self, edit: QLineEdit, pattern: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose file", str(Path.home()), pattern)
        if path:
            edit.setText(path)
