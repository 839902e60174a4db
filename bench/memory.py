"""Peak memory by design: the CLI's peak RSS on inputs at the size limit, against the
same command on a 12 MP photo measured in the same run.

- ``embed --invisible --jobs 1`` (C2PA and catalog on) of a 196 MP JPEG: goal < 1.5 GB.
- ``check`` of a 192 MP palette PNG of about 0.5 MB (flat art compresses that well).

Inputs are generated (a minute or two at 196 MP). Each command runs in its own process,
so its peak is ``ru_maxrss`` of that child alone.

    PYTHONPATH=. python bench/memory.py
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import ROOT, large_jpeg, scratch  # noqa: E402

GOAL = 1.5e9


def peak_rss(argv: list[str], env: dict[str, str]) -> float:
    """Peak RSS in bytes of one child process running ``argv``."""
    code = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) * 1024


def photo_196mp(path: Path) -> Path:
    Image.MAX_IMAGE_PIXELS = None
    noise = Image.effect_noise((14000, 14000), 40)
    ramp = Image.linear_gradient("L").resize((14000, 14000))
    Image.merge("RGB", (noise, ramp, Image.blend(noise, ramp, 0.5))).save(path, quality=85)
    return path


def palette_art_192mp(path: Path) -> Path:
    Image.MAX_IMAGE_PIXELS = None
    img = Image.new("P", (16000, 12000), 0)
    img.putpalette([i % 256 for i in range(768)])
    draw = ImageDraw.Draw(img)
    rng = random.Random(1)
    for _ in range(200):
        x, y, r = rng.randrange(16000), rng.randrange(12000), rng.randrange(20, 900)
        draw.ellipse((x, y, x + r, y + r), fill=rng.randrange(255))
    img.save(path, optimize=True)
    return path


def main() -> None:
    folder = scratch()
    env = {**os.environ, "ARTGUARD_HOME": str(folder / "home"), "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "artguard"]
    small = large_jpeg(folder / "photo12.jpg")
    big = photo_196mp(folder / "photo196.jpg")
    art = palette_art_192mp(folder / "art192.png")
    small_art = folder / "art12.png"
    with Image.open(art) as img:
        img.resize((4000, 3000)).save(small_art)
    print(f"inputs: 12 MP JPEG {small.stat().st_size / 1e6:.1f} MB, 196 MP JPEG {big.stat().st_size / 1e6:.0f} MB, "
          f"192 MP palette PNG {art.stat().st_size / 1e6:.2f} MB (machine shared: indicative)")
    embed = ["embed", "--invisible", "--jobs", "1", "--creator", "Bench"]
    rows = [
        ("embed --invisible, 12 MP", peak_rss([*cli, *embed, str(small), "-o", str(folder / "o1")], env)),
        ("embed --invisible, 196 MP", peak_rss([*cli, *embed, str(big), "-o", str(folder / "o2")], env)),
        ("check, 12 MP palette PNG", peak_rss([*cli, "check", str(small_art)], env)),
        ("check, 192 MP palette PNG", peak_rss([*cli, "check", str(art)], env)),
    ]
    for label, rss in rows:
        print(f"  {label:<30} peak RSS {rss / 1e9:5.2f} GB")
    print(f"  196 MP / 12 MP embed: {rows[1][1] / rows[0][1]:.1f}x; goal < {GOAL / 1e9:.1f} GB: "
          f"{'met' if rows[1][1] < GOAL else 'MISSED'}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
