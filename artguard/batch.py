"""Many files: plan outputs, run the one-file pipeline in parallel, report progress, cancel, resume.

Progress and cancel are plain Python (a callback and a ``threading.Event``): the CLI
draws a bar from the events, the GUI forwards them as Qt signals; neither is imported here.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import shutil
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from artguard import imaging, inputs
from artguard.errors import ArtGuardError, OutputError, plain_message
from artguard.fileio import remove_stale_parts
from artguard.libquiet import silence_libtiff
from artguard.pipeline import EmbedOptions, FileResult, RunContext, protect_file

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """A snapshot for progress bars: counts, bytes, time, and the file just finished."""

    done: int
    total: int
    ok: int
    skipped: int
    failed: int
    bytes_done: int
    elapsed: float
    current: str = ""

    @property
    def eta(self) -> float | None:
        if not self.done or self.done >= self.total:
            return None if self.done < self.total else 0.0
        return self.elapsed / self.done * (self.total - self.done)


WORKER_DIED = (
    "the worker process died while processing this file (out of memory, or killed); "
    "nothing was written for it and the other files went on"
)


@dataclass
class BatchSummary:
    results: list[FileResult] = field(default_factory=list)
    cancelled: bool = False
    elapsed: float = 0.0
    signal: int | None = None  # SIGTERM when the run was stopped by one (exit code 128 + it)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("error") else 0


EventHandler = Callable[[Progress, FileResult], None]


@dataclass
class EmbedJob:
    """One protect run: validated before any thread starts (a bad job never half-runs)."""

    inputs: list[Path]
    out_dir: Path
    options: EmbedOptions
    jobs: int = 0  # 0: one per core
    force: bool = False
    suffix: str = ""  # appended to output stems; lets the output folder equal an input folder

    def validate(self) -> None:
        self.options.validate()
        if not self.inputs:
            raise ArtGuardError("no inputs given")
        missing = [str(p) for p in self.inputs if not Path(p).exists()]
        if missing:
            raise ArtGuardError(f"no such file or folder: {', '.join(missing)}")
        out = self.out_dir.resolve()
        if out.exists() and not out.is_dir():
            raise OutputError(f"output {self.out_dir} is a file, not a folder")
        for item in self.inputs:
            folder = Path(item).resolve()
            folder = folder if folder.is_dir() else folder.parent
            if folder == out and not self.suffix:
                raise OutputError(
                    f"output folder {self.out_dir} is an input folder: choose another folder or set a suffix"
                )
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create output folder {self.out_dir}: {exc.strerror}") from exc
        if not os.access(out, os.W_OK | os.X_OK):
            raise OutputError(f"output folder {self.out_dir} is not writable")

    def worker_count(self) -> int:
        """``jobs``, or one worker per core as far as free memory allows: a file with pixel
        work peaks at ``PIXEL_JOB_PEAK`` at the 200 MP limit (bench/memory.py measures it)."""
        if self.jobs > 0:
            return self.jobs
        o = self.options
        pixel_work = o.invisible or o.profile.watermark.enabled() or o.max_size or o.format != "keep"
        peak = PIXEL_JOB_PEAK if pixel_work else LIGHT_JOB_PEAK
        return max(1, min(os.cpu_count() or 1, available_memory() // peak))


PIXEL_JOB_PEAK = 3 << 29  # 1.5 GiB
LIGHT_JOB_PEAK = 1 << 28  # 256 MiB: metadata, C2PA, reduced decodes


def available_memory() -> int:
    """Memory the system can give without swapping (MemAvailable), or all of it elsewhere."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return 1 << 40


def iter_inputs(inputs: Iterable[Path], skip_dir: Path | None = None) -> Iterator[tuple[Path, Path]]:
    """(file, path relative to the folder holding its input), folders recursed in a stable order."""
    skip = skip_dir.resolve() if skip_dir else None
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            for root, dirs, files in os.walk(item):
                root_path = Path(root)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (root_path / d).resolve() != skip)
                for name in sorted(files):
                    path = root_path / name
                    if not name.startswith(".") and path.suffix.lower() in imaging.IMAGE_SUFFIXES:
                        yield path, path.relative_to(item.parent)
        else:
            yield item, Path(item.name)


