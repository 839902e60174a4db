"""Website page: the opt-out kit for the artist's own site, and an audit of what it serves.

The kit is built from the chosen rights profile (so it says what the images say); each
file can be copied or saved, or all of them saved into a folder. The audit reads a site
URL or a static export folder in a worker (progress, Stop) and shows which reservations
are present and agree, and every image with its thumbnail and state.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from artguard.errors import ArtGuardError
from artguard.gui import theme
from artguard.gui.widgets.hint import ERROR_STYLE, hint
from artguard.gui.widgets.profile_chooser import ProfileChooser
from artguard.gui.workers import Task, error_text, pool
from artguard.profile import RightsProfile
from artguard.site import (
    Kit,
    SiteAudit,
    audit_site,
    build_kit,
    write_audit_report,
    write_kit,
)
from artguard.site.audit import IMAGE_STATE_WORDS

THUMB = 64
SIGNAL_COLUMNS = ["Reservation", "State", "Agrees with profile", "Details"]
IMAGE_COLUMNS = ["Image", "State", "Content Credentials", "Your catalog", "Address"]
SYMBOLS = {"stripped-by-site": "✖ ", "partly-stripped": "⚠ ", "intact": "✔ ", "error": "✖ "}
STATE_WORDS = {state: SYMBOLS.get(state, "") + words for state, words in IMAGE_STATE_WORDS.items()}


class AuditSignals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)  # SiteAudit
    failed = Signal(str)


class AuditWorker(QRunnable):
    """One site audit in the tasks pool; Stop sets the event the core polls between fetches."""

    def __init__(self, target: str, profile: RightsProfile, max_pages: int) -> None:
        super().__init__()
        self.target = target
        self.profile = profile
        self.max_pages = max_pages
        self.cancel_event = threading.Event()
        self.signals = AuditSignals()

    def run(self) -> None:
        from artguard.catalog import Catalog

        try:
            with Catalog() as catalog:
                audit = audit_site(self.target, self.profile, catalog=catalog, max_pages=self.max_pages,
                                   on_progress=self.signals.progress.emit, cancel=self.cancel_event.is_set)
        except Exception as exc:  # shown to the user in the status line
            self.signals.failed.emit(error_text(exc))
        else:
            self.signals.finished.emit(audit)

    def start(self) -> AuditWorker:
        pool("tasks").start(self)
        return self


class WebsitePage(QWidget):
    message = Signal(str)
    audit_done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kit: Kit | None = None
        self.existing_robots: str | None = None
        self.audit: SiteAudit | None = None
        self.worker: AuditWorker | None = None
        self._tasks: set[Task] = set()
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Rights &profile:"))
        self.profile_box = ProfileChooser("Rights profile")
        self.profile_box.currentTextChanged.connect(lambda _t: self.rebuild_kit())
        top.itemAt(0).widget().setBuddy(self.profile_box)  # type: ignore[union-attr]
        top.addWidget(self.profile_box)
        self.choice = QLabel()
        self.choice.setWordWrap(True)
        top.addWidget(self.choice, 1)
        layout.addLayout(top)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._kit_tab(), "Opt-out &kit")
        self.tabs.addTab(self._audit_tab(), "&Audit my site")
        layout.addWidget(self.tabs, 1)
        app = QApplication.instance()
        if app is not None:  # quitting stops a running audit at its next request
            app.aboutToQuit.connect(self.stop_audit)
        self.refresh()

    # ---- kit -----------------------------------------------------------------------------
    def _kit_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(hint(
            "These files ask AI crawlers and dataset tools not to use your site, in every form they read: "
            "robots.txt, ai.txt, the TDMRep reservation (EU text-and-data-mining opt-out), meta tags and headers. "
            "They are written from the profile's AI-use choice, the same one inside your images. They ask; they do not enforce."
        ))
        split = QSplitter(Qt.Orientation.Horizontal)
        self.file_list = QListWidget()
        self.file_list.setAccessibleName("Kit files")
        self.file_list.currentRowChanged.connect(self._show_file)
        split.addWidget(self.file_list)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.purpose = QLabel()
        self.purpose.setWordWrap(True)
        right_layout.addWidget(self.purpose)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Kit file text")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        right_layout.addWidget(self.text, 1)
        split.addWidget(right)
        split.setSizes([240, 700])
        layout.addWidget(split, 1)

        bar = QHBoxLayout()
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Copy this file's text, e.g. to paste into your host's settings")
        self.copy_button.clicked.connect(self.copy_file)
        self.save_button = QPushButton("&Save…")
        self.save_button.setToolTip("Save this file")
        self.save_button.clicked.connect(self.save_file)
        self.save_all_button = QPushButton("Save &all to folder…")
        self.save_all_button.setToolTip("Write the kit into a folder: your site's root (its robots.txt, .htaccess and _headers are merged), or a new folder")
        self.save_all_button.clicked.connect(self.save_all)
        self.merge_button = QPushButton("&Merge my robots.txt…")
        self.merge_button.setToolTip("Keep the rules of your site's current robots.txt and add the AI rules to them")
        self.merge_button.clicked.connect(self.choose_robots)
        for w in (self.copy_button, self.save_button, self.save_all_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.merge_button)
        layout.addLayout(bar)
        self.kit_status = QLabel()
        self.kit_status.setWordWrap(True)
        layout.addWidget(self.kit_status)
        return tab

    def refresh(self) -> None:
        """Reload the profile list (profiles may have changed on the Protect page)."""
        problem = self.profile_box.reload()
        if problem:
            self.kit_status.setText(f"⚠ {problem}")
        self.rebuild_kit()

    def profile(self) -> RightsProfile:
        return self.profile_box.profile()

    def rebuild_kit(self) -> None:
        try:
            profile = self.profile()
        except ArtGuardError as exc:
            self.kit_status.setText(f"⚠ {exc}")
            self.kit_status.setStyleSheet(ERROR_STYLE)
            return
        self.kit = build_kit(profile, existing_robots=self.existing_robots)
        licence = f"licence requests go to {profile.licensing_url}" if profile.licensing_url else "no licensing URL in the profile"
        self.choice.setText(f"AI-use choice: <b>{html.escape(self.kit.policy.term)}</b> · {html.escape(licence)}")
        row = max(self.file_list.currentRow(), 0)
        self.file_list.clear()
        for item in self.kit.files:
            entry = QListWidgetItem(item.path)
            entry.setToolTip(item.purpose)
            self.file_list.addItem(entry)
        self.file_list.setCurrentRow(min(row, self.file_list.count() - 1))

    def _show_file(self, row: int) -> None:
        if self.kit is None or not 0 <= row < len(self.kit.files):
            return
        item = self.kit.files[row]
        self.purpose.setText(f"<b>{item.path}</b>: {item.purpose}")
        self.text.setPlainText(item.text)

    def current_file(self) -> Any:
        row = self.file_list.currentRow()
        return self.kit.files[row] if self.kit is not None and 0 <= row < len(self.kit.files) else None

    def copy_file(self) -> None:
        item = self.current_file()
        if item is not None:
            QApplication.clipboard().setText(item.text)
            self._kit_note(f"✔ {item.path} copied to the clipboard.")

    def save_file(self) -> None:
        item = self.current_file()
        if item is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, f"Save {item.path}", str(Path.home() / Path(item.path).name))
        if path:
            self._run(Task(_write_text, Path(path), item.text), lambda out: self._kit_note(f"✔ Saved {out}"))

    def save_all(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the kit into a folder", str(Path.home()))
        if folder:
            self.save_all_to(Path(folder))

    def save_all_to(self, folder: Path) -> Task | None:
        if self.kit is None:
            return None
        return self._run(Task(write_kit, self.kit, folder), lambda kit: self._kit_note(
            f"✔ {len(kit.files)} files saved in {folder}" + (" (your robots.txt, .htaccess and _headers keep their rules)" if kit.merged_robots else "")
            + f". Read {kit.files[0].path} there for where each goes."))

    def choose_robots(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Your site's current robots.txt", str(Path.home()), "robots.txt (robots.txt *.txt);;All files (*)")
        if path:
            self._run(Task(_read_text, Path(path)), self.merge_robots)

    def merge_robots(self, text: str) -> None:
        self.existing_robots = text
        self.rebuild_kit()
        changes = self.kit.robots_changes if self.kit else []
        self._kit_note("✔ robots.txt now keeps your existing rules." + (" " + "; ".join(changes) + "." if changes else ""))

    def _kit_note(self, text: str) -> None:
        self.kit_status.setText(text)
        self.kit_status.setStyleSheet("")
        self.message.emit(text)

    # ---- audit ---------------------------------------------------------------------------
    def _audit_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        self.target = QLineEdit()
        self.target.setPlaceholderText("https://your.site/  or a folder of your site's export")
        self.target.setAccessibleName("Site address or folder")
        self.target.returnPressed.connect(lambda: self.start_audit())
        folder_button = QPushButton("&Folder…")
        folder_button.setToolTip("Audit a static export of your site on this computer")
        folder_button.clicked.connect(self.choose_folder)
        self.audit_button = QPushButton("Au&dit")
        self.audit_button.clicked.connect(lambda _checked=False: self.start_audit())
        self.stop_button = QPushButton("S&top")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_audit)
        self.report_button = QPushButton("Save &report…")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.save_report)
        bar.addWidget(self.target, 1)
        for w in (folder_button, self.audit_button, self.stop_button, self.report_button):
            bar.addWidget(w)
        layout.addLayout(bar)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.audit_status = QLabel("Audit reads your site's pages (on its own host, at most 50) and checks every image they show.")
        self.audit_status.setWordWrap(True)
        self.audit_status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.audit_status)

        self.problem_list = QListWidget()
        self.problem_list.setAccessibleName("Problems found")
        self.problem_list.setWordWrap(True)
        self.signal_table = _table(SIGNAL_COLUMNS, "Reservations found")
        self.image_table = _table(IMAGE_COLUMNS, "Images on the site")
        self.image_table.setIconSize(QSize(THUMB, THUMB))
        self.image_table.verticalHeader().setDefaultSectionSize(THUMB + 8)
        self.image_table.setColumnWidth(0, THUMB + 16)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.problem_list)
        split.addWidget(self.signal_table)
        split.addWidget(self.image_table)
        split.setSizes([110, 200, 340])
        layout.addWidget(split, 1)
        return tab

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Your site's exported folder", str(Path.home()))
        if folder:
            self.target.setText(folder)
            self.start_audit()

    def start_audit(self, max_pages: int = 50) -> AuditWorker | None:
        target = self.target.text().strip()
        if not target or self.worker is not None:
            return None
        try:
            profile = self.profile()
        except ArtGuardError as exc:
            self._audit_failed(str(exc))
            return None
        self.problem_list.clear()
        self.signal_table.setRowCount(0)
        self.image_table.setRowCount(0)
        self.report_button.setEnabled(False)
        self.audit_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.audit_status.setStyleSheet("")
        self.audit_status.setText(f"Auditing {target}…")
        worker = self.worker = AuditWorker(target, profile, max_pages)
        worker.signals.progress.connect(self._progress)
        worker.signals.finished.connect(self._audited)
        worker.signals.failed.connect(self._audit_failed)
        return worker.start()

    def stop_audit(self) -> None:
        if self.worker is not None:
            self.worker.cancel_event.set()
            self.audit_status.setText("Stopping after the current request…")

    def _progress(self, what: str, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.audit_status.setText(what)

    def _finish(self) -> None:
        self.worker = None
        self.audit_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.progress.setVisible(False)
        self.audit_done.emit()

    def _audit_failed(self, message: str) -> None:
        self._finish()
        self.audit_status.setText(f"⚠ The audit could not run: {message}")
        self.audit_status.setStyleSheet(ERROR_STYLE)

    def _audited(self, audit: SiteAudit) -> None:
        stopped = self.worker is not None and self.worker.cancel_event.is_set()
        self.audit = audit
        for s in audit.signals:
            agrees = {True: "✔ yes", False: "✖ no", None: "–"}[s.agrees]
            row = _add_row(self.signal_table, [s.name, s.state, agrees, s.detail or s.value])
            if s.agrees is not None:
                self._colour(self.signal_table, row, "intact" if s.agrees else "stripped")
        for image in audit.images:
            own = image.result.match.publication.original.path if image.own else "not in your catalog"  # type: ignore[union-attr]
            row = _add_row(self.image_table, ["", STATE_WORDS.get(image.state, image.state), image.c2pa_state, own, image.url])
            self.image_table.item(row, 1).setToolTip(image.error or "")
            self.image_table.item(row, 4).setToolTip("Shown on: " + ", ".join(image.pages))
            if image.result is not None and image.result.thumbnail:
                self.image_table.item(row, 0).setIcon(QIcon(QPixmap.fromImage(QImage.fromData(image.result.thumbnail))))
            verdict = {"stripped-by-site": "stripped", "partly-stripped": "partially-stripped", "error": "stripped", "intact": "intact"}.get(image.state)
            if verdict:
                self._colour(self.image_table, row, verdict)
        for problem in audit.problems:
            self.problem_list.addItem("✖ " + problem)
        for url, error in audit.page_errors.items():
            self.problem_list.addItem(f"⚠ page {url} could not be read: {error}")
        if audit.ok():
            self.problem_list.addItem("✔ Every reservation is present and agrees with the profile; every image keeps its rights metadata.")
        self.audit_status.setText(("Stopped. " if stopped else "") + audit.summary_text()[0].upper() + audit.summary_text()[1:] + ".")
        self.report_button.setEnabled(True)
        self._finish()

    def _colour(self, table: QTableWidget, row: int, verdict: str) -> None:
        table.item(row, 1).setBackground(theme.verdict_colour(verdict, theme.is_dark(self.palette())))

    def save_report(self) -> None:
        if self.audit is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the audit report", str(Path.home() / "artguard-site-audit.html"), "HTML report (*.html)")
        if path:
            self.write_report_to(Path(path))

    def write_report_to(self, out: Path) -> Task | None:
        if self.audit is None:
            return None
        return self._run(Task(write_audit_report, self.audit, out), lambda done: self.audit_status.setText(f"✔ Report saved: {done}"))

    def _run(self, task: Task, done) -> Task:  # type: ignore[no-untyped-def]
        self._tasks.add(task)
        task.signals.finished.connect(lambda value: (self._tasks.discard(task), done(value)))
        task.signals.failed.connect(lambda msg: (self._tasks.discard(task), self.kit_status.setText(f"⚠ {msg}"), self.kit_status.setStyleSheet(ERROR_STYLE)))
        return task.start()


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _write_text(path: Path, text: str) -> Path:
    from artguard.fileio import write_bytes_atomic

    write_bytes_atomic(path, text.encode("utf-8"))
    return path


def _table(columns: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAccessibleName(name)
    header = table.horizontalHeader()
    for col in range(len(columns) - 1):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _add_row(table: QTableWidget, values: list[str]) -> int:
    row = table.rowCount()
    table.insertRow(row)
    for col, value in enumerate(values):
        item = QTableWidgetItem(value)
        if value and col == len(values) - 1:
            item.setToolTip(value)
        table.setItem(row, col, item)
    return row

