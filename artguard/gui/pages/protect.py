"""Protect page: inputs with thumbnails, profile, watermark designer with a live before/after
preview (split or toggle, 1:1 zoom, a movable platform crop box), output settings and
presets, then a batch with progress, ETA and cancel, and a results view. After a run the
preview shows the file that was really written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from artguard import paths
from artguard.batch import PROTECTED_NOTE, BatchSummary, EmbedJob, Progress, preset_jobs
from artguard.errors import ArtGuardError
from artguard.gui.settings import GuiSettings
from artguard.gui.widgets.file_list import FileList, dropped_paths
from artguard.gui.widgets.compare_view import CompareView
from artguard.gui.widgets.hint import ERROR_STYLE
from artguard.gui.widgets.output_settings import OutputSettings
from artguard.gui.widgets.preview import PreviewRenderer, load_output
from artguard.gui.widgets.profile_editor import ProfileEditor
from artguard.gui.widgets.watermark_editor import WatermarkEditor
from artguard.gui.workers import BatchWorker, Task
from artguard.pipeline import FileResult

PRIMARY_STYLE = (
    "QPushButton#primary { background: #2e7d4f; color: white; border-radius: 6px; padding: 6px 18px; }"
    "QPushButton#primary:hover { background: #36945d; }"
    "QPushButton#primary:disabled { background: #8fa89a; color: #e8efe9; }"
)
IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.webp *.tif *.tiff *.heic *.heif *.avif);;All files (*)"


def format_duration(seconds: float) -> str:
    if seconds < 10:
        return f"{max(0.0, seconds):.1f} s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class ProtectPage(QWidget):
    busy_changed = Signal(bool)
    batch_finished = Signal(object)  # BatchSummary
    message = Signal(str)

    def __init__(self, settings: GuiSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.worker: BatchWorker | None = None
        self.last_summary: BatchSummary | None = None
        self._had_identity = True
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.add_files_button = QPushButton("Add &images…")
        self.add_files_button.setToolTip("Add image files (Ctrl+O)")
        self.add_files_button.clicked.connect(self.choose_files)
        self.add_folder_button = QPushButton("Add &folder…")
        self.add_folder_button.setToolTip("Add every image in a folder and its subfolders (Ctrl+Shift+O)")
        self.add_folder_button.clicked.connect(self.choose_folder)
        self.recent_button = QToolButton()
        self.recent_button.setText("Recent")
        self.recent_button.setToolTip("Folders you added before")
        self.recent_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.recent_menu = QMenu(self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.recent_button.setMenu(self.recent_menu)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected images from the list (Delete)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Empty the list")
        self.count_label = QLabel()
        for w in (self.add_files_button, self.add_folder_button, self.recent_button, self.remove_button, self.clear_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        self.files = FileList()
        self.remove_button.clicked.connect(self._remove_selected)
        self.clear_button.clicked.connect(self._clear)
        self.files.paths_added.connect(self._update_count)
        self.files.paths_dropped.connect(self.add_paths)

        self.preview = CompareView("Add images, then pick one to preview the watermark on it.\n\nYou can also drop files and folders anywhere on this page.")
        self.preview.setAccessibleName("Watermark preview")
        self.preview.setToolTip(
            "How the protected copy will look. Drag the split handle to compare; double-click or Ctrl+0 for 1:1; "
            "drag the crop box to choose what a cropped platform copy shows."
        )
        self.preview.crop_moved.connect(self._crop_moved)
        self.renderer = PreviewRenderer(self)
        self.renderer.ready.connect(self._preview_ready)
        self.renderer.source_ready.connect(self._source_ready)
        self.renderer.failed.connect(self._preview_failed)
        self.preview_caption = QLabel()
        self.preview_caption.setWordWrap(True)
        self.crop_centres: dict[str, tuple[float, float]] = {}  # per image, where its crop box sits
        self.outputs: dict[str, list[str]] = {}  # per image, the files the last run wrote
        self._output_tasks: set[Task] = set()
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addLayout(self._view_bar())
        centre_layout.addWidget(self.preview, 1)
        centre_layout.addWidget(self.preview_caption)

        self.profile_editor = ProfileEditor()
        self.watermark = WatermarkEditor()
        self.output = OutputSettings()
        self.output.load(settings)
        self.tabs = QTabWidget()
        self.tabs.addTab(_scrolled(self.profile_editor), "Rights &profile")
        self.tabs.addTab(_scrolled(self.watermark), "&Watermark")
        self.tabs.addTab(_scrolled(self.output), "O&utput")
        self.tabs.setMinimumWidth(430)

        splitter = QSplitter()
        splitter.addWidget(self.files)
        splitter.addWidget(centre)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([260, 540, 440])
        layout.addWidget(splitter, 1)

        run_row = QHBoxLayout()
        self.protect_button = QPushButton("Protect")
        self.protect_button.setObjectName("primary")
        self.protect_button.setToolTip("Write protected copies of every image in the list (Ctrl+Enter)")
        self.protect_button.setDefault(True)
        self.protect_button.setMinimumWidth(180)
        self.protect_button.setMinimumHeight(40)
        font = self.protect_button.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.protect_button.setFont(font)
        self.protect_button.setStyleSheet(PRIMARY_STYLE)
        self.protect_button.clicked.connect(self.start_batch)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m")
        self.progress.setTextVisible(False)
        self.progress.setValue(0)
        self.progress.setAccessibleName("Batch progress")
        self.eta_label = QLabel()
        self.eta_label.setMinimumWidth(200)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the images in progress (Esc)")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        run_row.addWidget(self.protect_button)
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.eta_label)
        run_row.addWidget(self.cancel_button)
        layout.addLayout(run_row)

        self.results = QFrame()
        self.results.setFrameShape(QFrame.Shape.StyledPanel)
        results_layout = QVBoxLayout(self.results)
        summary_row = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.open_output_button = QPushButton("Open output folder")
        self.open_output_button.setToolTip("Show the protected copies in your file manager")
        self.open_output_button.clicked.connect(self.open_output)
        summary_row.addWidget(self.summary_label, 1)
        summary_row.addWidget(self.open_output_button)
        results_layout.addLayout(summary_row)
        self.failures = QTreeWidget()
        self.failures.setHeaderLabels(["Image", "Why it failed"])
        self.failures.setRootIsDecorated(False)
        self.failures.setMaximumHeight(140)
        self.failures.setAccessibleName("Failed images")
        results_layout.addWidget(self.failures)
        self.results.hide()
        layout.addWidget(self.results)

        self.files.current_path_changed.connect(self._select)
        self.output.changed.connect(self._output_changed)
        self.profile_editor.loaded.connect(self._profile_loaded)
        self.profile_editor.changed.connect(self._settings_edited)
        self.watermark.changed.connect(self._watermark_changed)
        self.watermark.set_settings(self.profile_editor.profile().watermark)
        if settings.profile in self.profile_editor.store.names():
            self.profile_editor.reload(select=settings.profile)
        self._update_count()
        self._output_changed()

    def _view_bar(self) -> QHBoxLayout:
        """After / Before / Split and 1:1, with shortcuts (Ctrl+B, Ctrl+Shift+B, Ctrl+0)."""
        bar = QHBoxLayout()
        self.view_buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        tips = {
            "after": ("After", "The protected copy (Ctrl+B switches before/after)"),
            "before": ("Before", "The original, untouched (Ctrl+B switches before/after)"),
            "split": ("Split", "Original on the left, protected copy on the right; drag the handle (Ctrl+Shift+B)"),
        }
        for mode, (text, tip) in tips.items():
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setAccessibleName(f"Show {text.lower()}")
            button.clicked.connect(lambda _c=False, m=mode: self.preview.set_mode(m))
            group.addButton(button)
            self.view_buttons[mode] = button
            bar.addWidget(button)
        self.preview.mode_changed.connect(self._mode_changed)
        self.preview.set_mode(self.settings.preview_mode if self.settings.preview_mode in self.view_buttons else "after")
        self.view_buttons[self.preview.mode].setChecked(True)
        bar.addSpacing(12)
        self.actual_size_button = QToolButton()
        self.actual_size_button.setText("1:1")
        self.actual_size_button.setCheckable(True)
        self.actual_size_button.setToolTip("Show actual pixels (Ctrl+0 or double-click); drag to pan")
        self.actual_size_button.setAccessibleName("Actual size")
        self.actual_size_button.toggled.connect(self.preview.set_actual_size)
        self.preview.zoom_changed.connect(self.actual_size_button.setChecked)
        bar.addWidget(self.actual_size_button)
        bar.addStretch(1)
        for keys, slot in (
            ("Ctrl+B", self.preview.toggle_before_after),
            ("Ctrl+Shift+B", lambda: self.preview.set_mode("split")),
            ("Ctrl+0", self.actual_size_button.toggle),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        return bar

    def _mode_changed(self, mode: str) -> None:
        self.view_buttons[mode].setChecked(True)
        self.settings.preview_mode = mode  # remembered with the other choices

    # ---- inputs -------------------------------------------------------------------------
    def add_paths(self, paths: list[Path]) -> int:
        added = self.files.add_paths([Path(p) for p in paths])
        for path in paths:
            if Path(path).is_dir():
                self.settings.add_recent(str(path))
        return added

    def choose_files(self) -> None:
        start = self.settings.recent_folders[0] if self.settings.recent_folders else str(Path.home())
        names, _ = QFileDialog.getOpenFileNames(self, "Add images", start, IMAGE_FILTER)
        if names:
            self.add_paths([Path(n) for n in names])
            self.settings.add_recent(str(Path(names[0]).parent))

    def choose_folder(self) -> None:
        start = self.settings.recent_folders[0] if self.settings.recent_folders else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of images", start)
        if folder:
            self.add_paths([Path(folder)])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for folder in self.settings.recent_folders:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _checked=False, f=folder: self.add_paths([Path(f)]))
        if not self.settings.recent_folders:
            self.recent_menu.addAction("No recent folders").setEnabled(False)

    def _remove_selected(self) -> None:
        self.files.remove_selected()
        self._update_count()

    def _clear(self) -> None:
        self.files.clear_all()
        self._update_count()

    def _update_count(self) -> None:
        n = self.files.count()
        self.count_label.setText(f"{n} image{'s' if n != 1 else ''}")
        self.protect_button.setEnabled(n > 0 and self.worker is None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if paths:
            self.add_paths(paths)
            event.acceptProposedAction()

    # ---- preview ------------------------------------------------------------------------
    def _select(self, path: Path | None) -> None:
        self.preview.set_images(None, None)
        self.renderer.set_source(path)
        self._apply_crop()
        written = self.outputs.get(str(path), []) if path else []
        if written:
            self._show_output(path, written)
        else:
            self.preview_caption.setText(f"Preview of {path.name}: the watermark as it will look." if path else "")
        if path is not None and not written:
            self._refresh_preview()

    def _show_output(self, path: Path, written: list[str]) -> None:
        """After a run: the real file on disk, decoded off the GUI thread."""
        others = f" (and {len(written) - 1} more: {', '.join(self._where(w) for w in written[1:])})" if len(written) > 1 else ""
        self.preview_caption.setText(f"Protected copy on disk: {written[0]}{others}")
        task = Task(load_output, Path(written[0]))
        self._output_tasks.add(task)
        key = str(path)

        def shown(image: QImage) -> None:
            self._output_tasks.discard(task)
            if str(self.files.current_path()) == key:
                self.preview.set_after(image)

        def failed(message: str) -> None:
            self._output_tasks.discard(task)
            self.preview_caption.setText(f"⚠ The protected copy cannot be shown: {message}")

        task.signals.finished.connect(shown)
        task.signals.failed.connect(failed)
        task.start("preview")

    def _where(self, written: str) -> str:
        """An output named by its path inside the output folder (the preset folder first)."""
        try:
            return Path(written).relative_to(Path(self.output.folder.text().strip()).expanduser()).as_posix()
        except ValueError:
            return Path(written).name

    def _output_changed(self) -> None:
        self._settings_edited()

    def _settings_edited(self) -> None:
        """New settings: the preview shows what they will make, no longer the last run's files."""
        if self.outputs and not self.busy:
            self.outputs.clear()
            source = self.renderer.source
            if source is not None:
                self.preview_caption.setText(f"Preview of {source.name}: the watermark as it will look.")
        self._apply_crop()
        self._refresh_preview()

    def _apply_crop(self) -> None:
        source = self.renderer.source
        centre = self.crop_centres.get(str(source), (0.5, 0.5)) if source else (0.5, 0.5)
        aspect = self.output.crop_aspect()
        self.preview.set_crop(aspect if not (source and self.outputs.get(str(source))) else None, centre)

    def _crop_moved(self, centre: object) -> None:
        if self.renderer.source is not None:
            self.crop_centres[str(self.renderer.source)] = centre  # type: ignore[assignment]
            self._refresh_preview()  # the mark sits on the crop: redraw it where the box now is

    def _source_ready(self, image: QImage) -> None:
        self.preview.set_images(image, self.preview.after if not self.preview.after.isNull() else None)

    def _profile_loaded(self, profile: object) -> None:
        self.watermark.set_settings(self.profile_editor.profile().watermark)
        self._settings_edited()

    def _watermark_changed(self, settings: object) -> None:
        self.profile_editor.set_watermark(self.watermark.settings())
        self._settings_edited()

    def _refresh_preview(self) -> None:
        if self.renderer.source is None:
            return
        profile = self.profile_editor.profile()
        settings = self.watermark.settings()
        aspect = self.output.crop_aspect()
        crop = (aspect, self.crop_centres.get(str(self.renderer.source), (0.5, 0.5))) if aspect else None
        self.renderer.request(settings, profile.expand(settings.text, filename=self.renderer.source.name), crop)

    def _preview_ready(self, image: QImage) -> None:
        source = self.renderer.source
        if source is None or not self.outputs.get(str(source)):
            self.preview.set_after(image)

    def _preview_failed(self, message: str) -> None:
        self.preview_caption.setText(f"⚠ Preview not available: {message}")

    # ---- batch --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.worker is not None

    def start_batch(self) -> bool:
        """Validate the job on this thread (a bad job never starts), then run it in a worker."""
        if self.busy or not self.files.count():
            return False
        folder = self.output.folder.text().strip()
        if not folder:
            self._show_problem("Choose an output folder first (Output tab).")
            self.tabs.setCurrentIndex(2)
            return False
        profile = self.profile_editor.profile()
        job = EmbedJob(
            list(self.files.roots), Path(folder).expanduser(), self.output.options(profile),
            suffix=self.output.suffix.text().strip(), name_template=self.output.template.text().strip(),
            crop_centres=dict(self.crop_centres), profile_overrides={k: dict(v) for k, v in self.files.details.items()},
            include_protected=self.output.include_protected.isChecked(),
        )
        chosen = self.output.chosen_presets()
        invisible = self.output.invisible_choice()
        if invisible is None and profile.invisible_watermark:
            invisible = True
        from artguard.gui.pages.identity import unlock_identity  # with provenance: not needed to open the window

        if (job.options.sign_c2pa or job.options.invisible or invisible) and not unlock_identity(self):
            return False
        try:
            worker = BatchWorker(preset_jobs(job, chosen, invisible=invisible) if chosen else job)
        except ArtGuardError as exc:
            self._show_problem(str(exc))
            return False
        self.store_settings()
        try:
            self.settings.save()  # the choices of a run are remembered even if the app dies
        except ArtGuardError as exc:
            self.message.emit(f"Settings could not be saved: {exc}")
        self.worker = worker
        self._had_identity = _identity_exists()
        worker.signals.progress.connect(self._on_progress)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.failed.connect(self._on_failed)
        self.files.reset_status()
        self.outputs.clear()
        self.results.hide()
        self.progress.setRange(0, self.files.count())
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.eta_label.setText("Starting…")
        self._set_busy(True)
        worker.start()
        return True

    def cancel(self) -> None:
        if self.worker is not None and not self.worker.cancelled:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.eta_label.setText("Cancelling: finishing the images in progress…")

    def _on_progress(self, progress: Progress, result: FileResult) -> None:
        if result.status == "ok" and result.output:
            self.outputs.setdefault(result.input, []).append(result.output)
        written = self.outputs.get(result.input, [])
        if result.status == "error":
            detail = result.error or ""
        elif result.status == "skipped" and result.note:
            detail = result.note
        elif len(written) > 1:  # one copy per preset: name each by its preset folder
            detail = ", ".join(self._where(w) for w in written)
        else:
            detail = Path(result.output or "").name
        if self.files.status(result.input) != "error":  # one preset's failure stays visible
            self.files.set_status(result.input, result.status, detail)
        self.progress.setRange(0, progress.total)
        self.progress.setValue(progress.done)
        if self.worker is not None and self.worker.cancelled:
            return
        eta = progress.eta
        left = f" · about {format_duration(eta)} left" if eta else ""
        self.eta_label.setText(f"{progress.done} of {progress.total}{left}")

    def _on_finished(self, summary: BatchSummary) -> None:
        self.last_summary = summary
        ok, skipped, failed = summary.count("ok"), summary.count("skipped"), summary.count("error")
        done = {r.input for r in summary.results}
        for key in self.files.files():
            if key not in done:
                self.files.set_status(key, "cancelled")
        head = "Cancelled. " if summary.cancelled else ""
        parts = [f"✔ {ok} protected"]
        protected = sum(1 for r in summary.results if r.note == PROTECTED_NOTE)
        if skipped - protected:
            parts.append(f"↷ {skipped - protected} already up to date")
        if protected:
            parts.append(f"↷ {protected} already ArtGuard outputs (left alone)")
        if failed:
            parts.append(f"✖ {failed} failed")
        if summary.cancelled:
            parts.append(f"– {len(self.files.files()) - len(done)} not processed")
        made = "" if self._had_identity or not _identity_exists() else (
            f" Your signing identity for Content Credentials was created in {paths.identity_dir()} (see Identity & settings)."
        )
        self.summary_label.setText(f"{head}{', '.join(parts)} in {format_duration(summary.elapsed)}.{made}")
        self.summary_label.setStyleSheet("")
        self.failures.clear()
        for r in summary.results:
            if r.status == "error":
                item = QTreeWidgetItem([Path(r.input).name, r.error or "unknown error"])
                item.setToolTip(0, r.input)
                item.setToolTip(1, r.error or "")
                self.failures.addTopLevelItem(item)
        self.failures.setVisible(bool(failed))
        self.failures.resizeColumnToContents(0)
        self.open_output_button.setVisible(True)
        self.eta_label.setText("Cancelled" if summary.cancelled else "Done")
        self.results.show()
        self._end_batch()
        current = self.files.current_path()
        if current is not None:
            self._select(current)
        self.batch_finished.emit(summary)
        self.message.emit(self.summary_label.text())

    def _on_failed(self, message: str) -> None:
        self._show_problem(f"The batch could not run: {message}")
        self.eta_label.setText("Stopped")
        self._end_batch()
        self.batch_finished.emit(None)

    def _end_batch(self) -> None:
        self.worker = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.protect_button.setEnabled(not busy and self.files.count() > 0)
        self.cancel_button.setEnabled(busy)
        for widget in (self.add_files_button, self.add_folder_button, self.recent_button, self.remove_button, self.clear_button, self.output, self.profile_editor):
            widget.setEnabled(not busy)
        self.busy_changed.emit(busy)

    def _show_problem(self, text: str) -> None:
        self.summary_label.setText(f"⚠ {text}")
        self.summary_label.setStyleSheet(ERROR_STYLE)
        self.failures.hide()
        self.open_output_button.hide()
        self.results.show()
        self.message.emit(text)

    def open_output(self) -> None:
        folder = self.output.folder.text().strip()
        if folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(folder).expanduser())))

    def store_settings(self) -> None:
        self.output.store(self.settings)
        self.settings.profile = self.profile_editor.profile().name


def _identity_exists() -> bool:
    """Imported when a batch starts, not with the page (start-up stays free of c2pa)."""
    from artguard.provenance.identity import exists

    return exists()


def _scrolled(widget: QWidget) -> QScrollArea:
    """A tab's form at its natural height, top-aligned (spare space goes below, not between rows)."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(widget)
    column.addStretch(1)
    area = QScrollArea()
    area.setWidget(holder)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area