def plan(job: EmbedJob) -> list[tuple[Path, Path]]:
    """(input, output) pairs; outputs mirror relative paths, collisions get -2, -3 ..."""
    taken: set[Path] = set()
    pairs = []
    for src, rel in iter_inputs(job.inputs, skip_dir=job.out_dir):
        fmt = _format_guess(src)
        out_fmt = job.options.output_format(fmt) if fmt in imaging.FORMATS + imaging.CONVERTED_FORMATS else None
        suffix = imaging.EXTENSIONS[out_fmt] if out_fmt and out_fmt != fmt else src.suffix
        stem = rel.stem + job.suffix
        dst = job.out_dir / rel.parent / f"{stem}{suffix}"
        n = 2
        while dst in taken or dst.resolve() == src.resolve():
            dst = job.out_dir / rel.parent / f"{stem}-{n}{suffix}"
            n += 1
        taken.add(dst)
        pairs.append((src, dst))
    return pairs


def _format_guess(path: Path) -> str | None:
    if inputs.special_reason(path):
        return None  # a FIFO would block the moment it is opened
    try:
        return imaging.sniff_file(path)
    except OSError:
        return None


@dataclass
class _FileTask:
    """One file's work, picklable so a worker process can run it."""

    options: EmbedOptions
    ctx: RunContext
    force: bool
    settings_hash: str

    def __call__(self, src: Path, dst: Path) -> FileResult:
        reason = inputs.special_reason(src)
        if reason:
            return FileResult(str(src), None, "skipped", error=reason)
        try:
            if not self.force and _up_to_date(src, dst, self.settings_hash, self.ctx):
                return FileResult(str(src), str(dst), "skipped")
            _claim_output(src, dst, self.force, self.ctx)
            _check_space(src, dst)
            return protect_file(src, dst, self.options, self.ctx)
        except ArtGuardError as exc:
            return FileResult(str(src), None, "error", error=str(exc))
        except Exception as exc:  # a bug on one file must not stop the batch; --debug shows it
            log.debug("error on %s", src, exc_info=True)
            return FileResult(str(src), None, "error", error=plain_message(exc), detail=traceback.format_exc())


_worker_task: _FileTask | None = None


def _worker_init(task: _FileTask) -> None:
    """Worker processes leave Ctrl-C to the parent, which finishes in-flight files cleanly."""
    global _worker_task
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    silence_libtiff()  # its messages would garble the parent's progress bar
    _worker_task = task


def _worker_run(src: Path, dst: Path) -> FileResult:
    assert _worker_task is not None
    return _worker_task(src, dst)


def _executor(job: EmbedJob, task: _FileTask, files: int) -> Executor:
    """Processes for CPU-bound batches (Pillow and the GIL cap threads near 1.5x on two
    cores; processes reach ~2x), threads when the work is I/O or too small to pay the
    ~0.3 s start-up of a worker process. forkserver keeps workers free of the caller's
    threads (the GUI runs batches from a QThread)."""
    workers = job.worker_count()
    light = not (task.options.sign_c2pa or task.ctx.catalog is not None or task.options.invisible
                 or task.options.profile.watermark.enabled() or task.options.max_size
                 or task.options.format != "keep")
    if workers == 1 or files <= workers or light:
        return ThreadPoolExecutor(workers, thread_name_prefix="artguard")
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["artguard.pipeline", "artguard.catalog", "artguard.fingerprint"])
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init, initargs=(task,))


def run_batch(
    job: EmbedJob,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
    ctx: RunContext | None = None,
) -> BatchSummary:
    """Protect every input; one file's failure never stops the others.

    Cancel stops handing out files; files already being written finish, so every output
    on disk is complete.
    """
    job.validate()
    cancel = cancel or threading.Event()
    ctx = ctx or _default_context()
    pairs = plan(job)
    summary = BatchSummary()
    started = time.monotonic()
    counts = {"ok": 0, "skipped": 0, "error": 0}
    bytes_done = 0
    if job.options.sign_c2pa or job.options.invisible:
        ctx.need_identity(job.options.profile)  # create it once, before workers race for it
    if job.options.invisible:
        ctx.need_watermark_key()
    task = _FileTask(job.options, ctx, job.force, job.options.settings_hash())

    def finished(result: FileResult) -> None:
        nonlocal bytes_done
        summary.results.append(result)
        counts[result.status] += 1
        bytes_done += result.bytes_written
        if on_event:
            progress = Progress(
                len(summary.results), len(pairs), counts["ok"], counts["skipped"], counts["error"],
                bytes_done, time.monotonic() - started, result.input,
            )
            on_event(progress, result)

    for folder in {dst.parent for _, dst in pairs}:
        for part in remove_stale_parts(folder):
            log.info("removed %s, left by an interrupted run", part)
    with _sigterm_as_cancel(cancel) as received:
        _run_pairs(job, task, pairs, finished, cancel)
    summary.signal = received[0] if received else None
    summary.cancelled = cancel.is_set() and len(summary.results) < len(pairs)
    summary.elapsed = time.monotonic() - started
    if ctx.catalog is not None:
        ctx.catalog.close()
    return summary


