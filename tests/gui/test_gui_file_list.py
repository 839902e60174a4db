"""The Protect page's list model with a folder of 500 images: every row, its status,
thumbnail, tooltip, title editing and removal, driven through the real list view."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal

from artguard.gui.widgets.file_list import STATUS_ROLE, TITLE_ROLE

CALLS = 200_000  # None and True have some thousand references in the running app


def test_500_images_added_from_a_folder_all_listed_and_usable(window, qtbot, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(500):
        Image.new("RGB", (24, 16), (i % 256, (i * 7) % 256, 90)).save(folder / f"art{i:03d}.png")
    page = window.protect
    assert page.add_paths([folder]) == 500
    files = page.files
    assert files.files() == [str(folder / f"art{i:03d}.png") for i in range(500)]
    assert page.count_label.text() == "500 images" and page.protect_button.isEnabled()
    assert files.current_path() == folder / "art000.png", "the first image is selected for the preview"
    model = files.model()
    assert model.rowCount() == 500
    assert {model.index(i).data(STATUS_ROLE) for i in range(500)} == {"waiting"}
    qtbot.waitUntil(lambda: files.pending_thumbnails() == 0, timeout=60000)
    last = model.index(499).data(Qt.ItemDataRole.DecorationRole).pixmap(128).toImage()
    assert last.pixelColor(last.width() // 2, last.height() // 2).red() == 499 % 256  # its own thumbnail

    # the last row, scrolled to and drawn, shows its status and its tooltip
    files.set_status(str(folder / "art499.png"), "error", "broken file")
    files.scrollTo(model.index(499))
    assert files.visualRect(model.index(499)).intersects(files.viewport().rect())
    assert "✖ Failed: broken file" in model.index(499).data(Qt.ItemDataRole.ToolTipRole)
    assert files.status(str(folder / "art499.png")) == "error"

    # double-click row 499: its title goes into that row only
    rect = files.visualRect(model.index(499))
    qtbot.mouseClick(files.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(files.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = files.details_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.title, "Last one")
    dialog.accept()
    assert model.index(499).data(TITLE_ROLE) == "Last one" and model.index(498).data(TITLE_ROLE) == ""
    assert files.details == {str(folder / "art499.png"): {"title": "Last one"}}

    # remove the first ten: the folder becomes its 490 remaining files, the rest keep their state
    selection = files.selectionModel()
    selection.clearSelection()
    for i in range(10):
        selection.select(model.index(i), QItemSelectionModel.SelectionFlag.Select)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 490 and page.count_label.text() == "490 images"
    assert files.files()[0] == str(folder / "art010.png")
    assert len(files.roots) == 490 and folder not in files.roots
    assert files.status(str(folder / "art499.png")) == "error"
    assert model.index(489).data(TITLE_ROLE) == "Last one"
    assert page.add_paths([folder / "art499.png"]) == 0, "no duplicates"

    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0 and files.current_path() is None and page.count_label.text() == "0 images"


class _Pinger(QObject):
    ping = Signal(int)


def test_drawing_rows_and_emitting_signals_many_times_keeps_the_app_alive(window, qtbot, images):
    """Qt asks the model for every role of every row it draws (None for most) and workers
    emit a signal per file: PySide6 6.12 drops a reference to None / True each time, which
    aborted the app (none_dealloc, bool_dealloc) after a few thousand. Many more calls than
    either object has references in a running app must leave it running."""
    page = window.protect
    page.add_paths(images)
    index = page.files.model().index(0)
    for _ in range(CALLS):
        assert index.data(Qt.ItemDataRole.FontRole) is None
    got: list[int] = []
    pinger = _Pinger()
    pinger.ping.connect(got.append)
    for i in range(CALLS):
        pinger.ping.emit(i)
    assert len(got) == CALLS
