"""Many files: plan outputs, run the one-file pipeline in parallel, report progress, cancel, resume.

Progress and cancel are plain Python (a callback and a ``threading.Event``): the CLI
draws a bar from the events, the GUI forwards them as Qt signals; neither is imported here.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from artguard import imaging, memory
from artguard.errors import ArtGuardError, OutputError
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


@dataclass
class BatchSummary:
    results: list[FileResult] = field(default_factory=list)
    cancelled: bool = False
    elapsed: float = 0.0

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
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


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
        try:
            if not self.force and _up_to_date(src, dst, self.settings_hash, self.ctx):
                return FileResult(str(src), str(dst), "skipped")
            _claim_output(src, dst, self.force, self.ctx)
            _check_space(src, dst)
            return protect_file(src, dst, self.options, self.ctx)
        except ArtGuardError as exc:
            return FileResult(str(src), None, "error", error=str(exc))
        except MemoryError:
            return FileResult(str(src), None, "error", error="out of memory while processing this image")
        except Exception as exc:  # a bug on one file must not stop the batch; --debug shows it
            log.debug("internal error on %s", src, exc_info=True)
            return FileResult(str(src), None, "error", error=f"internal error: {type(exc).__name__}: {exc}")


_worker_task: _FileTask | None = None


def _worker_init(task: _FileTask) -> None:
    """Worker processes leave Ctrl-C to the parent, which finishes in-flight files cleanly."""
    global _worker_task
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    memory.reuse_large_buffers()
    _worker_task = task


def _worker_run(src: Path, dst: Path) -> FileResult:
    assert _worker_task is not None
    return _worker_task(src, dst)


def _executor(job: EmbedJob, task: _FileTask, files: int) -> Executor:
    """Processes for pixel work (Pillow and the GIL cap threads near 1.5x on two cores;
    processes reach ~2x), threads otherwise: without pixel changes a file costs a reduced
    decode, a signature and hashes, which run outside the GIL (Pillow's decoder, the c2pa
    library, hashlib), so threads keep up without the ~0.3 s start-up of each worker
    process. forkserver keeps workers free of the caller's threads (the GUI runs batches
    from a QThread)."""
    workers = job.worker_count()
    options = task.options
    pixels = options.invisible or options.profile.watermark.enabled() or options.max_size or options.format != "keep"
    if workers == 1 or files <= workers or not pixels:
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
    memory.reuse_large_buffers()
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

    window = job.worker_count() * 2
    with _executor(job, task, len(pairs)) as pool:
        run = _worker_run if isinstance(pool, ProcessPoolExecutor) else task
        pending: set[Future[FileResult]] = set()
        queue = iter(pairs)
        try:
            while True:
                while not cancel.is_set() and len(pending) < window:
                    pair = next(queue, None)
                    if pair is None:
                        break
                    pending.add(pool.submit(run, *pair))
                if not pending:
                    break
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    finished(future.result())
        except KeyboardInterrupt:
            cancel.set()
            for future in pending:
                future.cancel()
            for future in pending:
                if not future.cancelled():
                    finished(future.result())
    summary.cancelled = cancel.is_set() and len(summary.results) < len(pairs)
    summary.elapsed = time.monotonic() - started
    if ctx.catalog is not None:
        ctx.catalog.close()
    return summary


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
