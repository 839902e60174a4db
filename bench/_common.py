"""Shared benchmark helpers: a large test JPEG, timing, the artguard command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
ARTGUARD = str(Path(sys.executable).with_name("artguard"))


def large_jpeg(path: Path, width: int = 4240, height: int = 2832, quality: int = 90) -> Path:
    """A 12 MP photo-like JPEG (smooth gradients + texture), generated so the bench needs no data."""
    rng = np.random.default_rng(12)
    small = rng.integers(0, 256, (height // 32, width // 32, 3), dtype=np.uint8)
    img = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    noise = rng.normal(0, 8, (height, width, 3)).astype(np.int16)
    arr = (np.asarray(img, dtype=np.int16) + noise).clip(0, 255).astype(np.uint8)
    Image.fromarray(arr).save(path, "JPEG", quality=quality)
    return path


CORPUS = ROOT.parent / "shared" / "corpus" / "exif-samples" / "jpg"
# Real camera photos to upscale into 15 MP test inputs (largest clean ones first).
CORPUS_PHOTOS = ("hdr/iphone_hdr_NO.jpg", "mobile/jolla.jpg", "mobile/HMD_Nokia_8.3_5G.jpg")
MP15 = (5184, 2916)


def photo_15mp(folder: Path, index: int = 0, quality: int = 90) -> tuple[Path, Path]:
    """(baseline, progressive) 15 MP JPEGs of one picture: a corpus photo upscaled when the
    corpus is present (with sensor-like grain, so the files have a camera's entropy,
    ~3.5 MB), else the generated photo-like image. Same pixels, two encodings."""
    folder.mkdir(parents=True, exist_ok=True)
    source = CORPUS / CORPUS_PHOTOS[index % len(CORPUS_PHOTOS)]
    width, height = MP15
    if source.is_file():
        with Image.open(source) as img:
            img = img.convert("RGB").resize((width, height), Image.Resampling.BICUBIC)
        rng = np.random.default_rng(index)
        grain = rng.integers(-6, 7, (height, width, 1), dtype=np.int16)
        img = Image.fromarray((np.asarray(img, dtype=np.int16) + grain).clip(0, 255).astype(np.uint8))
    else:
        tmp = folder / "generated.jpg"
        img = Image.open(large_jpeg(tmp, width, height, quality)).convert("RGB")
        tmp.unlink()
    baseline, progressive = folder / f"photo{index}-baseline.jpg", folder / f"photo{index}-progressive.jpg"
    img.save(baseline, "JPEG", quality=quality)
    img.save(progressive, "JPEG", quality=quality, progressive=True)
    return baseline, progressive


def cached_bytecode(folder: Path) -> dict[str, str]:
    """Environment for CLI runs with bytecode cached in ``folder``, as in an installed app
    (pip and PyInstaller compile it): with PYTHONDONTWRITEBYTECODE set, as here, every run
    recompiled ~50 modules (~0.1 s)."""
    return {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(folder)}


def load_note() -> str:
    """The machine's state, printed with every result: other work shares these cores."""
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} (1 / 5 min)"


def copies(source: Path, folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        target = folder / f"img{i:04d}{source.suffix}"
        shutil.copyfile(source, target)
        paths.append(target)
    return paths


def timed(label: str, fn: Callable[[], object], repeat: int = 3) -> float:
    """Best of ``repeat`` wall times (the least disturbed by a noisy machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<44} {best:8.3f} s")
    return best


def run(*argv: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})})


def scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="artguard-bench-"))


def result(name: str, value: float, unit: str, goal: str, baseline: str) -> bool:
    """Print one figure in the form bench/all.py collects, and whether it meets ``goal``.

    ``goal`` is "<= N" or ">= N" in ``unit``; ``baseline`` says what the ratio is against
    (measured in the same run) or, for absolute figures, the reference they relate to.
    """
    op, limit = goal.split()
    met = value <= float(limit) if op == "<=" else value >= float(limit)
    print(f"RESULT\t{name}\t{value:.3f}\t{unit}\t{goal}\t{'met' if met else 'NOT met'}\t{baseline}")
    return met


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs: the least disturbed by other work on the machine."""
    return min(wall_and_cpu(fn)[0] for _ in range(repeat))


def wall_and_cpu(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall time of one run, and the CPU time (user + system) of the child processes it ran
    and waited for: the CPU figure shows the work done, the wall figure what a user waits,
    which on a shared machine also holds other people's work."""
    before = os.times()
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user + after.children_system) - (before.children_user + before.children_system)


def random_fingerprint_index(entries: int, rng: np.random.Generator):
    """A catalog fingerprint index of ``entries`` random entries, for lookup timing."""
    from artguard import fingerprint

    index = fingerprint.FingerprintIndex([], [])
    index.keys = np.arange(entries, dtype=np.int64)
    index.hashes = rng.integers(0, 2**63, (fingerprint.WORDS, fingerprint.N_BOXES, entries), dtype=np.uint64)
    return index
