"""The Protect page's inputs: files and folders (buttons or drag and drop), thumbnails, status.

Folders stay folders for the batch (outputs keep their relative paths); the list shows
each image inside. Thumbnails load in a worker pool and arrive one by one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from artguard import imaging
from artguard.batch import iter_inputs
from artguard.gui.workers import ThumbnailLoader, pool

PATH_ROLE = Qt.ItemDataRole.UserRole
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_SIDE = 128
THUMB_CHUNK = 25

STATUS_TEXT = {
    "waiting": "Waiting",
    "working": "Working…",
    "ok": "✔ Protected",
    "skipped": "↷ Skipped: already up to date",
    "error": "✖ Failed",
    "cancelled": "– Not processed (cancelled)",
}


def dropped_paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    return [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]


class FileList(QListWidget):
    """Emits ``paths_dropped(paths)`` (the page adds them), ``paths_added(count)`` and
    ``current_path_changed(path or None)``."""

    paths_dropped = Signal(list)
    paths_added = Signal(int)
    current_path_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roots: list[Path] = []
        self._items: dict[str, QListWidgetItem] = {}
        self._loaders: set[ThumbnailLoader] = set()
        self._thumbs_pending = 0
        self.setIconSize(QSize(64, 64))
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAccessibleName("Images to protect")
        self.setToolTip("Images to protect: add them with the buttons or drop files and folders here")
        self.currentItemChanged.connect(self._current_changed)
        self._placeholder = QIcon(QPixmap(THUMB_SIDE, THUMB_SIDE))

    # ---- adding -------------------------------------------------------------------------
    def add_paths(self, paths: list[Path]) -> int:
        """Add files and folders (recursed); unknown or duplicate files are ignored."""
        added = 0
        for path in paths:
            path = Path(path)
            if not path.exists() or path in self.roots:
                continue
            if path.is_file() and path.suffix.lower() not in imaging.IMAGE_SUFFIXES:
                continue
            new = [(f, rel) for f, rel in iter_inputs([path]) if str(f) not in self._items]
            if not new:
                continue
            self.roots.append(path)
            for file, _rel in new:
                self._add_item(file)
            self._load_thumbnails([str(f) for f, _ in new])
            added += len(new)
        if added:
            if self.currentRow() < 0:
                self.setCurrentRow(0)
            self.paths_added.emit(added)
        return added

    def _add_item(self, file: Path) -> None:
        item = QListWidgetItem(self._placeholder, "")
        item.setData(PATH_ROLE, str(file))
        item.setToolTip(str(file))
        self._items[str(file)] = item
        self.addItem(item)
        self.set_status(str(file), "waiting")

    def _load_thumbnails(self, keys: list[str]) -> None:
        self._thumbs_pending += len(keys)
        for start in range(0, len(keys), THUMB_CHUNK):
            loader = ThumbnailLoader(keys[start:start + THUMB_CHUNK], THUMB_SIDE)
            self._loaders.add(loader)
            loader.signals.loaded.connect(self._thumb_ready)
            loader.signals.failed.connect(self._thumb_failed)
            loader.signals.finished.connect(lambda done=loader: self._loaders.discard(done))
            pool("thumbnails").start(loader)

    def _thumb_ready(self, key: str, image: QImage) -> None:
        self._thumbs_pending -= 1
        item = self._items.get(key)
        if item is not None:
            item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _thumb_failed(self, key: str, message: str) -> None:
        self._thumbs_pending -= 1
        if key in self._items:
            self.set_status(key, "error", f"cannot preview: {message}")

    def pending_thumbnails(self) -> int:
        return self._thumbs_pending

    # ---- status -------------------------------------------------------------------------
    def set_status(self, key: str, status: str, detail: str = "") -> None:
        item = self._items.get(key)
        if item is None:
            return
        text = STATUS_TEXT.get(status, status)
        if detail:
            text = f"{text}: {detail}" if status == "error" else f"{text} → {detail}"
        item.setText(f"{Path(key).name}\n{text}")
        item.setData(STATUS_ROLE, status)
        item.setToolTip(f"{key}\n{text}")
        colour = {"ok": "#2e9d4f", "error": "#d64545", "skipped": "#8a8d93"}.get(status)
        item.setForeground(QColor(colour) if colour else self.palette().text())

    def status(self, key: str) -> str | None:
        item = self._items.get(key)
        return item.data(STATUS_ROLE) if item is not None else None

    def reset_status(self) -> None:
        for key in self._items:
            self.set_status(key, "waiting")

    # ---- removing -----------------------------------------------------------------------
    def files(self) -> list[str]:
        return list(self._items)

    def remove_selected(self) -> None:
        """Removing a file from an added folder turns that folder into its remaining files."""
        doomed = {item.data(PATH_ROLE) for item in self.selectedItems()}
        if not doomed:
            return
        roots: list[Path] = []
        for root in self.roots:
            members = [str(f) for f, _ in iter_inputs([root])]
            if not doomed.intersection(members):
                roots.append(root)
            elif root.is_dir():
                roots.extend(Path(m) for m in members if m not in doomed and m in self._items)
        self.roots = roots
        for key in doomed:
            item = self._items.pop(key)
            self.takeItem(self.row(item))

    def clear_all(self) -> None:
        self.roots.clear()
        self._items.clear()
        self.clear()
        self.current_path_changed.emit(None)

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self.current_path_changed.emit(Path(current.data(PATH_ROLE)) if current is not None else None)

    # ---- drag and drop ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if paths:
            self.paths_dropped.emit(paths)
            event.acceptProposedAction()
        else:
            super().dropEvent(event)
