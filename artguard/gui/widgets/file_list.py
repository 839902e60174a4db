"""The Protect page's inputs: files and folders (buttons or drag and drop), thumbnails, status.

Folders stay folders for the batch (outputs keep their relative paths); the list shows
each image inside. Thumbnails load in a worker pool and arrive one by one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QDragEnterEvent, QDropEvent, QFontMetrics, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextEdit,
    QWidget,
)

from artguard import imaging
from artguard.batch import iter_inputs
from artguard.gui.workers import ThumbnailLoader, pool

PATH_ROLE = Qt.ItemDataRole.UserRole
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2
TITLE_ROLE = Qt.ItemDataRole.UserRole + 3
THUMB_SIDE = 128
THUMB_CHUNK = 25

STATUS_TEXT = {
    "waiting": "Waiting",
    "working": "Working…",
    "ok": "✔ Protected",
    "skipped": "↷ Skipped",
    "error": "✖ Failed",
    "cancelled": "– Not processed (cancelled)",
}


STATUS_COLOURS = {"ok": "#2e9d4f", "error": "#d64545", "skipped": "#8a8d93"}


def status_lines(name: str, status: str, detail: str, metrics: QFontMetrics, width: int) -> tuple[str, str, str]:
    """What a list row shows in ``width`` pixels: the name shortened in the middle, the
    status word whole, and the detail after it shortened at the end (or left out)."""
    label = STATUS_TEXT.get(status, status)
    name_line = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width)
    room = width - metrics.horizontalAdvance(label)
    joiner = ": " if status in ("error", "skipped") else " → "
    detail_line = ""
    if detail and room > metrics.horizontalAdvance(joiner + "…") + metrics.horizontalAdvance("…") * 3:
        detail_line = metrics.elidedText(joiner + detail, Qt.TextElideMode.ElideRight, room)
    return name_line, label, detail_line


class FileItemDelegate(QStyledItemDelegate):
    """Two lines per image: the file name (shortened in the middle when it must be) and the
    status word in full, then its detail shortened at the end. A cut never lands in the
    status word ("✔ Protec…umn.webp"); the tooltip has everything."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else None
        text_option = QStyleOptionViewItem(option)
        text_option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_option, painter, widget)
        icon_side = option.decorationSize.width()
        rect = option.rect.adjusted(icon_side + 12, 4, -6, -4)
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        top = rect.top() + max(0, (rect.height() - 2 * line) // 2)
        name = Path(index.data(PATH_ROLE) or "").name
        title = index.data(TITLE_ROLE)
        if title:
            name = f"{name} — “{title}”"
        status = index.data(STATUS_ROLE) or "waiting"
        name_line, label, detail_line = status_lines(name, status, index.data(DETAIL_ROLE) or "", metrics, rect.width())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = option.palette.ColorRole.HighlightedText if selected else option.palette.ColorRole.Text
        painter.save()
        painter.setFont(option.font)
        painter.setPen(option.palette.color(role))
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(rect.left(), top, rect.width(), line), align, name_line)
        colour = STATUS_COLOURS.get(status)
        painter.setPen(QColor(colour) if colour and not selected else option.palette.color(role))
        label_width = metrics.horizontalAdvance(label)
        painter.drawText(QRect(rect.left(), top + line, label_width, line), align, label)
        if detail_line:
            painter.setPen(option.palette.color(option.palette.ColorRole.PlaceholderText) if not selected else option.palette.color(role))
            painter.drawText(QRect(rect.left() + label_width, top + line, rect.width() - label_width, line), align, detail_line)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, max(option.decorationSize.height(), 2 * metrics.height()) + 10)


class FileDetailsDialog(QDialog):
    """Title and description for one image or several (they override the profile's)."""

    def __init__(self, names: list[str], details: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Title and description: {names[0]}" if len(names) == 1 else f"Title and description: {len(names)} images")
        form = QFormLayout(self)
        self.title = QLineEdit(details.get("title", ""))
        self.title.setPlaceholderText("The profile's title (or the file name)")
        self.title.setToolTip("Written as IPTC Object Name, XMP dc:title and the Content Credentials title; {filename} works")
        form.addRow("&Title:", self.title)
        self.description = QTextEdit()
        self.description.setPlainText(details.get("description", ""))
        self.description.setPlaceholderText("The profile's description")
        self.description.setToolTip("What the image shows: EXIF ImageDescription, IPTC Caption, XMP dc:description")
        self.description.setMaximumHeight(110)
        form.addRow("&Description:", self.description)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        found = {"title": self.title.text().strip(), "description": self.description.toPlainText().strip()}
        return {k: v for k, v in found.items() if v}


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
        self.details: dict[str, dict[str, str]] = {}  # per image: title/description over the profile's
        self.details_dialog: FileDetailsDialog | None = None
        self._items: dict[str, QListWidgetItem] = {}
        self._loaders: set[ThumbnailLoader] = set()
        self._thumbs_pending = 0
        self.setIconSize(QSize(64, 64))
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setItemDelegate(FileItemDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAccessibleName("Images to protect")
        self.setToolTip("Images to protect: add them with the buttons or drop files and folders here")
        self.currentItemChanged.connect(self._current_changed)
        self.itemDoubleClicked.connect(lambda _item: self.edit_details())
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        edit = QAction("Title and description…", self)
        edit.setShortcut("F2")
        edit.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit.triggered.connect(self.edit_details)
        self.addAction(edit)
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

    # ---- per-image details ---------------------------------------------------------------
    def edit_details(self) -> FileDetailsDialog | None:
        """Open the title/description editor for the selected images (double-click or F2)."""
        keys = [item.data(PATH_ROLE) for item in self.selectedItems()]
        if not keys:
            return None
        dialog = FileDetailsDialog([Path(k).name for k in keys], self.details.get(keys[0], {}), self)
        dialog.accepted.connect(lambda: self.set_details(keys, dialog.values()))
        self.details_dialog = dialog
        dialog.open()
        return dialog

    def set_details(self, keys: list[str], values: dict[str, str]) -> None:
        for key in keys:
            if values:
                self.details[key] = dict(values)
            else:
                self.details.pop(key, None)
            item = self._items.get(key)
            if item is not None:
                self.set_status(key, item.data(STATUS_ROLE) or "waiting", item.data(DETAIL_ROLE) or "")

    # ---- status -------------------------------------------------------------------------
    def set_status(self, key: str, status: str, detail: str = "") -> None:
        item = self._items.get(key)
        if item is None:
            return
        text = STATUS_TEXT.get(status, status)
        if detail:
            text = f"{text}: {detail}" if status in ("error", "skipped") else f"{text} → {detail}"
        item.setText(f"{Path(key).name}\n{text}")  # for accessibility and item searches; the delegate draws it
        item.setData(STATUS_ROLE, status)
        item.setData(DETAIL_ROLE, detail)
        item.setData(TITLE_ROLE, self.details.get(key, {}).get("title", ""))
        own = self.details.get(key, {})
        extra = "".join(f"\n{name.capitalize()}: {value}" for name, value in own.items())
        item.setToolTip(f"{key}\n{text}{extra}\nDouble-click or F2: title and description")
        colour = STATUS_COLOURS.get(status)
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
            self.details.pop(key, None)
            item = self._items.pop(key)
            self.takeItem(self.row(item))

    def clear_all(self) -> None:
        self.roots.clear()
        self.details.clear()
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
