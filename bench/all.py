"""Run every benchmark in short mode and print one table of figures against their goals.

A regression is one command away:

    .venv/bin/python bench/all.py [--only NAME ...] [--markdown]

Each benchmark runs in its own process (so one's imports and memory do not colour the
next) and prints ``RESULT`` lines (see ``_common.result``): a figure, its unit, the goal,
and the baseline it was measured against in the same run. Benchmarks written before that
convention are read through the patterns below. A benchmark added to bench/ later runs
with ``--short`` and is expected to print ``RESULT`` lines. Every figure is measured on
whatever else the machine is doing: the table starts with the load average.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _common import ROOT, load_note  # noqa: E402

BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Pattern:
    """A figure read from a benchmark's own output: group 1 of ``regex`` is the value."""

    name: str
    regex: str
    unit: str
    goal: str
    baseline: str


# Short arguments (and patterns, for benchmarks without RESULT lines), in running order.
SHORT: dict[str, tuple[list[str], list[Pattern]]] = {
    "embed_default.py": (["--short"], []),
    "c2pa_overhead.py": (["--short"], []),
    "watermark.py": (["--short"], []),
    "batch.py": (["--short"], []),
    "gui_responsiveness.py": (["--short"], []),
    "embed_metadata.py": (["--count", "30"], [
        Pattern("metadata-only embed, 12 MP (--no-catalog)", r"--no-catalog\s+[\d.]+ ms/file\s+[\d.]+x cp, ([\d.]+)x exiftool",
                "x", "<= 1.0", "exiftool, same files"),
    ]),
    "catalog_insert.py": (["--n", "2000"], [
        Pattern("catalog add()", r"Catalog.add\(\), one transaction each\s+([\d.]+) ms", "ms", "<= 2",
                "bare sqlite3 INSERT + COMMIT"),
    ]),
    "check.py": (["--generated", "10", "--entries", "100000"], [
        Pattern("check: copies traced to the right original", r"traced to the right original: \d+ \(([\d.]+) %\)", "%",
                ">= 99", "platform copies of catalogued images"),
        Pattern("check: false matches", r"false matches: (\d+)", "", "<= 0", "copies of unrelated images"),
        Pattern("check: lookup of a copy's 5 hashes, 100 000 entries", r"lookup of 5 hash\(es\) against [\d,]+ entries: ([\d.]+) ms", "ms", "<= 20",
                "whole-array form, same run"),
    ]),
    "invisible.py": (["--images", "2", "--unmarked", "60", "--no-competitor"], [
        Pattern("invisible mark: false positives", r"False positives: (\d+) of", "", "<= 0", "unmarked images"),
    ]),
}
# Benchmarks too long for a short run (downloads, a hardened tracing set, a 196 MP input):
# listed in the table with how to run them, never run here.
ALONE: dict[str, str] = {
    "trace.py": "tracing on photos and art, 25 edits each (~15 min): python bench/trace.py --photos 8",
    "robustness.py": "Pillow's Tests/images through embed/inspect/check (download + ~10 min)",
    "memory.py": "peak memory of a 196 MP input with --invisible (~3 min)",
    "own_outputs.py": "cost of recognising ArtGuard's own outputs: python bench/own_outputs.py",
    "site_audit.py": "website audit against check from disk: python bench/site_audit.py",
    "verify_cost.py": "read-back check per output kind: python bench/verify_cost.py",
}
_RESULT = re.compile(r"^RESULT\t(.*?)\t([-\d.]+)\t(.*?)\t(.*?)\t(met|NOT met)\t(.*)$")


def _met(value: float, goal: str) -> str:
    op, limit = goal.split()
    return "met" if (value <= float(limit) if op == "<=" else value >= float(limit)) else "NOT met"


def run_one(script: str, args: list[str], patterns: list[Pattern]) -> tuple[list[tuple[str, ...]], float]:
    """Rows (benchmark, figure, value, unit, goal, met, baseline) and the run's wall time."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BENCH / script), *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    sys.stderr.write(proc.stdout)
    rows = [(script, *m.groups()) for line in proc.stdout.splitlines() if (m := _RESULT.match(line))]
    for pattern in patterns:
        found = re.search(pattern.regex, proc.stdout)
        if found:
            value = float(found.group(1))
            rows.append((script, pattern.name, f"{value:.3f}", pattern.unit, pattern.goal, _met(value, pattern.goal), pattern.baseline))
    if proc.returncode != 0 or not rows:
        reason = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no figures printed"
        rows.append((script, f"FAILED (exit {proc.returncode})" if proc.returncode else "no figures", "", "", "", "NOT met", reason[:80]))
    return rows, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="benchmark scripts to run (default: all)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = parser.parse_args(argv)
    scripts = [s for s in SHORT if (BENCH / s).exists()]
    scripts += sorted(p.name for p in BENCH.glob("*.py") if p.name not in SHORT and not p.name.startswith("_") and p.name != "all.py")
    if args.only:
        scripts = [s for s in scripts if s in args.only or s.removesuffix(".py") in args.only]
    conditions = load_note()
    rows: list[tuple[str, ...]] = []
    for script in scripts:
        if script in ALONE:
            rows.append((script, "run alone", "", "", "", "-", ALONE[script]))
            continue
        short_args, patterns = SHORT.get(script, (["--short"], []))
        print(f"running {script} {' '.join(short_args)} …", file=sys.stderr, flush=True)
        found, elapsed = run_one(script, short_args, patterns)
        rows += found
        print(f"  {script}: {elapsed:.0f} s", file=sys.stderr, flush=True)
    conditions += f" at start; {load_note()} at the end"
    header = ("benchmark", "figure", "value", "unit", "goal", "", "baseline (same run)")
    print(f"\nShort-mode benchmarks, {time.strftime('%Y-%m-%d %H:%M')}; {conditions}")
    if args.markdown:
        print("| " + " | ".join(header[:5]) + " | met | " + header[6] + " |")
        print("|" + "---|" * 7)
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(6)]
        for row in [header, *rows]:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[6])
    return 1 if any(row[5] not in ("met", "-") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
