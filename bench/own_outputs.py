"""What recognising ArtGuard's own outputs costs a batch (issue 18: a second run never
re-protects them unless --include-protected).

Per input the batch asks the catalog for the path, reads the XMP InstanceID from the
header and, only when the file carries C2PA, reads the manifest's claim generator.
Baseline, measured in the same run: a metadata-only embed of the same 12 MP file (catalog
on, C2PA off), the cheapest job ArtGuard runs.
Run: .venv/bin/python bench/own_outputs.py [--count N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import copies, large_jpeg, scratch  # noqa: E402


def per_file(fn, paths) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for path in paths:
            fn(path)
        best = min(best, (time.perf_counter() - start) / len(paths))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    work = scratch()
    os.environ["ARTGUARD_HOME"] = str(work / "home")
    from artguard.batch import EmbedJob, is_own_output, run_batch
    from artguard.catalog import Catalog
    from artguard.pipeline import EmbedOptions, RunContext
    from artguard.profile import RightsProfile

    originals = copies(large_jpeg(work / "src.jpg"), work / "in", args.count)
    profile = RightsProfile(creator="Bench")
    start = time.perf_counter()
    run_batch(EmbedJob([work / "in"], work / "plain", EmbedOptions(profile, sign_c2pa=False), jobs=1))
    embed = (time.perf_counter() - start) / args.count
    run_batch(EmbedJob([work / "in"], work / "signed", EmbedOptions(profile), jobs=1))
    signed = sorted((work / "signed" / "in").glob("*.jpg"))
    with Catalog() as catalog:
        ctx = RunContext(catalog=catalog)
        fresh = per_file(lambda p: is_own_output(p, ctx), originals)
        recorded = per_file(lambda p: is_own_output(p, ctx), signed)
    no_catalog = RunContext()
    by_c2pa = per_file(lambda p: is_own_output(p, no_catalog), signed)
    print(f"12 MP JPEG x {args.count}; baseline: metadata-only embed {embed * 1000:.1f} ms a file")
    for label, cost in (
        ("new original (catalog + XMP look-up)", fresh),
        ("own output known to the catalog", recorded),
        ("own output, no catalog (C2PA read)", by_c2pa),
    ):
        print(f"  {label:<40} {cost * 1000:7.2f} ms  = {cost / embed:5.1%} of the baseline")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
