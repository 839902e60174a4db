"""Catalog cost: 10 000 publications added one by one (as the pipeline does), then lookups.

Goal: under 2 ms per ``add()``. The baseline, measured in the same run on the same disk,
is a bare sqlite3 INSERT of the same values (the verification reference included), one
commit per row, WAL + synchronous=NORMAL, no indexes and no lock: the ratio is what the catalog's indexes, fingerprint table and
writer lock cost on top of SQLite itself.

    .venv/bin/python bench/catalog_insert.py [--n 10000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from artguard.catalog import Catalog, ImageFacts, Publication
from artguard.trace import reference


def reference_blob() -> bytes:
    """A verification reference as embed stores it (the 384 px picture, features left for
    the first check): of a grainy photo-like image, ~30 KB, the size that makes inserts cost."""
    noise = np.random.default_rng(5).normal(0, 18, (384, 512, 3))
    ramp = np.linspace(40, 220, 512)[None, :, None] * np.ones((384, 1, 3))
    return reference.make(Image.fromarray(np.clip(ramp + noise, 0, 255).astype(np.uint8)))


def make_publications(n: int, seed: int = 1) -> list[Publication]:
    rng = random.Random(seed)
    blob = reference_blob()

    def image(i: int, side: str) -> ImageFacts:
        return ImageFacts(
            path=f"/home/artist/{side}/2026/series-{i // 100:03d}/image-{i:06d}.jpg",
            size=rng.randrange(200_000, 9_000_000), width=4000, height=3000, format="jpeg",
            sha256=hashlib.sha256(f"{side}{i}".encode()).hexdigest(), phash=rng.getrandbits(64),
            fingerprint=rng.randbytes(512),
        )

    return [
        Publication(
            original=image(i, "originals"), output=image(i, "web"), profile_name="Web portfolio",
            fields={
                "Xmp.dc.creator": "Zoë 山田", "Exif.Image.Artist": "Zoë Yamada",
                "Exif.Image.Copyright": "© 2026 Zoë Yamada. All rights reserved.",
                "Xmp.plus.DataMining": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING",
                "Xmp.xmpRights.WebStatement": "https://zoe.example/licence",
                "Xmp.dc.title": f"Study {i}",
            },
            document_id=f"xmp.did:{rng.getrandbits(128):032x}", instance_id=f"xmp.iid:{rng.getrandbits(128):032x}",
            c2pa_label=f"urn:c2pa:{rng.getrandbits(128):032x}", watermark_id=i + 1,
            settings_hash=hashlib.sha256(b"settings").hexdigest(), published_at=f"2026-05-09T10:{i // 600 % 60:02d}:{i // 10 % 60:02d}.{i:06d}+00:00",
            reference=blob,
        )
        for i in range(n)
    ]


def baseline_per_insert(path: Path, pubs: list[Publication]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE t (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t2, u, v, w, x, y)")
    start = time.perf_counter()
    for pub in pubs:
        o, r = pub.original, pub.output
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (pub.published_at, pub.profile_name, pub.settings_hash, pub.document_id, pub.instance_id,
             pub.c2pa_label, pub.watermark_id, str(pub.fields), o.path, o.size, o.width, o.height, o.format,
             o.sha256, o.phash >> 1, r.path, r.size, r.width, r.height, r.format, r.sha256, r.phash >> 1,
             o.fingerprint, r.fingerprint, pub.reference),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed / len(pubs)


def timed(label: str, fn, repeat: int = 200) -> None:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    print(f"  {label:<44} median {statistics.median(samples) * 1e3:8.3f} ms   max {max(samples) * 1e3:8.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, help="where the databases go (default: a temp dir)")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="artguard-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    pubs = make_publications(args.n)
    print(f"{args.n} publications, databases in {folder}")

    base = baseline_per_insert(folder / "baseline.sqlite3", pubs)
    print(f"baseline: bare sqlite3 INSERT + COMMIT        {base * 1e3:8.3f} ms per row")

    rng = random.Random(2)
    with Catalog(folder / "catalog.sqlite3") as cat:
        per_add = []
        start = time.perf_counter()
        for pub in pubs:
            t0 = time.perf_counter()
            cat.add(pub)
            per_add.append(time.perf_counter() - t0)
        total = time.perf_counter() - start
        per_add.sort()
        mean = total / args.n
        print(f"Catalog.add(), one transaction each          {mean * 1e3:8.3f} ms per publication "
              f"(p50 {per_add[len(per_add) // 2] * 1e3:.3f}, p99 {per_add[int(len(per_add) * 0.99)] * 1e3:.3f}, "
              f"max {per_add[-1] * 1e3:.3f}) = {mean / base:.2f}x baseline; goal < 2 ms: "
              f"{'met' if mean < 0.002 else 'MISSED'}")

        threads_n = 8
        chunk = make_publications(2000, seed=3)
        start = time.perf_counter()
        workers = [threading.Thread(target=lambda part: [cat.add(p) for p in part], args=(chunk[t::threads_n],)) for t in range(threads_n)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        threaded = (time.perf_counter() - start) / len(chunk)
        print(f"Catalog.add() from {threads_n} threads                  {threaded * 1e3:8.3f} ms per publication = {threaded / base:.2f}x baseline")

        batch = make_publications(2000, seed=4)
        start = time.perf_counter()
        cat.add_many(batch)
        many = (time.perf_counter() - start) / len(batch)
        print(f"Catalog.add_many() of {len(batch)}                   {many * 1e3:8.3f} ms per publication = {many / base:.2f}x baseline")

        print(f"lookups over {cat.count()} publications:")
        some = [rng.choice(pubs) for _ in range(200)]
        it = iter(some * 10)
        timed("get(id)", lambda: cat.get(rng.randrange(1, args.n)))
        timed("find_by_sha256(output sha)", lambda: cat.find_by_sha256(next(it).output.sha256))
        timed("find_by_sha256(original sha)", lambda: cat.find_by_sha256(next(it).original.sha256))
        timed("find_by_xmp_id(instance id)", lambda: cat.find_by_xmp_id(next(it).instance_id))
        timed("find_by_c2pa_label", lambda: cat.find_by_c2pa_label(next(it).c2pa_label))
        timed("find_by_watermark", lambda: cat.find_by_watermark(next(it).watermark_id))
        timed("latest_for_output", lambda: cat.latest_for_output(next(it).output.path))
        timed("fingerprints(100 ids)", lambda: cat.fingerprints(rng.sample(range(1, args.n), 100)))
        timed("phash_index()", cat.phash_index, repeat=20)
        timed("list(limit=100) newest first", lambda: cat.list(limit=100), repeat=20)
        timed("list('Study 42', limit=100) search", lambda: cat.list("Study 42", limit=100), repeat=20)
        timed("count()", cat.count, repeat=20)
        timed("export csv (whole catalog)", lambda: cat.export("csv", io.StringIO()), repeat=3)
        timed("export json (whole catalog)", lambda: cat.export("json", io.StringIO()), repeat=3)
    size = (folder / "catalog.sqlite3").stat().st_size
    print(f"catalog file: {size / 1e6:.1f} MB for {args.n + 4000} publications ({size / (args.n + 4000):.0f} bytes each, "
          f"2 x 512-byte fingerprints and a {len(pubs[0].reference) / 1e3:.0f} KB reference)")


if __name__ == "__main__":
    main()
