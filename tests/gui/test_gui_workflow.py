"""The artist's workflow in the app (issue 18), through the real widgets: platform presets
with a movable crop box, the before/after compare view and 1:1 zoom, readable statuses,
per-image titles, the font picker, the welcome's hint and the catalog grouped by original."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from artguard import fonts
from artguard.catalog import Catalog
from artguard.gui.welcome import WelcomeWizard
from artguard.gui.widgets.compare_view import CompareView
from artguard.gui.widgets.file_list import STATUS_TEXT, status_lines
from artguard.metadata import read_metadata


def _mouse(widget, kind: QEvent.Type, pos: QPointF, buttons=Qt.MouseButton.LeftButton) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget, start: QPointF, end: QPointF) -> None:
    """A real press-move-release on the widget (QTest cannot hold a button while moving)."""
    _mouse(widget, QEvent.Type.MouseButtonPress, start)
    for step in range(1, 6):
        _mouse(widget, QEvent.Type.MouseMove, start + (end - start) * (step / 5))
    _mouse(widget, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def tick(list_widget, key: str) -> None:
    """Select a preset's row; the caller presses Space on it, as a keyboard user would."""
    for row in range(list_widget.count()):
        item = list_widget.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == key:
            list_widget.setCurrentItem(item)
            list_widget.setFocus()
            return
    raise AssertionError(f"no preset {key}")


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    row = image.bytesPerLine()
    raw = np.frombuffer(bytes(image.constBits()), dtype=np.uint8).reshape(image.height(), row)
    return raw[:, : image.width() * 3].reshape(image.height(), image.width(), 3)


def _wait_preview(page, qtbot) -> None:
    qtbot.waitUntil(lambda: not page.preview.before.isNull() and not page.preview.after.isNull(), timeout=10000)


def test_presets_crop_box_and_the_real_output_in_the_preview(window, qtbot, make_image, tmp_path):
    page = window.protect
    src = make_image("in/wide-landscape-painting.jpg", 1200, 900, seed=5)
    page.output.c2pa.setChecked(False)
    page.tabs.setCurrentIndex(2)
    for key in ("instagram-portrait", "archive"):
        tick(page.output.presets, key)
        qtbot.keyClick(page.output.presets, Qt.Key.Key_Space)
    assert [p.key for p in page.output.chosen_presets()] == ["instagram-portrait", "archive"]
    assert not page.output.format.isEnabled(), "presets replace the custom format and size"
    assert "Instagram portrait" in page.output.invisible_state.text()
    page.add_paths([src])
    _wait_preview(page, qtbot)
    view = page.preview
    assert view.crop_aspect == (4, 5)
    box = view.crop_rect()
    assert abs(box.width() / box.height() - 0.8) < 0.02
    drag(view, box.center(), box.center() - QPointF(box.width(), 0))  # all the way to the left
    assert view.crop_rect().left() == view.image_rect().left()
    centre = page.crop_centres[str(src)]
    assert abs(centre[0] - 0.3) < 0.01 and abs(centre[1] - 0.5) < 0.01
    with qtbot.waitSignal(page.batch_finished, timeout=60000) as blocker:
        qtbot.mouseClick(page.protect_button, Qt.MouseButton.LeftButton)
    summary = blocker.args[0]
    assert summary.count("ok") == 2
    portrait = tmp_path / "out" / "instagram-portrait" / "wide-landscape-painting.jpg"
    archive = tmp_path / "out" / "archive" / "wide-landscape-painting.jpg"
    with Image.open(portrait) as img, Image.open(src) as original:
        assert img.size == (720, 900)
        got = np.asarray(img.convert("RGB"), dtype=np.float32)
        left = np.asarray(original.convert("RGB").crop((0, 0, 720, 900)), dtype=np.float32)
        middle = np.asarray(original.convert("RGB").crop((240, 0, 960, 900)), dtype=np.float32)
    assert np.abs(got - left).mean() < np.abs(got - middle).mean() / 2, "the crop the user placed"
    assert archive.read_bytes()[-1000:] == src.read_bytes()[-1000:], "archive: the image data untouched"
    by_output = {Path(r.output).parent.name: r for r in summary.results}
    assert by_output["instagram-portrait"].watermark_id is not None and by_output["archive"].watermark_id is None
    # after the run the preview shows the written file, not a re-render
    qtbot.waitUntil(lambda: view.after.width() == 720 and view.after.height() == 900, timeout=10000)
    assert str(portrait) in page.preview_caption.text()
    assert view.crop_rect().isEmpty(), "the written copy is already cropped"
    status = page.files.model().index(0)
    assert status.data(Qt.ItemDataRole.UserRole + 1) == "ok"
    assert "instagram-portrait/wide-landscape-painting.jpg" in status.data(Qt.ItemDataRole.ToolTipRole)
    # new settings: the preview shows what they will make again, with the crop box
    page.watermark.kind.setCurrentIndex(page.watermark.kind.findData("text"))
    assert "as it will look" in page.preview_caption.text() and not view.crop_rect().isEmpty()
    qtbot.waitUntil(lambda: view.after.width() == view.before.width(), timeout=10000)


