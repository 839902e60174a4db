"""The Protect page driven through its real widgets: add, edit, preview, run, cancel, fail."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from artguard.gui.settings import GuiSettings
from artguard.metadata import read_metadata
from artguard.profile import ProfileStore, RightsProfile


def _qimage_to_pil(image) -> Image.Image:
    image = image.convertToFormat(image.Format.Format_RGB888)
    return Image.frombytes("RGB", (image.width(), image.height()), bytes(image.constBits())[: image.width() * image.height() * 3])


def test_add_files_and_drop_folder_show_thumbnails(window, qtbot, images, make_image):
    page = window.protect
    assert page.add_paths([images[0]]) == 1
    extra = make_image("drop/sub/x.png", 200, 150, seed=9)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(extra.parent.parent))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    page.files.dropEvent(drop)
    assert page.files.files() == [str(images[0]), str(extra)]
    assert page.count_label.text() == "2 images"
    qtbot.waitUntil(lambda: page.files.pending_thumbnails() == 0, timeout=5000)
    icon = page.files.model().index(1).data(Qt.ItemDataRole.DecorationRole).pixmap(128).toImage()
    assert _qimage_to_pil(icon).getextrema()[0][1] > 0  # a real thumbnail, not the blank placeholder
    assert str(extra.parent.parent) in page.settings.recent_folders


def test_edit_profile_and_save_to_disk(window, qtbot):
    editor = window.protect.profile_editor
    editor.fields["creator"].clear()
    qtbot.keyClicks(editor.fields["creator"], "Jane Painter")
    editor.ai_checks["ai_inference"].click()
    assert editor.dirty
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    saved = ProfileStore().get("default")
    assert saved.creator == "Jane Painter"
    assert saved.ai_use.ai_inference and not saved.ai_use.ai_training
    editor.fields["contact_url"].setText("not a url")
    editor.fields["contact_url"].textEdited.emit("not a url")
    assert not editor.save()
    assert "URL" in editor.status.text()
    assert ProfileStore().get("default").contact_url == ""


def test_switching_profile_with_unsaved_edits_asks_first(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    editor = window.protect.profile_editor
    ProfileStore().save(RightsProfile(name="studio", creator="Studio Nord"))
    editor.reload(select="default")
    answers = []

    def answer(choice):
        def ask(*args, **kwargs):
            answers.append(args[2])
            return choice
        monkeypatch.setattr(QMessageBox, "question", ask)

    qtbot.keyClicks(editor.fields["creator"], "Jane")
    answer(QMessageBox.StandardButton.Cancel)
    editor.combo.setCurrentText("studio")
    assert editor.combo.currentText() == "default" and editor.fields["creator"].text().endswith("Jane")
    answer(QMessageBox.StandardButton.Save)
    editor.combo.setCurrentText("studio")
    assert editor.fields["creator"].text() == "Studio Nord"
    assert ProfileStore().get("default").creator.endswith("Jane")
    qtbot.keyClicks(editor.fields["creator"], " II")
    answer(QMessageBox.StandardButton.Discard)
    editor.combo.setCurrentText("default")
    assert ProfileStore().get("studio").creator == "Studio Nord"
    assert len(answers) == 3 and "“studio”" in answers[-1]


def test_watermark_change_updates_preview(window, qtbot, images):
    page = window.protect
    page.add_paths([images[0]])
    qtbot.waitUntil(lambda: not page.preview.image().isNull(), timeout=5000)
    before = _qimage_to_pil(page.preview.image())
    page.watermark.kind.setCurrentIndex(page.watermark.kind.findData("text"))
    page.watermark.size.setValue(30)
    page.watermark.opacity.setValue(100)
    qtbot.waitUntil(lambda: _qimage_to_pil(page.preview.image()).tobytes() != before.tobytes(), timeout=5000)
    qtbot.waitUntil(lambda: page.renderer.last_latency_ms is not None and not page.renderer._busy, timeout=5000)
    after = _qimage_to_pil(page.preview.image())
    diff = ImageChops.difference(before, after).getbbox()
    assert diff is not None and diff[2] > after.width * 0.5 and diff[3] > after.height * 0.5  # bottom-right mark
    page.watermark.position_buttons["top-left"].click()
    qtbot.waitUntil(lambda: (ImageChops.difference(before, _qimage_to_pil(page.preview.image())).getbbox() or (9e9,))[0] < after.width * 0.5, timeout=5000)


def _run(window, qtbot, timeout=30000):
    page = window.protect
    with qtbot.waitSignal(page.batch_finished, timeout=timeout) as blocker:
        assert page.start_batch()
    return blocker.args[0]


def test_batch_runs_to_end_and_writes_files(window, qtbot, images, tmp_path):
    page = window.protect
    page.profile_editor.fields["creator"].setText("Jane Painter")
    page.watermark.kind.setCurrentIndex(page.watermark.kind.findData("text"))
    page.add_paths([images[0].parent])
    summary = _run(window, qtbot)
    assert summary.count("ok") == 3 and not summary.cancelled
    outputs = sorted((tmp_path / "out" / "in").glob("*.jpg"))
    assert [p.name for p in outputs] == ["img0.jpg", "img1.jpg", "img2.jpg"]
    meta = read_metadata(outputs[0].read_bytes())
    assert "Jane Painter" in str(meta.get("Exif.Image.Artist"))
    assert ImageChops.difference(Image.open(outputs[0]).convert("RGB"), Image.open(images[0]).convert("RGB")).getbbox()
    assert all(page.files.status(str(p)) == "ok" for p in images)
    assert page.progress.value() == 3 and "3 protected" in page.summary_label.text()
    assert GuiSettings.load().output_dir == str(tmp_path / "out")


def test_cancel_stops_the_batch_cleanly(window, qtbot, make_image, tmp_path):
    page = window.protect
    files = [make_image(f"many/p{i}.jpg", 480, 360, seed=i) for i in range(24)]
    page.watermark.kind.setCurrentIndex(page.watermark.kind.findData("text"))
    page.watermark.tile.setChecked(True)
    page.add_paths(files)
    with qtbot.waitSignal(page.batch_finished, timeout=30000) as blocker:
        page.start_batch()
        page.worker.signals.progress.connect(lambda *_: page.cancel())
    summary = blocker.args[0]
    assert summary.cancelled
    done = [r for r in summary.results if r.status == "ok"]
    assert 1 <= len(done) < len(files)
    written = sorted(p.name for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written == sorted(Path(r.output).name for r in done)  # no partial or temp files
    assert sum(page.files.status(str(f)) == "cancelled" for f in files) == len(files) - len(summary.results)
    assert page.protect_button.isEnabled() and not page.cancel_button.isEnabled()


def test_failures_are_listed_with_reasons(window, qtbot, images, tmp_path):
    broken = images[0].parent / "broken.jpg"
    broken.write_bytes(images[0].read_bytes()[:400])
    window.protect.output.c2pa.setChecked(False)
    window.protect.add_paths([images[1], broken])
    summary = _run(window, qtbot)
    assert summary.count("error") == 1 and summary.count("ok") == 1
    failures = window.protect.failures
    assert failures.topLevelItemCount() == 1
    assert failures.topLevelItem(0).text(0) == "broken.jpg" and failures.topLevelItem(0).text(1)
    assert window.protect.files.status(str(broken)) == "error"


def test_a_bad_job_never_starts(window, images):
    page = window.protect
    page.add_paths(images)
    page.output.folder.setText("")
    assert not page.start_batch()
    assert page.worker is None and "output folder" in page.summary_label.text()
    page.output.folder.setText(str(images[0].parent))  # the input folder, no suffix
    assert not page.start_batch()
    assert "input folder" in page.summary_label.text()


def test_closing_during_a_batch_asks_then_cancels(window, qtbot, make_image, monkeypatch):
    files = [make_image(f"c/p{i}.jpg", 480, 360, seed=i) for i in range(16)]
    page = window.protect
    page.watermark.kind.setCurrentIndex(page.watermark.kind.findData("text"))
    page.add_paths(files)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes)
    assert page.start_batch()
    window.close()
    assert asked and window.isVisible() and page.worker.cancelled
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert page.last_summary is not None and page.worker is None
