"""What does C2PA signing add to `embed`? Goal: at most 30 ms per image.

On 20 copies of a 12 MP JPEG (photo-like, q90), in the same run:
1. the CLI: `artguard embed DIR -o OUT --no-c2pa` against `artguard embed DIR -o OUT`
   (one batch each, --jobs 1 so the difference is per-image work, not scheduling);
2. `provenance.sign()` alone on the final bytes, with ArtGuard's own thumbnail, against
   c2pa's built-in thumbnail (which decodes the full image again) as the baseline we avoid.

Run: .venv/bin/python bench/c2pa_overhead.py [--copies 20] [--jobs 1] [--noise 25]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def photo(width: int = 4000, height: int = 3000, seed: int = 3, noise: float = 4.0) -> bytes:
    """A photo-like 12 MP JPEG: smooth gradients, blotches and sensor-like noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack(
        [127 + 90 * np.sin(x / width * 5 + c) * np.cos(y / height * (3 + c)) for c in range(3)], axis=-1
    )
    blobs = rng.normal(0, 1, (height // 32, width // 32, 3))
    blobs = np.asarray(
        Image.fromarray(((blobs + 3) * 40).clip(0, 255).astype(np.uint8)).resize((width, height), Image.BICUBIC),
        dtype=np.float32,
    )
    arr = (base + 0.5 * (blobs - 120) + rng.normal(0, noise, (height, width, 3))).clip(0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr, "RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


def cli(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    exe = ROOT / ".venv" / "bin" / "artguard"
    command = [str(exe)] if exe.exists() else [sys.executable, "-c", "import sys; from artguard.cli import main; sys.exit(main())"]
    start = time.perf_counter()
    proc = subprocess.run(command + args, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def bench_cli(src: Path, work: Path, copies: int, jobs: int, rounds: int, env: dict[str, str]) -> None:
    common = ["--creator", "Bench Artist", "--jobs", str(jobs), "--json"]
    results: dict[str, list[float]] = {"--no-c2pa": [], "c2pa": []}
    for round_ in range(rounds):  # alternate, so page cache and CPU warm-up favour neither
        for mode in results:
            out = work / f"out-{mode.strip('-')}-{round_}"
            extra = ["--no-c2pa"] if mode == "--no-c2pa" else []
            seconds, proc = cli(["embed", str(src), "-o", str(out), *extra, *common], env)
            if proc.returncode != 0:
                print(f"embed {mode} failed (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[:300]}")
                return
            results[mode].append(seconds)
    plain, signed = min(results["--no-c2pa"]), min(results["c2pa"])
    print(f"CLI embed, {copies} x 12 MP JPEG, --jobs {jobs} (best of {rounds}):")
    print(f"  --no-c2pa   {plain:7.2f} s  ({1000 * plain / copies:6.1f} ms/image)")
    print(f"  with C2PA   {signed:7.2f} s  ({1000 * signed / copies:6.1f} ms/image)")
    print(f"  signing adds {1000 * (signed - plain) / copies:6.1f} ms/image  (ratio {signed / plain:.2f}x); goal <= 30 ms")


def bench_sign(data: bytes, copies: int) -> None:
    import c2pa

    from artguard.imaging import decode_reduced
    from artguard.profile import RightsProfile
    from artguard.provenance import ensure_identity, make_thumbnail, sign
    from artguard.provenance.manifest import build_manifest

    identity = ensure_identity("Bench Artist")
    profile = RightsProfile(creator="Bench Artist")
    times, decode_times, thumb_times = [], [], []
    for i in range(copies):
        t0 = time.perf_counter()
        reduced = decode_reduced(data, 512).image  # the pipeline does this once anyway (catalog, GUI)
        t1 = time.perf_counter()
        thumb = make_thumbnail(reduced)
        t2 = time.perf_counter()
        sign(data, "jpeg", profile, identity, title=f"copy{i}.jpg", thumbnail_jpeg=thumb, edited=False)
        t3 = time.perf_counter()
        decode_times.append(t1 - t0)
        thumb_times.append(t2 - t1)
        times.append(t3 - t2)

    def sdk_thumbnail() -> float:
        manifest = build_manifest(profile, title="x.jpg", fmt="jpeg", edited=False, has_parent=False, has_thumbnail=False)
        settings = {"builder": {"thumbnail": {"enabled": True}}, "verify": {"remote_manifest_fetch": False}}
        info = c2pa.C2paSignerInfo(identity.alg.encode(), identity.chain_pem, identity.key_pem(), None)
        start = time.perf_counter()
        with c2pa.Signer.from_info(info) as signer:
            builder = c2pa.Builder(manifest, c2pa.Context(c2pa.Settings.from_dict(settings)))
            builder.sign(signer, "image/jpeg", io.BytesIO(data), io.BytesIO())
        return time.perf_counter() - start

    sdk = min(sdk_thumbnail() for _ in range(3))
    med, best = statistics.median(times), min(times)
    print(f"provenance.sign() on a {len(data) / 1e6:.1f} MB 12 MP JPEG, {copies} runs:")
    print(f"  sign (our thumbnail)      median {1000 * med:6.1f} ms, best {1000 * best:6.1f} ms")
    print(f"  make_thumbnail (from the reduced image) median {1000 * statistics.median(thumb_times):6.1f} ms")
    print(f"  (shared reduced decode, not signing cost: median {1000 * statistics.median(decode_times):6.1f} ms)")
    print(f"  baseline: c2pa's own thumbnail        best {1000 * sdk:6.1f} ms  ({sdk / best:.0f}x slower)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="CLI runs per mode (the best counts: the machine is shared)")
    parser.add_argument("--noise", type=float, default=4.0, help="sensor-like noise; 25 gives a ~8 MB file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ag-c2pa-bench-") as tmp:
        work = Path(tmp)
        home = work / "home"
        env = {**os.environ, "ARTGUARD_HOME": str(home)}
        os.environ["ARTGUARD_HOME"] = str(home)
        data = photo(noise=args.noise)
        src = work / "in"
        src.mkdir()
        for i in range(args.copies):
            (src / f"copy{i:02d}.jpg").write_bytes(data)
        print(f"input: {args.copies} copies of a 4000x3000 JPEG, {len(data) / 1e6:.1f} MB each")
        bench_sign(data, args.copies)  # also makes the identity, so the CLI runs don't time key generation
        bench_cli(src, work, args.copies, args.jobs, args.rounds, env)
        shutil.rmtree(work / "in")


if __name__ == "__main__":
    main()