def test_compare_view_split_toggle_and_one_to_one(window, qtbot, make_image):
    page = window.protect
    page.watermark.kind.setCurrentIndex(page.watermark.kind.findData("text"))
    page.watermark.tile.setChecked(True)
    page.add_paths([make_image("in/a.png", 1600, 1200, seed=2)])
    _wait_preview(page, qtbot)
    view = page.preview
    qtbot.mouseClick(page.view_buttons["split"], Qt.MouseButton.LeftButton)
    assert view.mode == "split"
    target = view.image_rect()
    x = view.split_x()
    drag(view, QPointF(x, target.center().y()), QPointF(target.left() + target.width() * 0.8, target.center().y()))
    assert abs(view.split - 0.8) < 0.02
    shown = _pixels(view.grab().toImage())
    scale = view.devicePixelRatioF()
    row = int(target.center().y() * scale)
    before = _pixels(view.before.scaled(round(target.width() * scale), round(target.height() * scale)))
    after = _pixels(view.after.scaled(round(target.width() * scale), round(target.height() * scale)))
    left_x, right_x = int(target.width() * 0.2 * scale), int(target.width() * 0.95 * scale)
    ox = int(target.left() * scale)
    oy = int(target.top() * scale)
    span = slice(row - 40, row + 40)
    on_left = shown[span, ox + left_x - 40: ox + left_x + 40].astype(int)
    on_right = shown[span, ox + right_x - 20: ox + right_x + 20].astype(int)
    assert np.abs(on_left - before[row - oy - 40: row - oy + 40, left_x - 40: left_x + 40]).mean() < \
        np.abs(on_left - after[row - oy - 40: row - oy + 40, left_x - 40: left_x + 40]).mean(), "left of the handle: the original"
    assert np.abs(on_right - after[row - oy - 40: row - oy + 40, right_x - 20: right_x + 20]).mean() < \
        np.abs(on_right - before[row - oy - 40: row - oy + 40, right_x - 20: right_x + 20]).mean(), "right of the handle: the protected copy"
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert view.mode == "after" and page.view_buttons["after"].isChecked()
    qtbot.keyClick(view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert view.mode == "before"
    qtbot.mouseClick(page.actual_size_button, Qt.MouseButton.LeftButton)
    assert view.actual_size
    assert abs(view.image_rect().width() - view.after.width() / view.devicePixelRatioF()) < 1
    before_pan = view.image_rect().topLeft()
    centre = QPointF(view.rect().center())
    drag(view, centre, centre + QPointF(120, 0))
    assert view.image_rect().left() > before_pan.x() + 100, "dragging pans at 1:1"
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton)
    assert not view.actual_size and not page.actual_size_button.isChecked()


