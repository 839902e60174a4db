"""Shared fixtures: a private ARTGUARD_HOME per test, generated images, the shared corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "exif-samples"
if "ARTGUARD_CORPUS" in os.environ:
    CORPUS = Path(os.environ["ARTGUARD_CORPUS"])


@pytest.fixture(autouse=True)
def artguard_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own user dir, so none touches the real one or another test's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ARTGUARD_HOME", str(home))
    return home


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus (../shared/corpus/exif-samples) is absent")
    return CORPUS


def textured(width: int, height: int, seed: int = 0, mode: str = "RGB") -> Image.Image:
    """A photo-like test image: smooth gradients plus texture, different for each seed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    fx, fy, phase = rng.uniform(2, 9, 3)
    base = np.stack(
        [
            127 + 90 * np.sin(x / width * fx * np.pi + phase) * np.cos(y / height * fy),
            127 + 90 * np.cos(x / width * fy * 2 + y / height * fx),
            127 + 90 * np.sin((x + y) / (width + height) * (fx + fy) * np.pi),
        ],
        axis=-1,
    )
    blobs = rng.normal(0, 1, (max(2, height // 16), max(2, width // 16), 3))
    blobs = np.array(Image.fromarray(((blobs + 3) * 40).clip(0, 255).astype(np.uint8)).resize((width, height), Image.BICUBIC), dtype=np.float32) - 120
    noise = rng.normal(0, 6, (height, width, 3))
    arr = (base + 0.6 * blobs + noise).clip(0, 255).astype(np.uint8)
    img = Image.fromarray(arr, "RGB")
    return img if mode == "RGB" else img.convert(mode)


@pytest.fixture
def make_image(tmp_path: Path):
    """Write a generated image: make_image("a.jpg", 640, 480, seed=1, fmt="jpeg")."""

    def _make(name: str, width: int = 640, height: int = 480, *, seed: int = 0, fmt: str | None = None, mode: str = "RGB", **save) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        img = textured(width, height, seed, mode)
        fmt = fmt or {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".tif": "TIFF", ".tiff": "TIFF"}[path.suffix.lower()]
        if fmt.upper() == "JPEG":
            save.setdefault("quality", 92)
        img.save(path, fmt.upper(), **save)
        return path

    return _make


@pytest.fixture(scope="session")
def exiftool() -> str:
    path = shutil.which("exiftool")
    if not path:
        pytest.skip("exiftool is not installed (scripts/setup installs it)")
    return path


def exiftool_read(path: Path, *tags: str) -> dict:
    """A second reader: exiftool's JSON for one file (-G1 group names, -n off)."""
    import json

    args = ["exiftool", "-json", "-G1", "-charset", "iptc=UTF8", *[f"-{t}" for t in tags], str(path)]
    out = subprocess.run(args, capture_output=True, check=True, text=True).stdout
    return json.loads(out)[0]
