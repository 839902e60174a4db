"""Shared fixtures: a private ARTGUARD_HOME per test, generated images, the shared corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.images import textured

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


_C2PA_TS_CODES = pytest.StashKey[list]()


@pytest.fixture
def c2pa_ts_log(request: pytest.FixtureRequest) -> list:
    """Lines the independent C2PA reader's tests report; printed in the run's summary."""
    return request.config.stash.setdefault(_C2PA_TS_CODES, [])


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    lines = config.stash.get(_C2PA_TS_CODES, [])
    if lines:
        terminalreporter.section("@trustnxt/c2pa-ts validation codes")
        for line in lines:
            terminalreporter.write_line(line)
