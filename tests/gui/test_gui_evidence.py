"""Evidence from the GUI: notice drafts from the Check page, "posted at" in the catalog entry."""

from __future__ import annotations

import json
import shutil

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from artguard.catalog import Catalog
from artguard.gui.pages.catalog import EntryDialog
from artguard.gui.settings import GuiSettings
from artguard.profile import ProfileStore, RightsProfile


def _protect(window, qtbot, images):
    protect = window.protect
    protect.profile_editor.fields["creator"].setText("Jane Painter")
    protect.add_paths(images[:1])
    with qtbot.waitSignal(protect.batch_finished, timeout=20000):
        protect.start_batch()


def test_notice_button_writes_drafts_and_report_pack(window, qtbot, images, tmp_path, monkeypatch):
    _protect(window, qtbot, images)
    output = next((tmp_path / "out").glob("*.jpg"))
    found = tmp_path / "found"
    found.mkdir()
    Image.open(output).convert("RGB").save(found / "stripped.jpg", quality=85)
    shutil.copy(output, found / "intact.jpg")
    page = window.check
    assert not page.notice_button.isEnabled()
    with qtbot.waitSignal(page.checks_done, timeout=30000):
        page.check_sources([str(found)])
    assert page.notice_button.isEnabled()

    notice = tmp_path / "notices.txt"
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *rest: (items[1], True))  # the user picks the EU form
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(notice), ""))
    qtbot.mouseClick(page.notice_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text().startswith("✔ Notice drafts saved"), timeout=20000)
    text = notice.read_text(encoding="utf-8")
    assert "Article 16" in text and "Jane Painter" in text and "stripped.jpg" in text and "not legal advice" in text

    report = tmp_path / "evidence.pdf"
    page.write_report_to(report)
    qtbot.waitUntil(lambda: page.status.text() == f"✔ Evidence report saved: {report}", timeout=20000)
    assert (tmp_path / "evidence.pdf.json").exists() and (tmp_path / "evidence.pdf.sha256").exists()
    assert json.loads((tmp_path / "evidence.pdf.json").read_text(encoding="utf-8"))["claimant"]["name"] == "Jane Painter"


def test_claimant_profile_is_chosen_on_the_check_page_and_remembered(window, qtbot, images, tmp_path):
    """A studio with several profiles names the right claimant in its notices and reports."""
    _protect(window, qtbot, images)
    ProfileStore().save(RightsProfile(name="studio north", creator="Studio North Ltd", contact_email="legal@north.example"))
    window.show_page(1)
    page = window.check
    assert page.claimant.currentText() == "default"  # what the Protect page saved
    with qtbot.waitSignal(page.checks_done, timeout=30000):
        page.check_sources([str(next((tmp_path / "out").glob("*.jpg")))])
    page.claimant.setFocus()
    qtbot.keyClicks(page.claimant, "studio")  # type-ahead picks the profile, as a keyboard user would
    assert page.claimant.currentText() == "studio north"
    notice = tmp_path / "notices.txt"
    page.write_notices_to(notice)
    qtbot.waitUntil(lambda: page.status.text().startswith("✔ Notice drafts saved"), timeout=20000)
    text = notice.read_text(encoding="utf-8")
    assert "Name: Studio North Ltd" in text and "Email: legal@north.example" in text and "Jane Painter" not in text
    window.save_settings()
    assert GuiSettings.load().claimant == "studio north"


def test_catalog_entry_records_where_it_was_posted(window, qtbot, images):
    _protect(window, qtbot, images)
    window.show_page(2)
    catalog = window.catalog.catalog()
    pub = catalog.list()[0]
    dialog = EntryDialog(pub, window, catalog=catalog)
    qtbot.addWidget(dialog)
    box = dialog.postings
    qtbot.waitUntil(lambda: box.status.text() == "Not recorded yet.", timeout=5000)
    qtbot.keyClicks(box.url, "not a url")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not a web address" in box.status.text(), timeout=5000)
    box.url.clear()
    qtbot.keyClicks(box.url, "https://www.deviantart.com/jane/art/harbour-1")
    qtbot.keyClicks(box.date, "2026-11-30")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.list.count() == 1, timeout=5000)
    assert box.list.item(0).text() == "https://www.deviantart.com/jane/art/harbour-1  (2026-11-30)"
    with Catalog() as other:  # written to the catalog file, seen by any other reader
        assert [(p.url, p.posted_at) for p in other.postings(pub.id)] == [("https://www.deviantart.com/jane/art/harbour-1", "2026-11-30")]
    box.list.setCurrentRow(0)
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.list.count() == 0 and box.status.text() == "Not recorded yet.", timeout=5000)
