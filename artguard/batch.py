"""Many files: plan outputs, run the one-file pipeline in parallel, report progress, cancel, resume.

Progress and cancel are plain Python (a callback and a ``threading.Event``): the CLI
draws a bar from the events, the GUI forwards them as Qt signals; neither is imported here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import shutil
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from artguard import imaging, inputs, memory, presets
from artguard.errors import ArtGuardError, OutputError, plain_message
from artguard.fileio import remove_stale_parts
from artguard.libquiet import silence_libtiff
from artguard.metadata import jpeg_splice, read_metadata
from artguard.pipeline import EmbedOptions, FileResult, RunContext, protect_file
from artguard.presets import Preset

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
    """One protect run: validated before any thread starts (a bad job never half-runs).

    Inputs follow rsync's convention: a folder named with a trailing slash (``photos/``)
    stands for its contents, written straight into the output folder; without it
    (``photos``) the folder itself is recreated there (``OUTDIR/photos/...``).
    """

    inputs: list[Path | str]
    out_dir: Path
    options: EmbedOptions
    jobs: int = 0  # 0: one per core
    force: bool = False
    suffix: str = ""  # appended to output stems; lets outputs sit beside their originals
    include_protected: bool = False  # protect ArtGuard's own outputs again (normally skipped)
    name_template: str = ""  # e.g. "{name}-{preset}-{n}"; empty: the input's name + suffix
    preset: str = ""  # the preset this job writes ({preset} in templates)
    crop_centres: dict[str, tuple[float, float]] = field(default_factory=dict)  # per input path
    profile_overrides: dict[str, dict[str, str]] = field(default_factory=dict)  # per input path: {"title": ...}

    def validate(self) -> None:
        """Every option checked once, before any work and before any folder is made."""
        self.options.validate()
        if not self.inputs:
            raise ArtGuardError("no inputs given")
        missing = [str(p) for p in self.inputs if not Path(p).exists()]
        if missing:
            raise ArtGuardError(f"no such file or folder: {', '.join(missing)}")
        _check_mark_files(self.options)
        if self.name_template:
            check_template(self.name_template)
        allowed = {f.name for f in dataclasses.fields(self.options.profile) if f.type in ("str", str)}
        for path, overrides in self.profile_overrides.items():
            unknown = sorted(set(overrides) - allowed)
            if unknown:
                raise ArtGuardError(f"{path}: unknown rights field {unknown[0]!r}")
        out = Path(self.out_dir).resolve()
        if out.exists() and not out.is_dir():
            raise OutputError(f"output {self.out_dir} is a file, not a folder")
        for item in self.inputs:
            folder = Path(item).resolve()
            beside = _destination_root(item, out) == (folder if folder.is_dir() else folder.parent)
            if beside and not self.suffix and not self.name_template:
                raise OutputError(
                    f"outputs would go into the input folder {folder}: choose another output folder, or set a suffix or a name template"
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

    def output_roots(self) -> list[Path]:
        """Where each input's outputs land (for summaries that name real paths)."""
        roots: list[Path] = []
        for item in self.inputs:
            root = _destination_root(item, Path(self.out_dir))
            if root not in roots:
                roots.append(root)
        return roots


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


TEMPLATE_FIELDS = ("name", "n", "preset", "date", "suffix")


def check_template(template: str) -> None:
    """A rename template may use only known fields and must keep the name unique per file."""
    import re

    used = re.findall(r"\{(\w*)\}", template)
    unknown = sorted(set(used) - set(TEMPLATE_FIELDS))
    if unknown:
        raise ArtGuardError(f"unknown field in name template: {{{unknown[0]}}} (use {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)})")
    if "name" not in used and "n" not in used:
        raise ArtGuardError("a name template needs {name} or {n}, or every output would get the same name")
    if "/" in template or "\\" in template:
        raise ArtGuardError("a name template cannot contain a folder separator")


def expand_template(template: str, *, name: str, n: int, preset: str, suffix: str) -> str:
    """``{name}-{preset}-{n}`` -> ``Autumn-instagram-square-3``."""
    import datetime

    values = {"name": name, "n": str(n), "preset": preset, "suffix": suffix, "date": datetime.date.today().isoformat()}
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _check_mark_files(options: EmbedOptions) -> None:
    mark = options.profile.watermark
    needed = {"logo": mark.logo_path if mark.kind == "logo" else "", "font": mark.font_path if mark.kind == "text" else ""}
    for what, name in needed.items():
        if name and not Path(name).expanduser().is_file():
            raise ArtGuardError(f"watermark {what} file not found: {name}")


