"""Where a protected copy was posted: a list of web addresses with dates, kept in the catalog.

Reports and takedown notices cite these addresses as the original's location. Catalog
reads and writes run in the task pool, never on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from artguard.catalog import Catalog, Posting
from artguard.gui.widgets.hint import ERROR_STYLE
from artguard.gui.workers import Task


class PostingsBox(QGroupBox):
    """The "Posted at" list of one publication, with Add and Remove."""

    changed = Signal()

    def __init__(self, catalog: Catalog, pub_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Where you posted it (cited in evidence reports and notices)", parent)
        self.catalog, self.pub_id = catalog, pub_id
        self._tasks: set[Task] = set()
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Posted at")
        self.list.setMaximumHeight(90)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://… the page where you posted it")
        self.url.setAccessibleName("Posted at address")
        self.date = QLineEdit()
        self.date.setPlaceholderText("YYYY-MM-DD (optional)")
        self.date.setAccessibleName("Posted on date")
        self.date.setMaximumWidth(160)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        for w in (self.url, self.date, self.add_button, self.remove_button):
            row.addWidget(w)
        layout.addLayout(row)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.reload()

    def _run(self, task: Task, done) -> Task:  # type: ignore[no-untyped-def]
        self._tasks.add(task)
        task.signals.finished.connect(lambda value: (self._tasks.discard(task), done(value)))
        task.signals.failed.connect(lambda msg: (self._tasks.discard(task), self._failed(msg)))
        return task.start()

    def reload(self) -> Task:
        return self._run(Task(self.catalog.postings, self.pub_id), self._show)

    def _show(self, postings: list[Posting]) -> None:
        self.list.clear()
        for posting in postings:
            item = QListWidgetItem(posting.url + (f"  ({posting.posted_at[:10]})" if posting.posted_at else ""))
            item.setData(Qt.ItemDataRole.UserRole, posting.url)
            self.list.addItem(item)
        self.status.setText("" if postings else "Not recorded yet.")
        self.status.setStyleSheet("")

    def add(self) -> Task | None:
        url = self.url.text().strip()
        if not url:
            return None
        return self._run(Task(self.catalog.add_posting, self.pub_id, url, self.date.text().strip() or None), self._added)

    def _added(self, _posting: Posting) -> None:
        self.url.clear()
        self.date.clear()
        self.changed.emit()
        self.reload()

    def remove_selected(self) -> Task | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self._run(Task(self.catalog.remove_posting, self.pub_id, item.data(Qt.ItemDataRole.UserRole)), lambda _r: (self.changed.emit(), self.reload()))

    def _failed(self, message: str) -> None:
        self.status.setText(f"⚠ {message}")
        self.status.setStyleSheet(ERROR_STYLE)