def test_compare_view_never_lets_the_crop_box_leave_the_image(qtbot):
    view = CompareView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    image = QImage(1000, 500, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    view.set_images(image, image)
    view.set_crop((1, 1))
    box = view.crop_rect()
    moved = []
    view.crop_moved.connect(moved.append)
    drag(view, box.center(), box.center() + QPointF(2000, 900))
    assert view.crop_rect().right() <= view.image_rect().right() + 0.5
    assert moved and moved[-1] == (0.75, 0.5)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert abs(moved[-1][0] - 0.65) < 1e-3, "Shift+Left nudges the box a tenth to the left"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert abs(moved[-1][0] - 0.66) < 1e-3


def test_a_status_is_never_cut_inside_the_status_word(qtbot):
    metrics = QFontMetrics(QFont())
    name = "a-very-long-file-name-from-the-autumn-series-final-final-column.webp"
    detail = "instagram-portrait/a-very-long-file-name-from-the-autumn-series-final-final-column.jpg"
    for width in (120, 180, 260, 600):
        name_line, label, detail_line = status_lines(name, "ok", detail, metrics, width)
        assert label == STATUS_TEXT["ok"] == "✔ Protected"
        assert metrics.horizontalAdvance(name_line) <= width
        assert name_line.startswith("a-very") and name_line.endswith(".webp")  # cut in the middle
        if detail_line:
            assert metrics.horizontalAdvance(label + detail_line) <= width + 2
            assert detail_line.startswith(" → ")
    assert status_lines(name, "error", "unsupported format GIF", metrics, 600)[2] == ": unsupported format GIF"


def test_per_image_title_and_description_go_into_that_image(window, qtbot, images, tmp_path):
    page = window.protect
    page.output.c2pa.setChecked(False)
    page.add_paths(images[:2])
    item = page.files.model().index(0)
    rect = page.files.visualRect(item)
    qtbot.mouseClick(page.files.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.files.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.files.details_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.title, "Dawn over the hills")
    qtbot.keyClicks(dialog.description, "Oil on canvas, 2026")
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert "Dawn over the hills" in item.data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(page.batch_finished, timeout=30000):
        page.start_batch()
    first = read_metadata(tmp_path / "out" / "img0.jpg")
    second = read_metadata(tmp_path / "out" / "img1.jpg")
    assert first.get("Iptc.Application2.ObjectName") == "Dawn over the hills"
    assert first.get("Iptc.Application2.Caption") == "Oil on canvas, 2026"
    assert second.get("Iptc.Application2.ObjectName") != "Dawn over the hills"


def test_font_picker_lists_bundled_and_system_fonts_by_file(window, qtbot):
    editor = window.protect.watermark
    editor.kind.setCurrentIndex(editor.kind.findData("text"))
    qtbot.waitUntil(lambda: editor.font.count() > 2, timeout=10000)
    assert editor.font.itemText(0).startswith("Default")
    index = editor.font.findText("DejaVu Sans")
    assert index > 0
    with qtbot.waitSignal(editor.changed, timeout=2000) as blocker:
        editor.font.setCurrentIndex(index)
    chosen = blocker.args[0].font_path
    assert Path(chosen).is_file() and chosen == fonts.font_file("DejaVu Sans")
    assert window.protect.profile_editor.profile().watermark.font_path == chosen


def test_the_welcome_says_why_next_is_disabled(qtbot):
    wizard = WelcomeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    next_button = wizard.button(wizard.WizardButton.NextButton)
    assert not next_button.isEnabled()
    assert wizard.why_next.isVisible() and "name" in wizard.why_next.text()
    qtbot.keyClicks(wizard.creator, "   ")
    assert not next_button.isEnabled() and wizard.why_next.isVisible(), "spaces are not a name"
    qtbot.keyClicks(wizard.creator, "Mira")
    assert next_button.isEnabled() and not wizard.why_next.isVisible()


def test_catalog_groups_exports_under_their_original_with_thumbnails(window, qtbot, images):
    page = window.protect
    page.output.c2pa.setChecked(False)
    page.profile_editor.fields["title"].setText("Series {filename}")
    page.profile_editor.fields["creator"].setText("Mira Okafor")
    for key in ("bluesky", "archive"):
        tick(page.output.presets, key)
        qtbot.keyClick(page.output.presets, Qt.Key.Key_Space)
    page.add_paths(images[:2])
    with qtbot.waitSignal(page.batch_finished, timeout=60000):
        page.start_batch()
    window.show_page(2)
    catalog = window.catalog
    tree = catalog.tree
    assert tree.topLevelItemCount() == 2
    for row in range(2):
        top = tree.topLevelItem(row)
        assert top.childCount() == 2 and "2 protected copies" in top.text(6)
        assert {top.child(i).text(0).split("/")[0] for i in range(2)} == {"bluesky", "archive"}
        assert top.text(1).startswith("Series img") and top.text(2)
    qtbot.waitUntil(lambda: catalog.thumbnails_shown() == 2, timeout=10000)
    catalog.search.setText("Series img1")
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=3000)
    assert tree.topLevelItem(0).text(0) == "img1.jpg"
    with Catalog() as records:
        year = records.list()[0].published_at[:7]
    catalog.search.setText(year)
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=3000)
    catalog.search.setText("img0.jpg")
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=3000)
    tree.topLevelItem(0).setSelected(True)
    assert len(catalog.selected()) == 2, "an original stands for all its exports"


def test_the_custom_settings_save_as_a_preset_of_ones_own(window, qtbot, artguard_home):
    output = window.protect.output
    window.protect.tabs.setCurrentIndex(2)
    output.format.setCurrentIndex(output.format.findData("webp"))
    output.max_size.setValue(1500)
    qtbot.keyClicks(output.preset_name, "My shop")
    qtbot.mouseClick(output.save_preset_button, Qt.MouseButton.LeftButton)
    saved = artguard_home / "presets" / "my-shop.json"
    assert saved.is_file()
    assert [p.key for p in output.chosen_presets()] == ["my-shop"]
    assert output.chosen_presets()[0].describe() == "1500 px, WEBP q90"
    assert "Saved preset" in output.preset_message.text()
    qtbot.keyClicks(output.preset_name, "site")
    qtbot.mouseClick(output.save_preset_button, Qt.MouseButton.LeftButton)
    assert "built-in" in output.preset_message.text()


