"""Catalog page: what was published when, grouped by original (with thumbnails), each
original showing its exports; search by title, creator, date or file name; open, export.

The model pages through the catalog (200 rows at a time, newest first) so a large catalog
opens instantly; the tree groups the loaded rows by original (same bytes, same group).
Thumbnails load in the worker pool, never on the GUI thread.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from artguard.catalog import Catalog, Publication, to_record
from artguard.errors import ArtGuardError
from artguard.fileio import atomic_path
from artguard.gui.widgets.hint import ERROR_STYLE
from artguard.gui.widgets.postings import PostingsBox
from artguard.gui.workers import Task, ThumbnailLoader, pool
from artguard.metadata import registry

PAGE = 200
HEADERS = ["Published", "Original", "Protected copy", "Profile", "Format", "Size", "Content Credentials"]


TREE_HEADERS = ["Original / protected copy", "Title", "Creator", "Published", "Format", "Size", "Content Credentials"]
THUMB = 56
PUB_ROLE = Qt.ItemDataRole.UserRole


def _when(iso: str) -> str:
    return iso.replace("T", " ")[:16]


def field_value(pub: Publication, name: str) -> str:
    """A recorded rights field, whether the record keys it by name or by exiv2 key."""
    if pub.fields.get(name):
        return pub.fields[name]
    for key in registry.get(name).keys:
        value = pub.fields.get(key)
        if value:
            return value.removeprefix('lang="x-default" ')
    return ""


def export_label(pub: Publication, members: list[Publication]) -> str:
    """An export named by what tells it apart from its siblings (the preset folder first)."""
    out = Path(pub.output.path)
    outputs = {m.output.path for m in members}
    if len(outputs) > 1:
        common = os.path.commonpath(list(outputs))
        return Path(os.path.relpath(out, common)).as_posix()
    return f"{out.parent.name}/{out.name}"


def group_by_original(pubs: list[Publication]) -> list[tuple[Publication, list[Publication]]]:
    """Exports under their original (same bytes = same original), newest group first."""
    groups: dict[str, list[Publication]] = {}
    for pub in pubs:
        groups.setdefault(pub.original.sha256 or pub.original.path, []).append(pub)
    return [(members[0], members) for members in groups.values()]


class PublicationModel(QAbstractTableModel):
    def __init__(self, catalog_factory: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self._catalog_factory = catalog_factory
        self.rows: list[Publication] = []
        self.total = 0
        self.search = ""

    def refresh(self, search: str | None = None) -> None:
        if search is not None:
            self.search = search
        self.beginResetModel()
        catalog = self._catalog_factory()
        self.total = catalog.count(self.search)
        self.rows = catalog.list(self.search, limit=PAGE, offset=0)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        more = self._catalog_factory().list(self.search, limit=PAGE, offset=len(self.rows))
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        pub = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                _when(pub.published_at),
                Path(pub.original.path).name,
                Path(pub.output.path).name,
                pub.profile_name,
                pub.output.format.upper(),
                f"{pub.output.width}×{pub.output.height}",
                "✔ signed" if pub.c2pa_label else "– none",
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {1: pub.original.path, 2: pub.output.path, 6: pub.c2pa_label or "No C2PA manifest"}.get(col)
        return None


class CatalogPage(QWidget):
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog: Catalog | None = None
        self._tasks: set[Task] = set()
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by title, creator, date (2026-12), file name…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Search the record of everything you protected (Ctrl+F)")
        self.search.setAccessibleName("Search the catalog")
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.open_button = QPushButton("&Open entry…")
        self.open_button.setToolTip("Show everything recorded for the selected entry (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip("Save the whole catalog as CSV or JSON")
        self.export_button.clicked.connect(self.choose_export)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Forget the selected entries (the files are not deleted)")
        self.remove_button.clicked.connect(self.remove_selected)
        bar.addWidget(self.search, 1)
        for w in (self.open_button, self.export_button, self.remove_button):
            bar.addWidget(w)
        layout.addLayout(bar)

        self.model = PublicationModel(self.catalog, self)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(TREE_HEADERS)
        self.tree.setIconSize(QSize(THUMB, THUMB))
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAccessibleName("Catalog: originals and their protected copies")
        self.tree.setUniformRowHeights(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self.open_selected())
        self.tree.itemActivated.connect(lambda _item, _col: self.open_selected())
        layout.addWidget(self.tree, 1)
        more_row = QHBoxLayout()
        self.more_button = QPushButton("Show older entries")
        self.more_button.setToolTip("Load the next 200 entries")
        self.more_button.clicked.connect(self.load_more)
        more_row.addStretch(1)
        more_row.addWidget(self.more_button)
        layout.addLayout(more_row)
        self._thumb_items: dict[str, list[QTreeWidgetItem]] = {}
        self._loaders: set[ThumbnailLoader] = set()
        self.status = QLabel()
        layout.addWidget(self.status)

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog()
        return self._catalog

    def close_catalog(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def refresh(self) -> None:
        try:
            self.model.refresh(self.search.text().strip())
        except ArtGuardError as exc:
            self.status.setText(f"⚠ {exc}")
            self.status.setStyleSheet(ERROR_STYLE)
            return
        self.status.setStyleSheet("")
        n = self.model.total
        what = f" matching “{self.model.search}”" if self.model.search else ""
        groups = len(group_by_original(self.model.rows))
        if n:
            self.status.setText(f"{n} protected cop{'y' if n == 1 else 'ies'} of {groups}{'+' if self.model.canFetchMore() else ''} original{'s' if groups != 1 else ''}{what}.")
        else:
            self.status.setText(f"Nothing recorded yet{what}. Protected images appear here.")
        self._fill_tree()

    def load_more(self) -> None:
        if self.model.canFetchMore():
            self.model.fetchMore()
            self._fill_tree()

    def _fill_tree(self) -> None:
        """One top-level row per original (thumbnail, title, creator), its exports below."""
        self.tree.clear()
        self._thumb_items.clear()
        for first, members in group_by_original(self.model.rows):
            original = Path(first.original.path)
            title, creator = field_value(first, "title"), field_value(first, "creator")
            top = QTreeWidgetItem([
                original.name, title, creator, _when(min(p.published_at for p in members)),
                first.original.format.upper(), f"{first.original.width}×{first.original.height}",
                f"{len(members)} protected cop{'y' if len(members) == 1 else 'ies'}",
            ])
            top.setToolTip(0, f"{original}\n{'(the original is no longer there)' if not original.exists() else ''}".strip())
            top.setData(0, PUB_ROLE, first)
            self.tree.addTopLevelItem(top)
            for pub in members:
                child = QTreeWidgetItem([
                    export_label(pub, members), field_value(pub, "title"), field_value(pub, "creator"),
                    _when(pub.published_at), pub.output.format.upper(), f"{pub.output.width}×{pub.output.height}",
                    "✔ signed" if pub.c2pa_label else "– none",
                ])
                child.setToolTip(0, pub.output.path)
                child.setToolTip(6, pub.c2pa_label or "No C2PA manifest")
                child.setData(0, PUB_ROLE, pub)
                top.addChild(child)
            shown = original if original.exists() else next((Path(p.output.path) for p in members if Path(p.output.path).exists()), None)
            if shown is not None:
                self._thumb_items.setdefault(str(shown), []).append(top)
            top.setExpanded(len(members) <= 4)
        for col, width in ((0, 300), (1, 170), (2, 140), (3, 130), (4, 60), (5, 100)):
            self.tree.setColumnWidth(col, width)
        self.more_button.setVisible(self.model.canFetchMore())
        self._load_thumbnails(list(self._thumb_items))

    def _load_thumbnails(self, keys: list[str]) -> None:
        if not keys:
            return
        loader = ThumbnailLoader(keys, THUMB * 2)
        self._loaders.add(loader)
        loader.signals.loaded.connect(self._thumb_ready)
        loader.signals.finished.connect(lambda done=loader: self._loaders.discard(done))
        pool("thumbnails").start(loader)

    def _thumb_ready(self, key: str, image: QImage) -> None:
        for item in self._thumb_items.get(key, []):
            item.setIcon(0, QIcon(QPixmap.fromImage(image)))

    def thumbnails_shown(self) -> int:
        return sum(1 for i in range(self.tree.topLevelItemCount()) if not self.tree.topLevelItem(i).icon(0).isNull())

    def selected(self) -> list[Publication]:
        """The selected exports; an original row stands for all its exports."""
        chosen: list[Publication] = []
        for item in self.tree.selectedItems():
            if item.parent() is None:
                members = [item.child(i).data(0, PUB_ROLE) for i in range(item.childCount())]
            else:
                members = [item.data(0, PUB_ROLE)]
            chosen += [p for p in members if p not in chosen]
        return chosen

    def open_selected(self) -> None:
        chosen = self.selected()
        if chosen:
            EntryDialog(chosen[0], self, catalog=self.catalog()).exec()

    def remove_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        answer = QMessageBox.question(
            self, "Remove entries",
            f"Forget {len(chosen)} entr{'y' if len(chosen) == 1 else 'ies'}? Checks will no longer match those copies. Files are not deleted.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.catalog().remove([p.id for p in chosen if p.id is not None])
            self.refresh()

    def choose_export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, "Export catalog", str(Path.home() / "artguard-catalog.csv"), "CSV (*.csv);;JSON (*.json)")
        if path:
            self.export_to(Path(path), "json" if path.endswith(".json") or "JSON" in chosen else "csv")

    def export_to(self, out: Path, fmt: str) -> Task:
        path = self.catalog().path

        def export() -> int:
            with Catalog(path) as catalog, atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
                return catalog.export(fmt, fh)  # type: ignore[arg-type]

        task = Task(export)
        self._tasks.add(task)
        task.signals.finished.connect(lambda n: (self._tasks.discard(task), self._exported(out, n)))
        task.signals.failed.connect(lambda msg: (self._tasks.discard(task), self._export_failed(msg)))
        return task.start()

    def _exported(self, out: Path, n: int) -> None:
        self.status.setStyleSheet("")
        self.status.setText(f"✔ Exported {n} entries to {out}")
        self.message.emit(f"Catalog exported to {out}")

    def _export_failed(self, message: str) -> None:
        self.status.setText(f"⚠ Export failed: {message}")
        self.status.setStyleSheet(ERROR_STYLE)


class EntryDialog(QDialog):
    """Everything recorded for one publication, with buttons to open the files."""

    def __init__(self, pub: Publication, parent: QWidget | None = None, *, catalog: Catalog | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Catalog entry {pub.id}: {Path(pub.output.path).name}")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            f"<b>{Path(pub.output.path).name}</b> published {_when(pub.published_at)} with profile “{pub.profile_name}”"
        ))
        text = QPlainTextEdit(json.dumps(to_record(pub), indent=2, ensure_ascii=False))
        text.setReadOnly(True)
        text.setAccessibleName("Entry details")
        layout.addWidget(text, 1)
        self.postings = PostingsBox(catalog, pub.id) if catalog is not None and pub.id is not None else None
        if self.postings is not None:
            layout.addWidget(self.postings)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for label, path in (("Open protected copy", pub.output.path), ("Open original", pub.original.path), ("Show folder", str(Path(pub.output.path).parent))):
            button = buttons.addButton(label, QDialogButtonBox.ButtonRole.ActionRole)
            button.setEnabled(Path(path).exists())
            button.clicked.connect(lambda _c=False, p=path: QDesktopServices.openUrl(QUrl.fromLocalFile(p)))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