def contents_only(item: Path | str) -> bool:
    """rsync's rule: ``photos/`` (or ``.``) means the folder's contents, ``photos`` the folder."""
    text = os.fspath(item)
    return text.endswith(("/", os.sep)) or Path(text).name in ("", ".", "..")


def _destination_root(item: Path | str, out_dir: Path) -> Path:
    path = Path(item)
    return out_dir / path.name if path.is_dir() and not contents_only(item) else out_dir


def iter_inputs(inputs: Iterable[Path | str], skip_dir: Path | None = None) -> Iterator[tuple[Path, Path]]:
    """(file, output path relative to the output folder), folders recursed in a stable order."""
    skip = skip_dir.resolve() if skip_dir else None
    for item in inputs:
        path_item = Path(item)
        if path_item.is_dir():
            base = path_item if contents_only(item) else path_item.parent
            for root, dirs, files in os.walk(path_item):
                root_path = Path(root)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (root_path / d).resolve() != skip)
                for name in sorted(files):
                    path = root_path / name
                    if not name.startswith(".") and path.suffix.lower() in imaging.IMAGE_SUFFIXES:
                        yield path, path.relative_to(base)
        else:
            yield path_item, Path(path_item.name)


def plan(job: EmbedJob) -> list[tuple[Path, Path]]:
    """(input, output) pairs; outputs mirror relative paths, collisions get -2, -3 ..."""
    taken: set[Path] = set()
    pairs = []
    for n, (src, rel) in enumerate(iter_inputs(job.inputs, skip_dir=job.out_dir), start=1):
        fmt = _format_guess(src)
        out_fmt = job.options.output_format(fmt) if fmt in imaging.FORMATS + imaging.CONVERTED_FORMATS else None
        suffix = imaging.EXTENSIONS[out_fmt] if out_fmt and out_fmt != fmt else src.suffix
        if job.name_template:
            stem = expand_template(job.name_template, name=rel.stem, n=n, preset=job.preset, suffix=job.suffix)
        else:
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
    include_protected: bool = False
    crop_centres: dict[str, tuple[float, float]] = field(default_factory=dict)
    profile_overrides: dict[str, dict[str, str]] = field(default_factory=dict)

    def __call__(self, src: Path, dst: Path) -> FileResult:
        reason = inputs.special_reason(src)
        if reason:
            return FileResult(str(src), None, "skipped", error=reason)
        options, settings_hash = self.options, self.settings_hash
        centre = self.crop_centres.get(str(src))
        if centre is not None and options.crop_aspect:  # this image's own crop placement
            options = dataclasses.replace(options, crop_centre=centre)
        overrides = self.profile_overrides.get(str(src))
        if overrides:  # this image's own title, description, ...
            options = dataclasses.replace(options, profile=dataclasses.replace(options.profile, **overrides))
        if options is not self.options:
            settings_hash = options.settings_hash()
        try:
            if not self.force and _up_to_date(src, dst, settings_hash, self.ctx):
                return FileResult(str(src), str(dst), "skipped", note="up to date")
            if not self.include_protected and is_own_output(src, self.ctx):
                return FileResult(str(src), None, "skipped", note=PROTECTED_NOTE)
            _claim_output(src, dst, self.force, self.ctx)
            _check_space(src, dst)
            return protect_file(src, dst, options, self.ctx)
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
    memory.keep_freed_memory(True)  # for the worker's life: the batch's
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
    import multiprocessing  # with the process pool: ~40 ms a thread-only run does not pay
    from concurrent.futures import ProcessPoolExecutor

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_preload(options))
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init, initargs=(task,))


