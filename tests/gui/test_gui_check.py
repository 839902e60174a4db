"""The Check page: drop copies, read the verdicts in the table, see the detail, save the report."""

from __future__ import annotations

import shutil

from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from artguard.gui.pages.check import COPY_COL, MATCH_COL, ORIGINAL_COL, VERDICT_COL


def test_check_copies_shows_verdicts_and_saves_report(window, qtbot, images, make_image, tmp_path):
    protect = window.protect
    protect.profile_editor.fields["creator"].setText("Jane Painter")
    protect.add_paths(images[:2])
    with qtbot.waitSignal(protect.batch_finished, timeout=20000):
        protect.start_batch()
    outputs = sorted((tmp_path / "out").glob("*.jpg"))
    found = tmp_path / "found"
    found.mkdir()
    shutil.copy(outputs[0], found / "a-intact.jpg")
    Image.open(outputs[1]).convert("RGB").save(found / "b-stripped.jpg", quality=85)
    stranger = make_image("found/c-stranger.png", 300, 200, seed=77)
    assert stranger.parent == found

    window.show_page(1)
    page = window.check
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(found))])
    with qtbot.waitSignal(page.checks_done, timeout=30000):
        page.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    assert page.table.rowCount() == 3
    verdicts = [page.verdict_text(r) for r in range(3)]
    assert verdicts[0] == "✔ Intact"
    assert verdicts[1] == "✖ Stripped"
    assert verdicts[2] == "? Unknown"
    assert page.table.item(0, VERDICT_COL).data(Qt.ItemDataRole.UserRole) == "intact"
    assert page.table.item(0, MATCH_COL).text() == "identical file"
    assert page.table.item(2, MATCH_COL).text() == "no match"
    assert page.table.item(0, VERDICT_COL).background().color() != page.table.item(1, VERDICT_COL).background().color()
    qtbot.waitUntil(lambda: not page.table.item(1, ORIGINAL_COL).icon().isNull(), timeout=5000)
    assert not page.table.item(1, COPY_COL).icon().isNull()

    page.table.selectRow(1)
    detail = page.detail.toPlainText()
    assert "Stripped" in detail and "Creator" in detail and "✖ stripped" in detail  # labels, not code names
    assert "absent" in detail

    out = tmp_path / "evidence.html"
    page.write_report_to(out)  # waited on through the status line: the task may beat a signal spy
    qtbot.waitUntil(lambda: page.status.text() == f"✔ Evidence report saved: {out}", timeout=20000)
    text = out.read_text(encoding="utf-8")
    assert "b-stripped.jpg" in text and "a-intact.jpg" in text


def test_unreadable_copy_says_why(window, qtbot, tmp_path):
    bogus = tmp_path / "notes.jpg"
    bogus.write_text("not an image")
    page = window.check
    with qtbot.waitSignal(page.checks_done, timeout=20000):
        page.check_sources([str(bogus)])
    assert page.verdict_text(0) == "✖ Could not check"
    assert "not an image" in page.table.item(0, VERDICT_COL).toolTip()
    assert not page.report_button.isEnabled()


def test_stop_ends_a_long_check_and_marks_the_rest(window, qtbot, make_image):
    copies = [make_image(f"copies/c{i:02d}.jpg", 480, 360, seed=i) for i in range(40)]
    page = window.check
    page.check_sources([str(copies[0].parent)])
    assert page.stop_button.isEnabled()
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    assert None not in page.results, "every row has an outcome once stopped"
    stopped = [r for r in range(len(page.results)) if page.verdict_text(r) == "◼ Stopped"]
    assert stopped and not page.stop_button.isEnabled()
    assert page.table.item(stopped[0], VERDICT_COL).toolTip() == "stopped before it was checked"
    qtbot.waitUntil(lambda: not page._checks, timeout=20000)  # the worker really ends
