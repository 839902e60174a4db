"""Worker threads: every piece of file work runs here, never on the GUI thread.

Two shapes, after Vorta's one-job-per-task model:

- :class:`Task` runs one function in a pool and reports ``finished(result)`` or
  ``failed(message)`` (thumbnails, previews, checks, reports, identity creation).
- :class:`BatchWorker` runs :func:`artguard.batch.run_batch` for one validated
  :class:`~artguard.batch.EmbedJob`; the core's plain progress callback and
  ``threading.Event`` cancel are forwarded as Qt signals, so the core never sees Qt.

Signals are emitted from the worker thread and delivered queued to the GUI thread.
Separate pools keep a long queue of thumbnails from delaying a watermark preview.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from artguard.batch import BatchSummary, EmbedJob, run_batches
from artguard.errors import ArtGuardError
from artguard.gui.qimage import load_thumbnail

log = logging.getLogger(__name__)

_POOLS: dict[str, QThreadPool] = {}
_POOL_SIZES = {"thumbnails": 2, "preview": 1, "tasks": 2, "batch": 1, "background": 1}


def pool(name: str) -> QThreadPool:
    """A named pool: thumbnails, preview (one thread, latest request wins), tasks, batch,
    background (idle-time upkeep)."""
    if name not in _POOLS:
        made = QThreadPool()
        made.setMaxThreadCount(_POOL_SIZES[name])
        made.setObjectName(f"artguard-{name}")
        _POOLS[name] = made
    return _POOLS[name]


def wait_all(timeout_ms: int = 30000) -> bool:
    """Let running work finish (used on exit and in tests); True when every pool is idle."""
    return all(p.waitForDone(timeout_ms) for p in _POOLS.values())


def error_text(exc: BaseException) -> str:
    """A one-line message for the user: ArtGuardError as it is, anything else named as a bug."""
    if isinstance(exc, ArtGuardError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


class TaskSignals(QObject):
    finished = Signal(object)
    failed = Signal(str)


class Task(QRunnable):
    """``fn(*args)`` in a pool thread; the outcome arrives as a queued signal."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.signals = TaskSignals()

    def run(self) -> None:
        try:
            result = self.fn(*self.args)
        except Exception as exc:  # shown to the user; a bug is logged with its traceback
            if not isinstance(exc, (ArtGuardError, OSError)):
                log.exception("task %s failed", getattr(self.fn, "__name__", self.fn))
            self.signals.failed.emit(error_text(exc))
        else:
            self.signals.finished.emit(result)

    def start(self, pool_name: str = "tasks") -> Task:
        pool(pool_name).start(self)
        return self


class ThumbnailSignals(QObject):
    loaded = Signal(str, object)  # path, QImage
    failed = Signal(str, str)  # path, message
    finished = Signal()


class ThumbnailLoader(QRunnable):
    """Thumbnails for a list of files, one signal each: one runnable per chunk, not per file,
    so adding a folder of hundreds of images costs the GUI thread almost nothing."""

    def __init__(self, paths: list[str], side: int) -> None:
        super().__init__()
        self.paths = paths
        self.side = side
        self.signals = ThumbnailSignals()

    def run(self) -> None:
        for path in self.paths:
            try:
                self.signals.loaded.emit(path, load_thumbnail(path, self.side))
            except Exception as exc:  # one unreadable file must not stop the others
                self.signals.failed.emit(path, error_text(exc))
        self.signals.finished.emit()


class BatchSignals(QObject):
    progress = Signal(object, object)  # batch.Progress, pipeline.FileResult
    finished = Signal(object)  # batch.BatchSummary
    failed = Signal(str)


class BatchWorker(QRunnable):
    """One protect run: one job, or one per ticked preset, run as one batch. Jobs are
    validated on the GUI thread before the thread starts (a bad job never starts)."""

    def __init__(self, jobs: EmbedJob | list[EmbedJob]) -> None:
        super().__init__()
        self.jobs = jobs if isinstance(jobs, list) else [jobs]
        for job in self.jobs:
            job.validate()
        self.cancel_event = threading.Event()
        self.signals = BatchSignals()

    def cancel(self) -> None:
        """Stop starting new files; files in flight finish (atomic writes: no partial output)."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def run(self) -> None:
        try:
            summary: BatchSummary = run_batches(self.jobs, on_event=self.signals.progress.emit, cancel=self.cancel_event)
        except Exception as exc:  # a job-level failure (identity, catalog) ends the run with a message
            if not isinstance(exc, (ArtGuardError, OSError)):
                log.exception("batch failed")
            self.signals.failed.emit(error_text(exc))
        else:
            self.signals.finished.emit(summary)

    def start(self) -> BatchWorker:
        pool("batch").start(self)
        return self


class FeatureSignals(QObject):
    finished = Signal(int)  # catalog records completed


class FeatureWorker(QRunnable):
    """Idle-time upkeep after a protect batch: the local features that checks search by are
    computed for the records just published (~50 ms each), so the first check does not pay
    for them. One thread, leaving the GUI and the user's next work a core; a new batch or
    closing the window cancels it between small rounds, and what is done stays stored."""

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()
        self.signals = FeatureSignals()

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> None:
        from artguard.catalog import Catalog
        from artguard.check import complete_references

        done = [0]

        def progress(n: int, _total: int) -> None:
            done[0] = n

        try:
            with Catalog() as catalog:
                complete_references(catalog, workers=1, progress=progress, cancel=self.cancel_event.is_set)
        except Exception:  # upkeep only: a check computes what is missing itself
            log.warning("computing catalog features failed", exc_info=True)
        self.signals.finished.emit(done[0])

    def start(self) -> FeatureWorker:
        pool("background").start(self)
        return self


class CheckSignals(QObject):
    result = Signal(int, object)  # row, check.CheckResult
    extra = Signal(object)  # a further image of a page URL: it gets a row of its own
    preparing = Signal(int, int)  # done, total: catalog features computed once (check.complete_references)
    finished = Signal()
    failed = Signal(str)


class CheckWorker(QRunnable):
    """Check copies in order (one catalog index built for all of them); row numbers follow.

    Sources must be distinct: a page URL's images after its first are told apart from the
    next source by their ``page``.
    """

    def __init__(self, sources: list[str], first_row: int) -> None:
        super().__init__()
        self.sources = sources
        self.first_row = first_row
        self.cancel_event = threading.Event()
        self.signals = CheckSignals()

    def run(self) -> None:
        from artguard.catalog import Catalog
        from artguard.check import check_many

        rows = itertools.count(self.first_row)
        last_page: list[str | None] = [None]

        def emit(result: Any) -> None:  # a page URL's first image fills its row; the others add rows
            if result.page is not None and result.page == last_page[0]:
                self.signals.extra.emit(result)
            else:
                self.signals.result.emit(next(rows), result)
            last_page[0] = result.page

        try:
            with Catalog() as catalog:
                check_many(self.sources, catalog=catalog, on_result=emit, cancel=self.cancel_event.is_set,
                           feature_progress=self.signals.preparing.emit)
        except Exception as exc:  # e.g. an unreadable catalog: the rows left say why
            if not isinstance(exc, (ArtGuardError, OSError)):
                log.exception("check failed")
            self.signals.failed.emit(error_text(exc))
        else:
            self.signals.finished.emit()

    def start(self) -> CheckWorker:
        pool("tasks").start(self)
        return self