def _preload(options: EmbedOptions) -> list[str]:
    """What the forkserver imports once for all its workers: otherwise each worker imports
    the watermark (scipy), signing (c2pa, cryptography) and trace modules itself, which cost
    ~10 % of a --jobs 2 batch's CPU. Only the first pool of a process starts the forkserver;
    later pools' workers import what else they need."""
    modules = ["artguard.pipeline", "artguard.catalog", "artguard.fingerprint", "artguard.trace.reference"]
    if options.profile.watermark.enabled():
        modules.append("artguard.watermark.visible")
    if options.invisible:
        modules.append("artguard.watermark.invisible")
    if options.sign_c2pa:
        modules.append("artguard.provenance.signing")
    return modules


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
    task = _FileTask(
        job.options, ctx, job.force, job.options.settings_hash(), job.include_protected,
        {str(k): v for k, v in job.crop_centres.items()},
        {str(k): v for k, v in job.profile_overrides.items()},
    )

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
    memory.keep_freed_memory(True)
    try:
        with _sigterm_as_cancel(cancel) as received:
            _run_pairs(job, task, pairs, finished, cancel)
    finally:
        memory.keep_freed_memory(False)
    summary.signal = received[0] if received else None
    summary.cancelled = cancel.is_set() and len(summary.results) < len(pairs)
    summary.elapsed = time.monotonic() - started
    if ctx.catalog is not None:
        ctx.catalog.close()
    return summary


def preset_jobs(job: EmbedJob, chosen: Sequence[Preset], *, invisible: bool | None = None) -> list[EmbedJob]:
    """One job per preset, each writing into its own folder: ``OUTDIR/<preset>/...``."""
    return [
        dataclasses.replace(
            job, out_dir=Path(job.out_dir) / preset.key, preset=preset.key,
            options=presets.apply(preset, job.options, invisible=invisible),
        )
        for preset in chosen
    ]


def run_batches(
    jobs: Sequence[EmbedJob],
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
    ctx: RunContext | None = None,
) -> BatchSummary:
    """Several jobs (one per preset) as one batch: progress counts across all of them."""
    for job in jobs:
        job.validate()
    cancel = cancel or threading.Event()
    totals = [len(plan(job)) for job in jobs]
    merged = BatchSummary()
    offset = 0
    for job, total in zip(jobs, totals, strict=True):
        if cancel.is_set():
            merged.cancelled = True
            break

        before = (offset, merged.count("ok"), merged.count("skipped"), merged.count("error"), merged.elapsed)

        def forward(progress: Progress, result: FileResult, base: tuple = before, preset: str = job.preset) -> None:
            result.preset = preset or None
            if on_event:
                on_event(dataclasses.replace(
                    progress, done=progress.done + base[0], total=sum(totals), ok=progress.ok + base[1],
                    skipped=progress.skipped + base[2], failed=progress.failed + base[3], elapsed=progress.elapsed + base[4],
                ), result)

        summary = run_batch(job, on_event=forward, cancel=cancel, ctx=ctx if ctx is not None and ctx.catalog is None else None)
        merged.results += summary.results
        merged.elapsed += summary.elapsed
        merged.cancelled = merged.cancelled or summary.cancelled
        merged.signal = merged.signal if merged.signal is not None else summary.signal
        offset += total
    return merged


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
                pending[pool.submit(task if isinstance(pool, ThreadPoolExecutor) else _worker_run, *pair)] = pair
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


PROTECTED_NOTE = "already protected by ArtGuard (an output of an earlier run; --include-protected protects it again)"


def is_own_output(src: Path, ctx: RunContext) -> bool:
    """True for a file ArtGuard wrote: the catalog records it (by path, or by the XMP
    InstanceID it carries), or its Content Credentials were signed by ArtGuard.

    Protecting such a file again would stack a second copy of everything on the first
    (``a-web-web.jpg``), so batches skip them unless asked.
    """
    if ctx.catalog is not None and ctx.catalog.latest_for_output(str(src.resolve())) is not None:
        return True
    try:
        return _carries_own_ids(src, ctx)
    except (OSError, ArtGuardError):
        return False  # unreadable or broken: the pipeline says why


def _carries_own_ids(src: Path, ctx: RunContext) -> bool:
    fmt = imaging.sniff_file(src)
    data = jpeg_splice.read_head(src)[0] if fmt == "jpeg" else src.read_bytes()
    if ctx.catalog is not None:
        instance_id = read_metadata(data).get("Xmp.xmpMM.InstanceID")
        if instance_id and any(p.instance_id == instance_id for p in ctx.catalog.find_by_xmp_id(instance_id)):
            return True
    from artguard import provenance

    if fmt is None or not provenance.has_manifest(data, fmt):
        return False
    manifest = provenance.read_c2pa(src.read_bytes() if fmt == "jpeg" else data, fmt).get("manifest") or {}
    return "ArtGuard" in str(manifest.get("claim_generator") or "")


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