def _run_pairs(
    job: EmbedJob, task: _FileTask, pairs: list[tuple[Path, Path]], finished: Callable[[FileResult], None], cancel: threading.Event
) -> None:
    """Hand out files, at most 2 x workers in flight, until done or cancelled.

    A worker process that dies (killed, out of memory) breaks its pool: every file then in
    flight is in doubt. A new pool runs those files again one at a time; one whose worker
    dies while it runs alone is the cause and gets a per-file error. Then the batch goes on.
    """
    window = job.worker_count() * 2
    queue = deque(pairs)
    suspects: deque[tuple[Path, Path]] = deque()
    pending: dict[Future[FileResult], tuple[Path, Path]] = {}
    alone: tuple[Path, Path] | None = None  # the suspect running by itself
    pool = _executor(job, task, len(pairs))
    try:
        while True:
            while not cancel.is_set() and len(pending) < (1 if suspects or alone else window):
                source = suspects or queue
                if not source:
                    break
                pair = source.popleft()
                alone = pair if source is suspects else None
                pending[pool.submit(_worker_run if isinstance(pool, ProcessPoolExecutor) else task, *pair)] = pair
            if not pending:
                break
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if any(isinstance(f.exception(), BrokenExecutor) for f in done):
                wait(pending)  # a broken pool fails all its futures at once
                held = _finish_all(pending, finished)
                pool.shutdown(wait=True)
                for folder in {dst.parent for _, dst in held}:
                    remove_stale_parts(folder)  # the dead worker's temp file
                if alone is not None and held == [alone]:
                    finished(FileResult(str(alone[0]), None, "error", error=WORKER_DIED))
                elif not cancel.is_set():
                    suspects.extend(held)
                alone = None
                pool = _executor(job, task, len(pairs))
                continue
            for future in done:
                finished(future.result())
                del pending[future]
                alone = None
    except KeyboardInterrupt:  # Ctrl-C: files not started are dropped, files in flight finish
        cancel.set()
        for future in pending:
            future.cancel()
        _finish_all({f: p for f, p in pending.items() if not f.cancelled()}, finished)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _finish_all(pending: dict[Future[FileResult], tuple[Path, Path]], finished: Callable[[FileResult], None]) -> list[tuple[Path, Path]]:
    """Wait for ``pending``, report what finished; return the files a broken pool lost."""
    lost = []
    for future, pair in list(pending.items()):
        try:
            finished(future.result())
        except BrokenExecutor:
            lost.append(pair)
    pending.clear()
    return lost


@contextlib.contextmanager
def _sigterm_as_cancel(cancel: threading.Event) -> Iterator[list[int]]:
    """SIGTERM (a logout, ``kill``, a service stop) ends a run like Ctrl-C: no new files,
    files in flight finish, workers are shut down. Only the main thread can take signals;
    the GUI runs batches elsewhere and has its own Stop."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)
        cancel.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def _default_context() -> RunContext:
    from artguard.catalog import Catalog

    return RunContext(catalog=Catalog())


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _up_to_date(src: Path, dst: Path, settings_hash: str, ctx: RunContext) -> bool:
    if ctx.catalog is None or not dst.exists():
        return False
    record = ctx.catalog.latest_for_output(str(dst.resolve()))
    return bool(
        record
        and record.settings_hash == settings_hash
        and record.output.size == dst.stat().st_size
        and record.original.sha256 == _sha256_file(src)
    )


def _claim_output(src: Path, dst: Path, force: bool, ctx: RunContext) -> None:
    """An existing file that ArtGuard did not write is never replaced without --force."""
    if not dst.exists() or force:
        return
    ours = ctx.catalog is not None and ctx.catalog.latest_for_output(str(dst.resolve())) is not None
    if not ours:
        raise OutputError(f"{dst} exists and was not written by ArtGuard (use --force to replace it)")


def _check_space(src: Path, dst: Path) -> None:
    folder = dst.parent
    while not folder.exists():
        folder = folder.parent
    needed = src.stat().st_size * 2 + (1 << 20)
    if shutil.disk_usage(folder).free < needed:
        raise OutputError(f"not enough free disk space in {folder} for {dst.name}")
