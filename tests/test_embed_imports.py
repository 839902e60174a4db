"""What an embed process imports: every heavy library a job does not need costs each run
0.1-2 s of CPU (OpenCV, numpy.ma, scipy), which the issue-17 benchmarks count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _embed_and_list(tmp_path: Path, *flags: str) -> dict[str, bool]:
    code = (
        "import sys; from artguard.cli import main; "
        f"rc = main(['embed', {str(tmp_path / 'in')!r}, '-o', {str(tmp_path / 'out')!r}, '--creator', 'A', *{list(flags)!r}]); "
        "print(rc, *(m in sys.modules for m in ('cv2', 'numpy.ma', 'scipy')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rc, *loaded = done.stdout.split()[-4:]
    assert rc == "0", done.stderr
    return dict(zip(("cv2", "numpy.ma", "scipy"), (flag == "True" for flag in loaded)))


def test_the_default_embed_imports_neither_opencv_nor_numpy_ma(tmp_path, make_image) -> None:
    make_image("in/a.jpg", 640, 480, seed=5)
    assert _embed_and_list(tmp_path) == {"cv2": False, "numpy.ma": False, "scipy": False}
    assert (tmp_path / "out" / "in" / "a.jpg").exists()


def test_a_pool_batch_leaves_the_watermark_libraries_to_its_workers(tmp_path, make_image) -> None:
    """The parent only hands out files; scipy (the invisible mark) loads in the forkserver."""
    for i in range(3):
        make_image(f"in/{i}.jpg", 640, 480, seed=i)
    loaded = _embed_and_list(tmp_path, "--watermark-text", "© A", "--invisible", "--jobs", "2")
    assert loaded["scipy"] is False and loaded["cv2"] is False
    assert len(list((tmp_path / "out" / "in").glob("*.jpg"))) == 3
