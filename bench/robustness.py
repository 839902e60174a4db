"""Hostile-input robustness: every file of Pillow's own test images through `embed`,
`inspect` and `check`, one file at a time, each with a timeout.

Pillow's ``Tests/images`` (from the source distribution of the installed Pillow version,
downloaded once with pip into the cache folder) holds ~1 000 odd, broken and exotic image
files. Each command runs in a long-lived helper process (``main()`` in-process, so a file
costs milliseconds, not an interpreter start); a file that hangs past the timeout or kills
the helper is counted and the helper is restarted. Printed per command:

    files, ok, clean errors, tracebacks, hangs, crashes, leftovers, ok-but-broken

*tracebacks* also counts raw library output that got past the CLI (libtiff warnings);
*leftovers*: anything beyond the one output in a file's output folder (``.part`` debris,
an output written for a file reported as failed); *ok-but-broken*: an output reported as
written that Pillow cannot decode or exiftool reports an error for. Goal: zeros in the
last five columns.

    PYTHONPATH=. python bench/robustness.py [--cache DIR] [--timeout S] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

import PIL

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("files", "ok", "clean errors", "tracebacks", "hangs", "crashes", "leftovers", "ok-but-broken")

# The helper: reads one JSON request a line, runs the CLI in-process, answers one line.
_HELPER = r"""
import contextlib, io, json, sys, traceback
from artguard.cli import main
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    argv = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            traceback.print_exc()
            code = -1
    print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}), flush=True)
"""


def pillow_images(cache: Path) -> Path:
    """Tests/images of the installed Pillow version, downloaded and unpacked once."""
    version = PIL.__version__
    target = cache / f"pillow-{version}" / "Tests" / "images"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    sdist = cache / f"pillow-{version}.tar.gz"
    if not sdist.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", f"pillow=={version}", "-d", str(cache)],
            check=True, stdout=subprocess.DEVNULL,
        )
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if "/Tests/images/" in m.name and (m.isfile() or m.isdir())]
        tar.extractall(cache, members=members, filter="data")
    return target


class Helper:
    """One long-lived CLI process; restarted after a hang or a crash. What C libraries
    write straight to its stderr (libtiff, libjpeg warnings) is collected per request."""

    def __init__(self, env: dict[str, str], errors: Path) -> None:
        self.env = env
        self.errors = errors
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.errors, "a") as err:  # appending: truncating it between requests works
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _HELPER], env=self.env, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
            )
        self._read(120)
        self.raw_stderr()

    def raw_stderr(self) -> str:
        """What reached the helper's real stderr since the last call (and forget it)."""
        text = self.errors.read_text(errors="replace") if self.errors.exists() else ""
        self.errors.write_text("")
        return text

    def run(self, argv: list[str], timeout: float) -> dict | str:
        """The helper's answer, or "hang" / "crash"."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(argv) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return self._lost("crash")
        answer = self._read(timeout)
        if answer is None:
            return self._lost("hang" if self.proc.poll() is None else "crash")
        return answer

    def _read(self, timeout: float) -> dict | None:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else None

    def _lost(self, what: str) -> str:
        self.stop()
        return what

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def classify(answer: dict | str, command: str) -> str:
    if isinstance(answer, str):
        return answer + "s"  # "hangs" / "crashes"
    text = answer["out"] + answer["err"]
    if answer["code"] not in (0, 1) or "Traceback" in text or "internal error" in text or answer.get("raw"):
        return "tracebacks"
    if answer["code"] == 0:
        return "ok"
    return "clean errors"


def embedded_output(answer: dict | str) -> Path | None:
    if isinstance(answer, str) or answer["code"] != 0:
        return None
    try:
        files = json.loads(answer["out"])["files"]
    except (ValueError, KeyError):
        return None
    outputs = [f.get("output") for f in files if f.get("status") == "ok"]
    return Path(outputs[0]) if outputs else None


def broken_outputs(paths: list[Path]) -> set[Path]:
    """Outputs that Pillow cannot decode or exiftool (a second reader) reports an error for."""
    import warnings

    from PIL import Image

    warnings.simplefilter("ignore")
    broken = set()
    for path in paths:
        try:
            with Image.open(path) as img:
                img.load()
        except Exception:  # noqa: BLE001 (any failure counts)
            broken.add(path)
    exiftool = shutil.which("exiftool")
    if exiftool and paths:
        done = subprocess.run([exiftool, "-j", "-Error", *map(str, paths)], capture_output=True, text=True)
        for entry in json.loads(done.stdout or "[]"):
            if entry.get("Error"):
                broken.add(Path(entry["SourceFile"]))
    return broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "artguard-robustness")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per file and command")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (a quick look)")
    parser.add_argument("--show", action="store_true", help="list every file that is not ok or a clean error")
    args = parser.parse_args()

    images = pillow_images(args.cache)
    files = sorted(p for p in images.rglob("*") if p.is_file())
    if args.limit:
        files = files[: args.limit]
    work = Path(tempfile.mkdtemp(prefix="artguard-robust-"))
    env = {**os.environ, "ARTGUARD_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    helper = Helper(env, work / "helper-stderr.txt")
    table: dict[str, Counter] = {c: Counter() for c in ("embed", "inspect", "check")}
    notes: list[str] = []
    written: list[Path] = []
    started = time.monotonic()
    print(f"Pillow {PIL.__version__} Tests/images: {len(files)} files; timeout {args.timeout:.0f} s per file and command")
    try:
        for n, path in enumerate(files):
            out = work / "out" / str(n)
            commands = {
                "embed": ["embed", str(path), "-o", str(out), "--creator", "Robustness", "--jobs", "1", "--json"],
                "inspect": ["inspect", str(path), "--json"],
                "check": ["check", str(path), "--json"],
            }
            for command, argv in commands.items():
                answer = helper.run(argv, args.timeout)
                raw = helper.raw_stderr() if helper.proc is not None else ""
                if isinstance(answer, dict) and raw.strip():
                    answer["raw"] = raw  # a library printed past the CLI: counted with tracebacks
                kind = classify(answer, command)
                table[command]["files"] += 1
                table[command][kind] += 1
                if kind not in ("ok", "clean errors"):
                    detail = answer if isinstance(answer, str) else (answer.get("raw") or answer["err"] or answer["out"])[-300:]
                    notes.append(f"{command} {kind}: {path.relative_to(images)}: {detail!r}")
                if command == "embed":
                    output = embedded_output(answer)
                    present = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
                    extra = [p for p in present if p != output]
                    if extra:
                        table[command]["leftovers"] += 1
                        notes.append(f"embed leftovers: {path.relative_to(images)}: {[p.name for p in extra]}")
                    if output is not None:
                        written.append(output)
            if n % 100 == 99:
                print(f"  {n + 1} files, {time.monotonic() - started:.0f} s", flush=True)
    finally:
        helper.stop()
    broken = broken_outputs(written)
    table["embed"]["ok-but-broken"] = len(broken)
    notes += [f"embed ok-but-broken: {p}" for p in sorted(broken)]

    print(f"\n{'command':<8} " + " ".join(f"{c:>13}" for c in COLUMNS))
    for command, counts in table.items():
        print(f"{command:<8} " + " ".join(f"{counts[c]:>13}" for c in COLUMNS))
    print(f"\n{time.monotonic() - started:.0f} s in all (a shared machine: times are indicative)")
    if args.show or len(notes) <= 40:
        for note in notes:
            print("  " + note)
    else:
        print(f"  {len(notes)} problems; --show lists them")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
