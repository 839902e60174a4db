"""Check page: drop downloaded copies or paste URLs, see which original each is and what survived.

Each copy is checked in a worker; the table shows both thumbnails, the match method and
the verdict as a symbol, words and colour. The detail pane lists every field and the
C2PA state; the evidence report is written from the same results.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from artguard.check import expand_sources
from artguard.gui import theme
from artguard.gui.qimage import load_thumbnail
from artguard.gui.settings import GuiSettings
from artguard.gui.widgets.file_list import dropped_paths
from artguard.gui.widgets.hint import ERROR_STYLE
from artguard.gui.widgets.profile_chooser import ProfileChooser
from artguard.gui.workers import CheckWorker, Task
from artguard.metadata import registry

COLUMNS = ["Copy", "Original", "File", "Match", "Verdict"]
COPY_COL, ORIGINAL_COL, FILE_COL, MATCH_COL, VERDICT_COL = range(5)
THUMB = 72
FIELD_STATES = {
    "intact": "✔ intact",
    "thinned": "⚠ removed from some blocks, same value elsewhere",
    "stripped": "✖ stripped",
    "altered": "✖ altered",
}
METHODS = {
    "sha256": "identical file",
    "xmp-id": "XMP document id",
    "c2pa": "Content Credentials",
    "watermark": "invisible watermark",
    "phash": "picture (hash + alignment)",
    "features": "picture (local features + alignment)",
    "structure": "composition in other colours (edges + alignment)",
}


def write_evidence(results: list[Any], out: Path, claimant: str | None = None) -> Path:
    """The evidence pack (report, JSON twin, checksum) naming the ``claimant`` profile's
    creator (no profile: the "default" one, else the creator written in the files)."""
    from artguard.report import write_report

    return write_report(_report(results, claimant), out).report


def write_notice_drafts(results: list[Any], out: Path, form: str, claimant: str | None = None) -> Path:
    """Takedown notice drafts, one per hosting site; nothing is sent."""
    from artguard.report import write_notices

    return write_notices(_report(results, claimant), out, form)


def _report(results: list[Any], claimant: str | None) -> Any:
    from artguard.catalog import Catalog
    from artguard.report import build_report, claimant_profile

    with Catalog() as catalog:
        return build_report(results, profile=claimant_profile(claimant), catalog=catalog)


class CheckPage(QWidget):
    message = Signal(str)
    checks_done = Signal()

    def __init__(self, settings: GuiSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or GuiSettings()
        self.setAcceptDrops(True)
        self.results: list[Any] = []  # CheckResult per row (None while checking)
        self._tasks: set[Task] = set()
        self._checks: set[CheckWorker] = set()
        self._generation = 0  # bumped by clear(): late answers for removed rows are dropped
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.add_button = QPushButton("Add &copies…")
        self.add_button.setToolTip("Check image files you downloaded or found (Ctrl+Shift+K)")
        self.add_button.clicked.connect(self.choose_files)
        self.url_button = QPushButton("Paste &URLs…")
        self.url_button.setToolTip("Check images on the web: image or page addresses, one per line")
        self.url_button.clicked.connect(self.paste_urls)
        self.stop_button = QPushButton("S&top")
        self.stop_button.setToolTip("Stop checking; copies already checked keep their results")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Empty the results table")
        self.clear_button.clicked.connect(self.clear)
        self.report_button = QPushButton("&Save evidence report…")
        self.report_button.setToolTip("Write an HTML or PDF report of these results (Ctrl+Shift+S)")
        self.report_button.clicked.connect(self.save_report)
        self.report_button.setEnabled(False)
        self.notice_button = QPushButton("Draft takedown &notices…")
        self.notice_button.setToolTip("Write takedown notice drafts (US DMCA or EU DSA), one per site; nothing is sent")
        self.notice_button.clicked.connect(self.save_notices)
        self.notice_button.setEnabled(False)
        self.claimant = ProfileChooser("Claimant profile")
        self.claimant.setToolTip("The rights profile whose creator and contact reports and notices name as the claimant")
        self.claimant.currentTextChanged.connect(self._claimant_chosen)
        claimant_label = QLabel("C&laimant:")
        claimant_label.setBuddy(self.claimant)
        for w in (self.add_button, self.url_button, self.stop_button, self.clear_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(claimant_label)
        bar.addWidget(self.claimant)
        bar.addWidget(self.notice_button)
        bar.addWidget(self.report_button)
        layout.addLayout(bar)

        self.status = QLabel("Drop copies of your images here (files or folders), or paste their web addresses.")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setIconSize(QSize(THUMB, THUMB))
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 8)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("Check results")
        header = self.table.horizontalHeader()
        for col in (COPY_COL, ORIGINAL_COL):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, THUMB + 16)
        header.setSectionResizeMode(FILE_COL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MATCH_COL, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(VERDICT_COL, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._show_detail)

        self.detail = QTextBrowser()
        self.detail.setOpenExternalLinks(False)
        self.detail.setAccessibleName("Check details")
        self.detail.setPlaceholderText("Select a row to see which fields survived and the Content Credentials state.")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([420, 260])
        layout.addWidget(splitter, 1)
        self.refresh()

    def refresh(self) -> None:
        """Reload the claimant list (profiles may have changed on the Protect page)."""
        if self.settings.claimant:
            self.claimant.blockSignals(True)
            self.claimant.setCurrentText(self.settings.claimant)  # reload() keeps it when it still exists
            self.claimant.blockSignals(False)
        problem = self.claimant.reload()
        if problem:
            self.status.setText(f"⚠ {problem}")

    def _claimant_chosen(self, _text: str) -> None:
        self.settings.claimant = self.claimant.name() or ""

    # ---- inputs -------------------------------------------------------------------------
    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Copies to check", str(Path.home()), "Images (*.jpg *.jpeg *.png *.webp *.tif *.tiff *.avif *.heic *.gif);;All files (*)")
        if names:
            self.check_sources(names)

    def paste_urls(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "Check images on the web", "Image or page addresses, one per line\n(a page's images are all checked):")
        if ok:
            urls = [line.strip() for line in text.splitlines() if line.strip()]
            self.check_sources(urls)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [str(p) for p in dropped_paths(event)]
        remote = [u.toString() for u in event.mimeData().urls() if u.scheme() in ("http", "https")]
        if not paths and not remote and event.mimeData().hasText():
            remote = [t for t in event.mimeData().text().split() if t.startswith(("http://", "https://"))]
        if paths or remote:
            self.check_sources(paths + remote)
            event.acceptProposedAction()

    def check_sources(self, sources: list[str]) -> int:
        """Add a row per copy (folders expanded) and check each one in a worker."""
        expanded = list(dict.fromkeys(str(s) for s in expand_sources(sources)))
        if not expanded:
            return 0
        first = self.table.rowCount()
        for source in expanded:
            self._add_row(source)
        self.status.setText(f"Checking {len(expanded)} cop{'y' if len(expanded) == 1 else 'ies'}…")
        self.status.setStyleSheet("")
        worker = CheckWorker(expanded, first)
        gen = self._generation
        self._checks.add(worker)
        worker.signals.result.connect(lambda row, result: gen == self._generation and self._checked(row, result))
        worker.signals.extra.connect(lambda result: gen == self._generation and self._checked(self._add_row(result.path), result))
        worker.signals.failed.connect(lambda msg: (self._checks.discard(worker), gen == self._generation and self._worker_failed(first, len(expanded), msg)))
        worker.signals.finished.connect(lambda: self._checks.discard(worker))
        checking = self.status.text()
        worker.signals.preparing.connect(lambda done, total: gen == self._generation and self.status.setText(
            checking if done == total else f"Preparing {total} new catalog records for feature search (once): {done} of {total}…"))
        worker.start()
        self.stop_button.setEnabled(True)
        return len(expanded)

    def _add_row(self, source: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.results.append(None)
        name = source if source.startswith("http") else Path(source).name
        file_item = QTableWidgetItem(name)
        file_item.setToolTip(source)
        file_item.setData(Qt.ItemDataRole.UserRole, source)
        self.table.setItem(row, FILE_COL, file_item)
        self.table.setItem(row, MATCH_COL, QTableWidgetItem("…"))
        self.table.setItem(row, VERDICT_COL, QTableWidgetItem("Checking…"))
        for col in (COPY_COL, ORIGINAL_COL):
            self.table.setItem(row, col, QTableWidgetItem())
        if not source.startswith("http"):
            self._thumb(source, row, COPY_COL)
        return row

    def _thumb(self, path: str, row: int, col: int) -> None:
        gen = self._generation
        self._run(
            Task(load_thumbnail, path, THUMB * 2),
            lambda image: gen == self._generation and self._set_thumb(row, col, image),
            lambda _msg: None,
            pool="thumbnails",
        )

    def _set_thumb(self, row: int, col: int, image: QImage) -> None:
        item = self.table.item(row, col)
        if item is not None:
            item.setIcon(QIcon(QPixmap.fromImage(image)))

    # ---- results ------------------------------------------------------------------------
    def _checked(self, row: int, result: Any) -> None:
        if result.status == "error":
            self._check_failed(row, result.error or "unknown error")
            return
        self.results[row] = result
        if result.page:  # an image found on a pasted page: the row names both
            item = self.table.item(row, FILE_COL)
            item.setText(f"{result.path}\non page {result.page}")
            item.setToolTip(f"{result.path}\nfound on the page {result.page}")
        data = result.to_json()
        match = data.get("match")
        if match:
            self.table.item(row, MATCH_COL).setText(METHODS.get(match.get("method"), str(match.get("method"))))
            original = match.get("original") or match.get("output")
            if original and Path(original).exists():
                self._thumb(original, row, ORIGINAL_COL)
                self.table.item(row, ORIGINAL_COL).setToolTip(original)
        else:
            self.table.item(row, MATCH_COL).setText("no match")
        if self.table.item(row, COPY_COL).icon().isNull() and result.thumbnail:
            self.table.item(row, COPY_COL).setIcon(QIcon(QPixmap.fromImage(QImage.fromData(result.thumbnail))))
        self._set_verdict(row, str(data.get("verdict", "unknown")))
        self._progress_note()
        if self.table.currentRow() == row:
            self._show_detail()

    def _check_failed(self, row: int, message: str, label: str = "✖ Could not check") -> None:
        self.results[row] = message
        self.table.item(row, MATCH_COL).setText("–")
        item = self.table.item(row, VERDICT_COL)
        item.setText(label)
        item.setToolTip(message)
        self._progress_note()

    def _worker_failed(self, first: int, count: int, message: str, label: str = "✖ Could not check") -> None:
        for row in range(first, min(first + count, len(self.results))):
            if self.results[row] is None:
                self._check_failed(row, message, label)

    def _set_verdict(self, row: int, verdict: str) -> None:
        item = self.table.item(row, VERDICT_COL)
        item.setText(theme.verdict_label(verdict))
        item.setData(Qt.ItemDataRole.UserRole, verdict)
        item.setToolTip(theme.VERDICTS.get(verdict, ("", verdict))[1])
        item.setBackground(theme.verdict_colour(verdict, theme.is_dark(self.palette())))

    def _progress_note(self) -> None:
        pending = sum(1 for r in self.results if r is None)
        self.stop_button.setEnabled(bool(pending))
        checked = [r for r in self.results if r is not None and not isinstance(r, str)]
        self.report_button.setEnabled(bool(checked))
        self.notice_button.setEnabled(bool(checked))
        if pending:
            self.status.setText(f"Checking… {len(self.results) - pending} of {len(self.results)} done.")
        else:
            counts: dict[str, int] = {}
            for r in checked:
                verdict = r.to_json().get("verdict", "unknown")
                counts[verdict] = counts.get(verdict, 0) + 1
            parts = [f"{n} {theme.verdict_label(v)}" for v, n in counts.items()]
            failed = sum(1 for r in self.results if isinstance(r, str))
            if failed:
                parts.append(f"{failed} could not be checked")
            self.status.setText("Done: " + ", ".join(parts) + ".")
            self.checks_done.emit()

    def verdict_text(self, row: int) -> str:
        return self.table.item(row, VERDICT_COL).text()

    def _show_detail(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.results):
            self.detail.clear()
            return
        result = self.results[row]
        source = self.table.item(row, FILE_COL).data(Qt.ItemDataRole.UserRole)
        if result is None:
            self.detail.setHtml(f"<p>Checking <b>{html.escape(source)}</b>…</p>")
        elif isinstance(result, str):
            self.detail.setHtml(f"<p><b>{html.escape(source)}</b> could not be checked:</p><p>{html.escape(result)}</p>")
        else:
            self.detail.setHtml(detail_html(result.to_json()))

    def stop(self) -> None:
        """Cancel the running checks; copies not reached yet say so in their row."""
        for worker in self._checks:
            worker.cancel_event.set()
        self._worker_failed(0, len(self.results), "stopped before it was checked", "◼ Stopped")

    def clear(self) -> None:
        self._generation += 1
        for worker in self._checks:
            worker.cancel_event.set()
        self.table.setRowCount(0)
        self.results.clear()
        self.detail.clear()
        self.report_button.setEnabled(False)
        self.notice_button.setEnabled(False)
        self.stop_button.setEnabled(False)

    def _checked_results(self) -> list[Any]:
        return [r for r in self.results if r is not None and not isinstance(r, str)]

    def save_report(self) -> None:
        if not self._checked_results():
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save evidence report", str(Path.home() / "artguard-evidence.html"), "HTML report (*.html);;PDF report (*.pdf)")
        if path:
            self.write_report_to(Path(path))

    def write_report_to(self, out: Path) -> Task:
        self.status.setText(f"Writing the evidence report to {out}…")
        return self._run(Task(write_evidence, self._checked_results(), out, self.claimant.name()), self._report_written, self._report_failed)

    def save_notices(self) -> None:
        if not self._checked_results():
            return
        forms = ["US: DMCA notice (17 USC 512(c)(3))", "EU: Digital Services Act notice (Art. 16)"]
        choice, ok = QInputDialog.getItem(self, "Takedown notice drafts", "Which kind of notice?", forms, 0, False)
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save notice drafts", str(Path.home() / "artguard-notices.txt"), "Text (*.txt)")
        if path:
            self.write_notices_to(Path(path), "dsa" if choice == forms[1] else "dmca")

    def write_notices_to(self, out: Path, form: str = "dmca") -> Task:
        self.status.setText(f"Writing notice drafts to {out}…")
        return self._run(Task(write_notice_drafts, self._checked_results(), out, form, self.claimant.name()), self._notices_written, self._report_failed)

    def _notices_written(self, out: Path) -> None:
        self.status.setText(f"✔ Notice drafts saved: {out} — review, complete and sign them; nothing was sent")
        self.status.setStyleSheet("")
        self.message.emit(f"Notice drafts saved: {out}")

    def _report_written(self, out: Path) -> None:
        self.status.setText(f"✔ Evidence report saved: {out}")
        self.status.setStyleSheet("")
        self.message.emit(f"Evidence report saved: {out}")

    def _report_failed(self, message: str) -> None:
        self.status.setText(f"⚠ The report could not be written: {message}")
        self.status.setStyleSheet(ERROR_STYLE)

    def _run(self, task: Task, done, failed, pool: str = "tasks") -> Task:  # type: ignore[no-untyped-def]
        self._tasks.add(task)
        task.signals.finished.connect(lambda value: (self._tasks.discard(task), done(value)))
        task.signals.failed.connect(lambda msg: (self._tasks.discard(task), failed(msg)))
        return task.start(pool)


def detail_html(data: dict[str, Any]) -> str:
    """The detail pane: verdict, what it matched and how, C2PA state, field by field."""
    esc = html.escape
    verdict = str(data.get("verdict", "unknown"))
    label, meaning = theme.VERDICTS.get(verdict, (verdict, ""))
    parts = [f"<h3>{esc(label)}</h3><p>{esc(meaning)}</p>", f"<p><b>Copy:</b> {esc(str(data.get('path', '')))}</p>"]
    if data.get("page"):
        parts.append(f"<p><b>Found on the page:</b> {esc(str(data['page']))}</p>")
    match = data.get("match")
    if match:
        parts.append(
            f"<p><b>Original:</b> {esc(str(match.get('original') or ''))}<br>"
            f"<b>Published as:</b> {esc(str(match.get('output') or ''))}<br>"
            f"<b>Matched by:</b> {esc(METHODS.get(match.get('method'), str(match.get('method'))))}"
            + (f" (distance {esc(str(match.get('distance')))})" if match.get("method") == "phash" and match.get("distance") is not None else "")
            + (f"<br><b>Strength:</b> {esc(str(match.get('strength')))}" if match.get("strength") else "")
            + (f"<br><b>The copy:</b> {esc(str(match['transform'].get('words', '')))}" if match.get("transform") else "")
            + "</p>"
        )
    else:
        parts.append("<p><b>Original:</b> not found in your catalog.</p>")
    c2pa = data.get("c2pa") or {}
    state = str(c2pa.get("state", "absent"))
    c2pa_words = {
        "trusted": "✔ signed and trusted",
        "valid": "✔ signed (valid signature, signer not in a trust list)",
        "invalid": "✖ present but broken (file changed after signing)",
        "absent": "✖ absent (removed or never added)",
    }
    parts.append(f"<p><b>Content Credentials (C2PA):</b> {esc(c2pa_words.get(state, state))}</p>")
    fields = data.get("fields") or {}
    if fields:
        values = data.get("field_values") or {}

        def change(name: str) -> str:
            seen = values.get(name) or {}
            if fields[name] != "altered":
                return ""
            return (f"<br>was “{esc(registry.human_value(name, str(seen.get('written'))))}”, "
                    f"now “{esc(registry.human_value(name, str(seen.get('found'))))}”")

        rows = "".join(
            f"<tr><td>{esc(registry.label(name))}</td><td>{esc(FIELD_STATES.get(state_, state_))}{change(name)}</td></tr>"
            for name, state_ in fields.items()
        )
        parts.append(f"<table cellpadding='3'><tr><th align='left'>Field</th><th align='left'>In this copy</th></tr>{rows}</table>")
    return "".join(parts)
