"""Invisible watermark benchmark: ArtGuard vs the PyPI ``invisible-watermark`` package.

Setup (once; the competitor imports torch at import time, so it lives in its own venv,
which .gitignore excludes):

    python3 -m venv .bench-venv
    .bench-venv/bin/pip install torch==2.13.0 invisible-watermark   # CPU torch wheel

Run from the repository root:

    .venv/bin/python bench/invisible.py [--images N] [--unmarked N] [--no-competitor]

Prints, for the same images and the same attacks: decode success (exact 48-bit id) and bit
accuracy per attack, PSNR, embed/detect time, and ArtGuard's false positives on unmarked
images and with a wrong key. The competitor (dwtDct, dwtDctSvd) runs in the bench venv via
``bench/invisible.py --competitor embed|decode DIR`` on PNG files this script writes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.images import textured  # noqa: E402
from tests.platform_attacks import border, crop, half, jpeg, mirror, repost_2048, rotate, screenshot, stretch, webp  # noqa: E402

BENCH_PYTHON = ROOT / ".bench-venv" / "bin" / "python"
CORPUS = ROOT.parent / "shared" / "corpus" / "exif-samples"
THEMES = Path("/usr/share/desktop-base")
BITS = 48


ATTACKS = {
    "none": lambda i: i,
    "jpeg q70": lambda i: jpeg(i, 70),
    "webp q75": lambda i: webp(i, 75),
    "resize 50%": half,
    "crop 90%": crop,
    "2048px + q80": repost_2048,
    "brightness +10%": lambda i: ImageEnhance.Brightness(i).enhance(1.1),
    "brightness -10%": lambda i: ImageEnhance.Brightness(i).enhance(0.9),
    "contrast +10%": lambda i: ImageEnhance.Contrast(i).enhance(1.1),
    "contrast -10%": lambda i: ImageEnhance.Contrast(i).enhance(0.9),
    "png -> jpeg q75": lambda i: jpeg(i, 75),
    "crop + 50% + q70": lambda i: jpeg(half(crop(i)), 70),
    "crop + 2048 q80 + webp": lambda i: webp(repost_2048(crop(i)), 75),
    "bright + crop + 50% + webp": lambda i: webp(half(crop(ImageEnhance.Brightness(i).enhance(1.1))), 75),
    # geometry the wide search undoes (issue 14 item 3)
    "crop 60% (scale 1.67)": lambda i: jpeg(crop(i, 0.6), 85),
    "border 15% (scale 0.77)": lambda i: border(i, 0.15),
    "screenshot (in a page)": screenshot,
    "mirror": mirror,
    "mirror + 2048 q80": lambda i: repost_2048(i.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
    "stretch 100x90%": stretch,
    "stretch 90x100%": lambda i: stretch(i, 0.9, 1.0),
    "stretch 100x80% + 50%": lambda i: jpeg(half(stretch(i, 1.0, 0.8)), 80),
    "rotate 2°": lambda i: rotate(i, 2),
    "rotate -2°": lambda i: rotate(i, -2),
    "rotate 5°": lambda i: rotate(i, 5),
    "rotate -5° + 50%": lambda i: jpeg(half(rotate(i, -5)), 80),
    "mirror + rotate 2° + 2048": lambda i: repost_2048(rotate(i.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 2)),
}


def _psnr(a: Image.Image, b: Image.Image) -> float:
    x = np.asarray(a.convert("RGB"), dtype=np.float64)
    y = np.asarray(b.convert("RGB"), dtype=np.float64)
    return float(10 * np.log10(255.0**2 / max(np.mean((x - y) ** 2), 1e-12)))


def _bits(value: int) -> list[int]:
    return [(value >> (BITS - 1 - i)) & 1 for i in range(BITS)]


# --- competitor side (runs inside .bench-venv) -------------------------------------------


def _competitor(action: str, folder: Path) -> None:
    import cv2
    from imwatermark import WatermarkDecoder, WatermarkEncoder

    jobs = json.loads((folder / "jobs.json").read_text())
    out = {}
    for job in jobs:
        bgr = cv2.imread(job["path"])
        if action == "embed":
            enc = WatermarkEncoder()
            enc.set_watermark("bits", job["bits"])
            t = time.perf_counter()
            marked = enc.encode(bgr, job["method"])
            out[job["out"]] = time.perf_counter() - t
            cv2.imwrite(job["out"], marked)
        else:
            dec = WatermarkDecoder("bits", BITS)
            try:
                out[job["path"]] = [int(b) for b in dec.decode(bgr, job["method"])]
            except Exception:  # it raises on images too small for its blocks
                out[job["path"]] = None
    (folder / "result.json").write_text(json.dumps(out))


def _run_competitor(action: str, folder: Path, jobs: list[dict]) -> dict:
    (folder / "jobs.json").write_text(json.dumps(jobs))
    subprocess.run([str(BENCH_PYTHON), __file__, "--competitor", action, str(folder)], check=True)
    return json.loads((folder / "result.json").read_text())


# --- ArtGuard side -----------------------------------------------------------------------


def _wallpapers(folder: Path, size: tuple[int, int]) -> list[tuple[str, Image.Image]]:
    """Debian desktop-base wallpapers (flat colours, gradients: real digital art), rendered once."""
    if not THEMES.is_dir() or not shutil.which("rsvg-convert"):
        return []
    out = []
    for svg in sorted(THEMES.glob("*/wallpaper/contents/images/1920x1080.svg")):
        if svg.parent.parent.parent.parent.is_symlink():  # active-theme points at another one
            continue
        png = folder / f"{svg.parts[-5]}.png"
        subprocess.run(["rsvg-convert", "-w", str(size[0]), "-h", str(size[1]), "-o", str(png), str(svg)], check=True)
        with Image.open(png) as im:
            out.append((svg.parts[-5], im.convert("RGB")))
    return out


def _corpus(min_side: int, draft: int) -> list[tuple[str, Image.Image]]:
    out = []
    for path in sorted(CORPUS.glob("jpg/**/*.jpg")) if CORPUS.is_dir() else []:
        try:
            with Image.open(path) as im:
                if max(im.size) < min_side:
                    continue
                im.draft("RGB", (draft, draft))
                out.append((path.name, im.convert("RGB")))
        except OSError:
            continue
    return out


def _images(count: int, walls: list[tuple[str, Image.Image]]) -> list[tuple[str, Image.Image]]:
    """Generated texture, desktop-base art and corpus photos, alternating."""
    pools = [[(f"generated-{s}", textured(1600, 1200, seed=s)) for s in range(2)], walls, _corpus(1024, 2048)]
    images = []
    while len(images) < count and any(pools):
        for pool in pools:
            if pool and len(images) < count:
                images.append(pool.pop(0))
    return images


def _unmarked(count: int, walls: list[tuple[str, Image.Image]]) -> list[Image.Image]:
    """Real photos (the whole corpus) and wallpapers, as posted and after the same geometric
    edits the wide search undoes, then generated texture up to ``count``."""
    variants = [lambda i: i, lambda i: jpeg(i, 70), crop, lambda i: crop(i, 0.75),
                lambda i: ImageEnhance.Contrast(i).enhance(1.1), mirror, lambda i: rotate(i, 3), stretch]
    sources = [im for _, im in walls] + [im for _, im in _corpus(256, 1024)]
    out: list[Image.Image] = []
    for variant in variants:
        for im in sources:
            if len(out) < count - 20:
                out.append(variant(im))
    seed = 1000
    while len(out) < count:
        w = 512 + (seed * 37) % 600
        out.append(textured(w, 384 + (seed * 53) % 400, seed=seed))
        seed += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=8)
    parser.add_argument("--unmarked", type=int, default=500)
    parser.add_argument("--no-competitor", action="store_true")
    parser.add_argument("--competitor", nargs=2, metavar=("ACTION", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.competitor:
        _competitor(args.competitor[0], Path(args.competitor[1]))
        return

    from artguard.watermark import invisible as wm

    key = bytes(range(32))
    wall_dir = Path(tempfile.mkdtemp())
    walls = _wallpapers(wall_dir, (1600, 900))
    images = _images(args.images, walls)
    rng = np.random.default_rng(0)
    payloads = [int(rng.integers(0, 1 << BITS)) for _ in images]
    methods = [] if args.no_competitor or not BENCH_PYTHON.exists() else ["dwtDct", "dwtDctSvd"]
    systems = ["ArtGuard", *methods]
    ok = {s: {a: 0 for a in ATTACKS} for s in systems}
    bitacc = {s: {a: [] for a in ATTACKS} for s in systems}
    psnr: dict[str, list[float]] = {s: [] for s in systems}
    embed_t: dict[str, list[float]] = {s: [] for s in systems}
    print(f"{len(images)} images: " + ", ".join(f"{n} {im.size[0]}x{im.size[1]}" for n, im in images))

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        jobs = []
        for i, (_, img) in enumerate(images):
            img.save(tmp / f"src{i}.png")
            t = time.perf_counter()
            marked = wm.embed(img, payloads[i], key)
            embed_t["ArtGuard"].append(time.perf_counter() - t)
            psnr["ArtGuard"].append(_psnr(img, marked))
            for attack, fn in ATTACKS.items():
                found = wm.detect(fn(marked), key)
                good = found is not None and found.payload == payloads[i]
                ok["ArtGuard"][attack] += good
                got = _bits(found.payload) if found is not None else None
                bitacc["ArtGuard"][attack].append(
                    np.mean(np.array(got) == _bits(payloads[i])) if got is not None else 0.5
                )
            for m in methods:
                jobs.append({"path": str(tmp / f"src{i}.png"), "out": str(tmp / f"{m}{i}.png"), "method": m, "bits": _bits(payloads[i])})
        if methods:
            times = _run_competitor("embed", tmp, jobs)
            decode_jobs = []
            for job in jobs:
                i = int(Path(job["out"]).stem.removeprefix(job["method"]))
                marked = Image.open(job["out"]).convert("RGB")
                embed_t[job["method"]].append(times[job["out"]])
                psnr[job["method"]].append(_psnr(images[i][1], marked))
                for a, (attack, fn) in enumerate(ATTACKS.items()):
                    path = tmp / f"att-{job['method']}-{i}-{a}.png"
                    fn(marked).save(path)
                    decode_jobs.append({"path": str(path), "method": job["method"], "i": i, "attack": attack})
            decoded = _run_competitor("decode", tmp, decode_jobs)
            for job in decode_jobs:
                got = decoded[job["path"]]
                want = _bits(payloads[job["i"]])
                acc = float(np.mean(np.array(got) == want)) if got else 0.5
                bitacc[job["method"]][job["attack"]].append(acc)
                ok[job["method"]][job["attack"]] += got == want

    n = len(images)
    print("\nDecode success (exact 48-bit id) / mean bit accuracy, per attack")
    print(f"{'attack':28s}" + "".join(f"{s:>20s}" for s in systems))
    for attack in ATTACKS:
        cells = "".join(f"{ok[s][attack]:>9d}/{n} {np.mean(bitacc[s][attack]) * 100:6.1f}%" for s in systems)
        print(f"{attack:28s}{cells}")
    print(f"{'PSNR dB (min / mean)':28s}" + "".join(f"{min(psnr[s]):>11.1f} / {np.mean(psnr[s]):5.1f}" for s in systems))
    print(f"{'embed ms (mean)':28s}" + "".join(f"{np.mean(embed_t[s]) * 1000:>20.0f}" for s in systems))

    big = images[0][1].resize((4000, 3000), Image.Resampling.BICUBIC)
    best_e = best_d = float("inf")
    copy_2048 = None
    best_c = best_w = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        marked = wm.embed(big, payloads[0], key)
        best_e = min(best_e, time.perf_counter() - t)
        t = time.perf_counter()
        wm.detect(marked, key)
        best_d = min(best_d, time.perf_counter() - t)
        copy_2048 = repost_2048(marked)
        t = time.perf_counter()
        wm.detect(copy_2048, key)
        best_c = min(best_c, time.perf_counter() - t)
        turned = rotate(copy_2048, 2)
        t = time.perf_counter()
        wm.detect(turned, key)
        best_w = min(best_w, time.perf_counter() - t)
    print(f"\nArtGuard 12 MP (4000x3000): embed {best_e * 1000:.0f} ms + detect {best_d * 1000:.0f} ms (best of 3)")
    print(f"Blind read of a 2048 px copy: {best_c * 1000:.0f} ms found by the scale search; "
          f"{best_w * 1000:.0f} ms rotated 2° (scale search fails, wide search reads it)")

    unmarked = _unmarked(args.unmarked, walls)
    shutil.rmtree(wall_dir)
    times = []
    false_pos = 0
    for im in unmarked:
        t = time.perf_counter()
        false_pos += wm.detect(im, key) is not None
        times.append(time.perf_counter() - t)
    elapsed = sum(times)
    wrong = sum(wm.detect(wm.embed(img, payloads[i], key), bytes(32)) is not None for i, (_, img) in enumerate(images))
    print(f"False positives: {false_pos} of {len(unmarked)} unmarked images "
          f"(blind + wide search {elapsed / len(unmarked) * 1000:.0f} ms each, slowest {max(times) * 1000:.0f} ms); "
          f"wrong key: {wrong} of {n}; "
          f"bound by construction {wm.FALSE_POSITIVE_BOUND:.1e}")


if __name__ == "__main__":
    main()
