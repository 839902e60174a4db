"""Batch throughput and memory: 200 x 12 MP, watermark + CMI + C2PA, --jobs 1 vs all cores.

Goals (issues 6, 17): speed-up >= 1.8x on 2 cores against --jobs 1 in the same run, peak
memory < 1 GB whatever the batch size (a quarter-size batch measured too: flat), catalog
insert < 2 ms per image (measured here inside the real batch).
Run: .venv/bin/python bench/batch.py [--count 200] [--short]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import copies, large_jpeg, load_note, result, scratch  # noqa: E402

# Runs the CLI in a child and reports the time spent in Catalog.add() (in-process workers
# only: --jobs 1 runs files on threads); memory is sampled over the whole process tree.
CHILD = """
import sys, time
from artguard import catalog
spent = [0.0, 0]
original_add = catalog.Catalog.add
def timed_add(self, pub):
    start = time.perf_counter()
    try:
        return original_add(self, pub)
    finally:
        spent[0] += time.perf_counter() - start
        spent[1] += 1
catalog.Catalog.add = timed_add
from artguard.cli import main
code = main(sys.argv[1:])
print(f"RESULT {spent[0]} {spent[1]}", file=sys.stderr)
sys.exit(code)
"""


def _tree(root: int) -> tuple[int, float]:
    """Resident memory (KB) of a process and all its descendants, and the CPU seconds of its
    descendants, including the children they reaped (worker processes are forked and reaped
    by the forkserver, so ``os.times()`` of the batch never sees their CPU time)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        cpu[pid] = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    total_rss, ticks, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total_rss += rss.get(pid, 0)
        ticks += cpu.get(pid, 0) if pid != root else 0
        stack.extend(children.get(pid, []))
    return total_rss, ticks / os.sysconf("SC_CLK_TCK")


def run(inputs: str, out: str, jobs: int, home: str, sample: bool) -> tuple[float, int, float, float]:
    """Wall time, peak resident memory of the process tree (when sampled), add() cost, CPU
    time of the whole tree (the batch's own, from os.times, plus its descendants' sampled
    from /proc every 0.25 s: at most the last 0.25 s of a worker's time is missed).

    Memory runs sample every 0.1 s; timed runs every 0.25 s (walking /proc costs ~1 % of a core).
    """
    before = os.times()
    shutil.rmtree(out, ignore_errors=True)
    argv = [sys.executable, "-c", CHILD, "embed", inputs, "-o", out, "--creator", "Zoë 山田",
            "--watermark-text", "© {year} {creator}", "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "ARTGUARD_HOME": home})
    peak, descendants = 0, 0.0
    while proc.poll() is None:
        rss, used = _tree(proc.pid)
        peak, descendants = max(peak, rss), max(descendants, used)
        time.sleep(0.1 if sample else 0.25)
    proc.wait()
    elapsed = time.perf_counter() - start
    after = os.times()
    cpu = after.children_user + after.children_system - before.children_user - before.children_system + descendants
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"embed failed ({proc.returncode}):\n{stderr[-2000:]}")
    line = next(l for l in stderr.splitlines() if l.startswith("RESULT"))
    _, add_s, adds = line.split()
    return elapsed, peak, float(add_s) / max(int(adds), 1), cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--short", action="store_true", help="40 images (for bench/all.py)")
    args = parser.parse_args(argv)
    if args.short:
        args.count = 40
    work = scratch()
    source = large_jpeg(work / "source.jpg")
    cores = os.cpu_count() or 1
    copies(source, work / "in", args.count)
    copies(source, work / "small", max(args.count // 4, 1))
    print(f"{args.count} x 12 MP JPEG, text watermark + CMI + C2PA + catalog; {load_note()}")
    home = str(work / "home")
    t1, _, add1, cpu1 = run(str(work / "in"), str(work / "out1"), 1, home, sample=False)
    tn, _, _, cpun = run(str(work / "in"), str(work / "outn"), cores, home, sample=False)
    _, rss_small, _, _ = run(str(work / "small"), str(work / "outs"), cores, home, sample=True)
    _, rss_full, _, _ = run(str(work / "in"), str(work / "outm"), cores, home, sample=True)
    print(f"  --jobs 1       {t1:7.1f} s  {t1 / args.count * 1000:6.0f} ms/image  (CPU {cpu1:6.1f} s)")
    print(f"  --jobs {cores:<7} {tn:7.1f} s  {tn / args.count * 1000:6.0f} ms/image  (CPU {cpun:6.1f} s)")
    print(f"  speed-up {t1 / tn:.2f}x on {cores} cores (goal >= 1.8x on 2); CPU {cpun / cpu1:.2f}x that of --jobs 1, "
          f"so at most {cores * cpu1 / cpun:.2f}x on {cores} free cores; it kept {cpun / tn:.2f} cores busy ({load_note()})")
    print(f"  peak memory (all processes): {rss_small / 1024:.0f} MB for {max(args.count // 4, 1)} images, "
          f"{rss_full / 1024:.0f} MB for {args.count} (goal < 1024 MB, flat)")
    print(f"  catalog add(): {add1 * 1000:.2f} ms per image inside the --jobs 1 batch (goal < 2 ms)")
    result(f"batch speed-up --jobs {cores} (watermark + C2PA)", t1 / tn, "x", ">= 1.8", "--jobs 1, same files, same run")
    result(f"batch peak RSS, {args.count} images", rss_full / 1024, "MB", "<= 1024",
           f"{rss_small / 1024:.0f} MB for {max(args.count // 4, 1)} images")
    result("catalog add() inside a batch", add1 * 1000, "ms", "<= 2", "per image, --jobs 1")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
