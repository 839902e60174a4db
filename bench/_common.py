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


def random_fingerprint_index(entries: int, rng: np.random.Generator):
    """A catalog fingerprint index of ``entries`` random entries, for lookup timing."""
    from artguard import fingerprint

    index = fingerprint.FingerprintIndex([], [])
    index.keys = np.arange(entries, dtype=np.int64)
    index.hashes = rng.integers(0, 2**63, (fingerprint.WORDS, fingerprint.N_BOXES, entries), dtype=np.uint64)
    return index