def test_the_invisible_switch_on_the_output_tab_overrides_the_default(window, qtbot, make_image, tmp_path):
    page = window.protect
    page.output.c2pa.setChecked(False)
    page.output.max_size.setValue(700)  # a web copy: the mark is on by default
    assert "on" in page.output.invisible_state.text()
    page.output.invisible.setCurrentIndex(page.output.invisible.findData("off"))
    assert page.output.invisible_state.text() == "No invisible mark."
    page.add_paths([make_image("in/a.jpg", 900, 700)])
    with qtbot.waitSignal(page.batch_finished, timeout=30000) as blocker:
        page.start_batch()
    assert blocker.args[0].results[0].watermark_id is None
    page.output.invisible.setCurrentIndex(page.output.invisible.findData("auto"))
    with qtbot.waitSignal(page.batch_finished, timeout=30000) as blocker:
        page.start_batch()
    assert blocker.args[0].results[0].watermark_id is not None
    page.store_settings()
    assert page.settings.invisible == "auto" and page.settings.max_size == 700


def test_the_first_batch_says_it_created_the_signing_identity(window, qtbot, images, artguard_home):
    page = window.protect
    page.profile_editor.fields["creator"].setText("Mira Okafor")
    page.add_paths([images[0]])
    with qtbot.waitSignal(page.batch_finished, timeout=30000):
        page.start_batch()
    assert f"signing identity for Content Credentials was created in {artguard_home / 'identity'}" in page.summary_label.text()
    with qtbot.waitSignal(page.batch_finished, timeout=30000):
        page.start_batch()
    assert "signing identity" not in page.summary_label.text()


def test_own_outputs_are_skipped_unless_the_output_tab_says_otherwise(window, qtbot, images, tmp_path):
    page = window.protect
    page.output.c2pa.setChecked(False)
    page.output.folder.setText(str(images[0].parent))
    page.output.suffix.setText("-web")
    page.add_paths([images[0].parent])
    with qtbot.waitSignal(page.batch_finished, timeout=30000):
        page.start_batch()
    page.files.clear_all()
    page.add_paths([images[0].parent])  # now the folder holds the -web copies too
    with qtbot.waitSignal(page.batch_finished, timeout=30000) as blocker:
        page.start_batch()
    from artguard.batch import PROTECTED_NOTE

    results = blocker.args[0].results
    assert all(r.status == "skipped" for r in results)
    assert sorted(Path(r.input).name for r in results if r.note == PROTECTED_NOTE) == ["img0-web.jpg", "img1-web.jpg", "img2-web.jpg"]
    assert "3 already ArtGuard outputs" in page.summary_label.text() and "3 already up to date" in page.summary_label.text()
    web = str(images[0].parent / "in" / "img0-web.jpg")
    assert page.files.status(web) == "skipped"
    assert not list((images[0].parent / "in").glob("*-web-web*"))
    page.output.include_protected.setChecked(True)
    with qtbot.waitSignal(page.batch_finished, timeout=30000) as blocker:
        page.start_batch()
    assert any(r.status == "ok" and "-web-web" in (r.output or "") for r in blocker.args[0].results)


def test_the_preview_places_the_mark_on_the_crop_as_the_output_will(window, qtbot, make_image):
    from PIL import ImageChops

    from artguard.imaging import crop_box

    page = window.protect
    page.watermark.kind.setCurrentIndex(page.watermark.kind.findData("text"))
    page.watermark.tile.setChecked(False)
    page.watermark.position_buttons["bottom-right"].click()
    tick(page.output.presets, "instagram-portrait")
    qtbot.keyClick(page.output.presets, Qt.Key.Key_Space)
    page.add_paths([make_image("in/wide.png", 1600, 900, seed=3)])
    _wait_preview(page, qtbot)
    view = page.preview

    def mark_box():
        before = Image.fromarray(_pixels(view.before))
        after = Image.fromarray(_pixels(view.after))
        return ImageChops.difference(before, after).getbbox()

    size = (view.before.width(), view.before.height())
    qtbot.waitUntil(lambda: mark_box() is not None, timeout=10000)
    left, top, right, bottom = crop_box(size, (4, 5), (0.5, 0.5))
    found = mark_box()
    assert left <= found[0] and found[2] <= right and found[3] <= bottom, "the mark is inside the crop"
    assert found[2] > right - (right - left) * 0.2, "at the crop's right edge, not the image's"
    view.setFocus()
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    moved_right = crop_box(size, (4, 5), page.crop_centres[str(page.renderer.source)])[2]
    qtbot.waitUntil(lambda: mark_box() is not None and mark_box()[2] <= moved_right, timeout=10000)
