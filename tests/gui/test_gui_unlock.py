"""A passphrase-protected signing key: the identity page asks for it once per session."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from artguard import provenance
from artguard.gui.pages.identity import IdentityPage
from artguard.gui.settings import GuiSettings


def _answer(qtbot, text: str) -> None:
    """Type into the passphrase dialog as soon as it opens, then press OK."""
    def fill() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(20, fill)
            return
        dialog.setTextValue(text)
        dialog.accept()

    QTimer.singleShot(20, fill)


def test_identity_page_unlocks_a_protected_key_for_the_session(qtbot) -> None:
    made = provenance.create_identity("Jane Artist", password=b"correct horse")
    provenance.set_session_password(None)
    try:
        page = IdentityPage(GuiSettings())
        qtbot.addWidget(page)
        page.show()
        assert "protected by a passphrase" in page.state.text() and page.unlock_button.isVisible()
        assert page.values["fingerprint_sha256"].text().replace(":", "").lower() == made.fingerprint
        _answer(qtbot, "correct horse")
        qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
        assert page.state.text() == "✔ Ready to sign." and not page.unlock_button.isVisible()
        assert provenance.load_identity().protected  # later batches in this session sign without asking
    finally:
        provenance.set_session_password(None)
