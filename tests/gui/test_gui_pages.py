"""First run, identity, catalog, settings and the About dialog, through the real widgets."""

from __future__ import annotations

import csv
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from artguard import paths, provenance
from artguard.gui import theme
from artguard.gui.main_window import IDENTITY, MainWindow
from artguard.gui.settings import GuiSettings
from artguard.gui.welcome import WelcomeWizard
from artguard.gui.widgets.about import AboutDialog
from artguard.metadata.registry import plus_terms
from artguard.profile import ProfileStore


def test_first_run_creates_profile_and_identity(qtbot):
    wizard = WelcomeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # a name is required
    qtbot.keyClicks(wizard.creator, "Ada Artist")
    wizard.email.setText("ada@example.org")
    wizard.website.setText("https://ada.example.org")
    wizard.next()
    assert wizard.make_identity.isChecked()
    wizard.accept()
    assert wizard.result() == QWizard.DialogCode.Accepted
    profile = ProfileStore().get("default")
    assert (profile.creator, profile.contact_email, profile.web_statement) == ("Ada Artist", "ada@example.org", "https://ada.example.org")
    assert profile.ai_use.any_reserved() and plus_terms(profile.ai_use)[0] != "DMI-ALLOWED"
    identity = provenance.load_identity()
    assert identity.name == "Ada Artist" and identity.email == "ada@example.org"
    assert (identity.key_path.stat().st_mode & 0o777) == 0o600


def test_first_run_keeps_wizard_open_on_bad_input(qtbot):
    wizard = WelcomeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.creator.setText("Ada")
    wizard.email.setText("not-an-email")
    wizard.next()
    wizard.accept()
    assert wizard.error and "email" in wizard.error
    assert not ProfileStore().exists("default") and wizard.isVisible()


def test_identity_page_creates_and_shows_certificate(window, qtbot):
    page = window.identity
    window.show_page(IDENTITY)
    assert "No signing identity" in page.state.text()
    with qtbot.waitSignal(page.identity_changed, timeout=10000):
        page.create("Jane Painter", "jane@example.org", "Studio J")
    assert page.values["name"].text() == "Jane Painter"
    assert page.values["organization"].text() == "Studio J"
    assert page.values["fingerprint_sha256"].text().count(":") == 31
    assert "✔" in page.state.text()


def test_catalog_lists_searches_opens_and_exports(window, qtbot, images, tmp_path):
    protect = window.protect
    protect.output.c2pa.setChecked(False)
    protect.add_paths(images[:2])
    with qtbot.waitSignal(protect.batch_finished, timeout=20000):
        protect.start_batch()
    window.show_page(2)
    page = window.catalog
    assert page.model.rowCount() == 2
    assert {page.model.index(r, 2).data() for r in range(2)} == {"img0.jpg", "img1.jpg"}
    page.search.setText("img1")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert "matching" in page.status.text()
    # Wait for what the user sees: the task may finish before a signal spy could connect.
    out = tmp_path / "export.csv"
    page.export_to(out, "csv")
    qtbot.waitUntil(lambda: page.status.text() == f"✔ Exported 2 entries to {out}", timeout=5000)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert sorted(r["output_path"].rsplit("/", 1)[-1] for r in rows) == ["img0.jpg", "img1.jpg"]
    out_json = tmp_path / "export.json"
    page.export_to(out_json, "json")
    qtbot.waitUntil(lambda: page.status.text() == f"✔ Exported 2 entries to {out_json}", timeout=5000)
    assert len(json.loads(out_json.read_text())["publications"]) == 2


def test_settings_are_remembered_between_runs(window, qtbot, tmp_path):
    window.protect.output.folder.setText(str(tmp_path / "web"))
    window.protect.output.format.setCurrentIndex(window.protect.output.format.findData("webp"))
    window.protect.output.scrub_gps.setChecked(False)
    window.show_page(2)
    window.close()
    saved = json.loads(paths.settings_path().read_text())
    assert saved["output_dir"] == str(tmp_path / "web") and saved["format"] == "webp" and saved["keep_gps"] is True
    again = MainWindow(GuiSettings.load())
    qtbot.addWidget(again)
    assert again.protect.output.folder.text() == str(tmp_path / "web")
    assert again.protect.output.format.currentData() == "webp"
    assert again.stack.currentIndex() == 2
    paths.settings_path().write_text("{broken")
    assert GuiSettings.load() == GuiSettings()


def test_dark_theme_and_verdict_colours(window, qtbot):
    window.identity.theme.setCurrentIndex(window.identity.theme.findData("dark"))
    assert theme.is_dark()
    assert GuiSettings.load().theme == "dark"
    window.identity.theme.setCurrentIndex(window.identity.theme.findData("light"))
    assert not theme.is_dark()
    for verdict in theme.VERDICTS:
        label = theme.verdict_label(verdict)
        assert label[0] in "✔⚠✖?◐" and len(label) > 3  # never colour alone


def test_shortcuts_and_about(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.check
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.protect
    about = AboutDialog(window)
    qtbot.addWidget(about)
    text = about.licences.toPlainText()
    assert "PySide6" in text and "LGPL-3.0" in text and "DejaVu" in text
