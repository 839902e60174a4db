"""Benchmark the checker: tracing rate on platform copies, false matches, lookup time.

    .venv/bin/python bench/check.py [--generated N] [--entries 100000]

Originals: the real photos of ../shared/corpus/exif-samples (when present, >= 90 px,
orientation/HDR duplicates left out) plus N generated images. Half of them are recorded
in a temporary catalog; the other half are "unrelated" and must never match. Each image
gets platform copies (metadata stripped; resize 25-100 % + JPEG q60-90; WebP; crop up to
10 % per side; crop + resize; a small username overlay), written to disk and checked
with artguard.check.check_copy. Goals: >= 99 % traced to the right original, 0 false
matches; lookup < 20 ms per copy (its 5 query hashes) against 100 000 catalog entries (decoding
excluded), printed against the whole-array form measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["ARTGUARD_HOME"] = tempfile.mkdtemp(prefix="artguard-bench-")

from _common import random_fingerprint_index  # noqa: E402
from artguard import fingerprint, imaging, trace  # noqa: E402
from artguard.catalog import Catalog, ImageFacts, Publication  # noqa: E402
from artguard.check import CatalogIndex, check_copy  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from tests.images import textured  # noqa: E402

KINDS = ("strip", "resize-jpeg", "webp", "crop", "crop-resize", "overlay")


def originals(generated: int) -> dict[str, Image.Image]:
    images: dict[str, Image.Image] = {}
    if CORPUS.is_dir():
        for path in sorted(CORPUS.rglob("*")):
            if path.suffix.lower() not in (".jpg", ".jpeg", ".tif", ".tiff"):
                continue
            if ("orientation" in path.parts and not path.name.endswith("_1.jpg")) or "YES" in path.name:
                continue
            try:
                img = imaging.to_rgb(imaging.decode_reduced(path, 1024).image)
            except Exception:  # noqa: BLE001 - the corpus holds deliberately broken files
                continue
            # At least 90 px and some detail: a flat grey file (tests/67-0_length_string.jpg)
            # matches every flat picture, and check says so instead of claiming one.
            if min(img.size) >= 90 and np.asarray(img.convert("L"), dtype=np.float32).std() >= 1.0:
                images[f"corpus/{path.relative_to(CORPUS)}"] = img
    for seed in range(generated):
        images[f"generated/{seed}"] = textured(640 + 16 * (seed % 5), 480, seed=1000 + seed)
    return images


def platform_copy(img: Image.Image, kind: str, rng: random.Random) -> bytes:
    w, h = img.size
    out = img
    if kind in ("crop", "crop-resize", "overlay"):
        l, t, r, b = (rng.uniform(0, 0.1) for _ in range(4))
        out = out.crop((round(l * w), round(t * h), round(w - r * w), round(h - b * h)))
    if kind in ("resize-jpeg", "crop-resize", "webp"):
        s = rng.uniform(0.25, 1.0)
        out = out.resize((max(16, round(out.width * s)), max(16, round(out.height * s))), Image.Resampling.BICUBIC)
    if kind == "overlay":
        draw = ImageDraw.Draw(out)
        draw.text((out.width - 100, out.height - 18), "@reposter", fill=(255, 255, 255))
    buf = io.BytesIO()
    if kind == "webp":
        out.save(buf, "WEBP", quality=rng.randint(60, 90))
    else:
        out.save(buf, "JPEG", quality=rng.randint(60, 90))
    return buf.getvalue()


def facts(name: str, img: Image.Image) -> ImageFacts:
    fp = fingerprint.compute(imaging.decode_reduced(_jpeg(img)).image)
    return ImageFacts(f"/bench/{name}", 0, img.width, img.height, "jpeg", f"{hash(name) & (2**64 - 1):064x}", fp.phash, fp.blob)


def _jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def tracing(images: dict[str, Image.Image], work: Path) -> None:
    names = sorted(images)
    rng = random.Random(42)
    rng.shuffle(names)
    known, unknown = set(names[: len(names) // 2]), names[len(names) // 2 :]
    catalog = Catalog()
    ids: dict[int, str] = {}
    for name in sorted(known):
        f = facts(name, images[name])
        pub = Publication(f, f, "bench", {}, None, None, None, None, "", "2026-01-01T00:00:00+00:00",
                          reference=trace.make_reference(imaging.thumbnail(images[name], 512)))  # as embed stores it
        ids[catalog.add(pub)] = name
    index = CatalogIndex(catalog)
    traced, wrong, missed, false = 0, [], {k: 0 for k in KINDS}, []
    total_known = 0
    for name in names:
        for kind in KINDS:
            path = work / f"{abs(hash((name, kind)))}.{'webp' if kind == 'webp' else 'jpg'}"
            path.write_bytes(platform_copy(images[name], kind, rng))
            result = check_copy(path, catalog=catalog, index=index)
            got = ids.get(result.match.publication.id) if result.match else None
            if name in known:
                total_known += 1
                if got == name:
                    traced += 1
                elif got is None:
                    missed[kind] += 1
                else:
                    wrong.append((name, kind, got))
            elif got is not None:
                false.append((name, kind, got, result.match.distance))
    print(f"originals: {len(names)} ({sum(n.startswith('corpus') for n in names)} real, rest generated); "
          f"{len(known)} in the catalog, {len(unknown)} unrelated")
    print(f"copies of catalogued images: {total_known}; traced to the right original: {traced} "
          f"({100 * traced / total_known:.1f} %); missed by kind: {missed}; traced to a wrong original: {len(wrong)}")
    print(f"copies of unrelated images: {len(unknown) * len(KINDS)}; false matches: {len(false)} {false[:5]}")


def whole_array_nearest(index: fingerprint.FingerprintIndex, queries: np.ndarray) -> np.ndarray:
    """The lookup as it was before issue 17 (whole-array passes, one thread): the baseline."""
    bits = index.distances(queries[0])
    for more in queries[1:]:
        np.minimum(bits[:fingerprint._SHAPES], index.distances(more, fingerprint._SHAPES), out=bits[:fingerprint._SHAPES])
    return bits.min(axis=0)


def lookup(entries: int) -> None:
    """Per copy the checker looks up (Q, 3) hashes: as is, mirrored, and the picture box as is
    and mirrored when the copy has a border (Q = 5); Q = 1 and 8 for comparison."""
    rng = np.random.default_rng(0)
    index = random_fingerprint_index(entries, rng)
    rounds = 20
    for count in (1, 5, 8):
        queries = rng.integers(0, 2**63, (count, fingerprint.WORDS), dtype=np.uint64)
        timings = {}
        for name, fn in (("slices + threads", lambda: index.nearest(queries, threshold=72)),
                         ("whole-array baseline", lambda: whole_array_nearest(index, queries))):
            fn()
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(rounds):
                fn()
            timings[name] = ((time.perf_counter() - wall) / rounds, (time.process_time() - cpu) / rounds)
        (new_wall, new_cpu), (old_wall, _) = timings.values()
        print(f"lookup of {count} hash(es) against {entries:,} entries: {new_wall * 1000:.1f} ms per copy "
              f"(CPU {new_cpu * 1000:.1f} ms; goal < 20 ms); whole-array baseline {old_wall * 1000:.1f} ms "
              f"({old_wall / new_wall:.2f}x slower)")
    structures = fingerprint.StructureIndex(range(entries), rng.integers(0, 2**63, (entries, fingerprint.WORDS), dtype=np.uint64))
    query = rng.integers(0, 2**63, fingerprint.WORDS, dtype=np.uint64)
    structures.nearest(query)
    start = time.perf_counter()
    for _ in range(rounds):
        structures.nearest(query)
    print(f"structure-hash lookup (recoloured variants; only for copies nothing else verified): "
          f"{(time.perf_counter() - start) / rounds * 1000:.1f} ms more")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=60)
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tracing(originals(args.generated), Path(tmp))
    lookup(args.entries)


if __name__ == "__main__":
    main()
