"""The Protect page's inputs: files and folders (buttons or drag and drop), thumbnails, status.

Folders stay folders for the batch (outputs keep their relative paths); the list shows
each image inside, one row each in a list model (a folder of 500 images is one insertion;
nothing per row is made on the GUI thread until the row is drawn). Thumbnails load in a
worker pool and arrive one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QDragEnterEvent, QDropEvent, QFontMetrics, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListView,
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


def status_text(status: str, detail: str) -> str:
    """The status as one line of words: "✔ Protected → a.jpg", "✖ Failed: why"."""
    text = STATUS_TEXT.get(status, status)
    if detail:
        text = f"{text}: {detail}" if status in ("error", "skipped") else f"{text} → {detail}"
    return text


@dataclass
class _Row:
    key: str
    status: str = "waiting"
    detail: str = ""
    icon: QIcon | None = None


class FileListModel(QAbstractListModel):
    """One row per image. Adding a folder is one insertion however many images it holds
    (a list widget made an item, a text and a tooltip per image on the GUI thread); the
    name, status, tooltip and colour are worked out when a row is drawn or asked for."""

    def __init__(self, details: dict[str, dict[str, str]], placeholder: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.placeholder = placeholder
        self._rows: list[_Row] = []
        self._row_of: dict[str, int] = {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == PATH_ROLE:
            return row.key
        if role == STATUS_ROLE:
            return row.status
        if role == DETAIL_ROLE:
            return row.detail
        if role == TITLE_ROLE:
            return self.details.get(row.key, {}).get("title", "")
        if role == Qt.ItemDataRole.DecorationRole:
            return row.icon or self.placeholder
        if role == Qt.ItemDataRole.DisplayRole:  # for accessibility and keyboard search; the delegate draws it
            return f"{Path(row.key).name}\n{status_text(row.status, row.detail)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = "".join(f"\n{name.capitalize()}: {value}" for name, value in self.details.get(row.key, {}).items())
            return f"{row.key}\n{status_text(row.status, row.detail)}{extra}\nDouble-click or F2: title and description"
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = STATUS_COLOURS.get(row.status)
            return QColor(colour) if colour else None
        return None

    # ---- changes ------------------------------------------------------------------------
    def keys(self) -> list[str]:
        return [row.key for row in self._rows]

    def has(self, key: str) -> bool:
        return key in self._row_of

    def row_of(self, key: str) -> int:
        return self._row_of.get(key, -1)

    def row(self, key: str) -> _Row | None:
        at = self._row_of.get(key)
        return self._rows[at] if at is not None else None

    def append(self, keys: list[str]) -> None:
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(keys) - 1)
        for offset, key in enumerate(keys):
            self._rows.append(_Row(key))
            self._row_of[key] = first + offset
        self.endInsertRows()

    def changed(self, key: str, roles: list[int] | None = None) -> None:
        at = self._row_of.get(key)
        if at is not None:
            index = self.index(at)
            self.dataChanged.emit(index, index, roles or [])

    def remove(self, keys: set[str]) -> None:
        for at in sorted((self._row_of[k] for k in keys if k in self._row_of), reverse=True):
            self.beginRemoveRows(QModelIndex(), at, at)
            del self._rows[at]
            self.endRemoveRows()
        self._row_of = {row.key: at for at, row in enumerate(self._rows)}

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._row_of.clear()
        self.endResetModel()


class FileList(QListView):
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
        self._loaders: set[ThumbnailLoader] = set()
        self._thumbs_pending = 0
        self._model = FileListModel(self.details, QIcon(QPixmap(THUMB_SIDE, THUMB_SIDE)), self)
        self.setModel(self._model)
        self.setIconSize(QSize(64, 64))
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setItemDelegate(FileItemDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAccessibleName("Images to protect")
        self.setToolTip("Images to protect: add them with the buttons or drop files and folders here")
        self.selectionModel().currentChanged.connect(self._current_changed)
        self.doubleClicked.connect(lambda _index: self.edit_details())
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        edit = QAction("Title and description…", self)
        edit.setShortcut("F2")
        edit.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit.triggered.connect(self.edit_details)
        self.addAction(edit)

    # ---- rows ---------------------------------------------------------------------------
    def count(self) -> int:
        return self._model.rowCount()

    def setCurrentRow(self, row: int) -> None:  # noqa: N802 (QListWidget's name, kept for callers)
        self.setCurrentIndex(self._model.index(row))

    def current_path(self) -> Path | None:
        index = self.currentIndex()
        return Path(index.data(PATH_ROLE)) if index.isValid() else None

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
            new = [str(f) for f, _rel in iter_inputs([path]) if not self._model.has(str(f))]
            if not new:
                continue
            self.roots.append(path)
            self._model.append(new)
            self._load_thumbnails(new)
            added += len(new)
        if added:
            if not self.currentIndex().isValid():
                self.setCurrentRow(0)
            self.paths_added.emit(added)
        return added

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
        row = self._model.row(key)
        if row is not None:
            row.icon = QIcon(QPixmap.fromImage(image))
            self._model.changed(key, [Qt.ItemDataRole.DecorationRole])

    def _thumb_failed(self, key: str, message: str) -> None:
        self._thumbs_pending -= 1
        self.set_status(key, "error", f"cannot preview: {message}")

    def pending_thumbnails(self) -> int:
        return self._thumbs_pending

    # ---- per-image details ---------------------------------------------------------------
    def selected_keys(self) -> list[str]:
        """The selected images, in list order."""
        return [index.data(PATH_ROLE) for index in sorted(self.selectedIndexes(), key=lambda i: i.row())]

    def edit_details(self) -> FileDetailsDialog | None:
        """Open the title/description editor for the selected images (double-click or F2)."""
        keys = self.selected_keys()
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
            self._model.changed(key)

    # ---- status -------------------------------------------------------------------------
    def set_status(self, key: str, status: str, detail: str = "") -> None:
        row = self._model.row(key)
        if row is not None and (row.status, row.detail) != (status, detail):
            row.status, row.detail = status, detail
            self._model.changed(key)

    def status(self, key: str) -> str | None:
        row = self._model.row(key)
        return row.status if row is not None else None

    def reset_status(self) -> None:
        for key in self._model.keys():
            self.set_status(key, "waiting")

    # ---- removing -----------------------------------------------------------------------
    def files(self) -> list[str]:
        return self._model.keys()

    def remove_selected(self) -> None:
        """Removing a file from an added folder turns that folder into its remaining files."""
        doomed = set(self.selected_keys())
        if not doomed:
            return
        roots: list[Path] = []
        for root in self.roots:
            members = [str(f) for f, _ in iter_inputs([root])]
            if not doomed.intersection(members):
                roots.append(root)
            elif root.is_dir():
                roots.extend(Path(m) for m in members if m not in doomed and self._model.has(m))
        self.roots = roots
        for key in doomed:
            self.details.pop(key, None)
        self._model.remove(doomed)

    def clear_all(self) -> None:
        self.roots.clear()
        self.details.clear()
        self._model.clear()
        self.current_path_changed.emit(None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_path_changed.emit(Path(current.data(PATH_ROLE)) if current.isValid() else None)

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
