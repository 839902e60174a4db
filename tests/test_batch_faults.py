"""Fault injection: a worker killed mid-batch, SIGTERM to the run, a full disk, debris from
a killed run. Real processes, real signals, a real (tiny) file system."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artguard.catalog import Catalog
from artguard.cli import main

ROOT = Path(__file__).resolve().parents[1]
EMBED = ["--creator", "Jane Faults", "--json"]


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for kid in _children(todo.pop()):
            if kid not in found:
                found.add(kid)
                todo.append(kid)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _workers(pid: int) -> list[int]:
    """Pool workers: the children of the run's forkserver."""
    servers = [k for k in _children(pid) if "forkserver" in _cmdline(k)]
    return [w for s in servers for w in _children(s)]


def _start_embed(inputs: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "artguard", "embed", str(inputs), "-o", str(out), "--jobs", "2", *EMBED, *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _wait_for_workers(proc: subprocess.Popen, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        workers = _workers(proc.pid)
        if workers:
            return workers
        time.sleep(0.05)
    pytest.fail("no worker process appeared")


def _wait_for_first_output(proc: subprocess.Popen, out: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if any(out.rglob("*.jpg")):
            return
        time.sleep(0.01)
    pytest.fail("the batch wrote nothing, or ended before a worker could be killed")


@pytest.fixture
def six_images(make_image, tmp_path: Path) -> Path:
    for n in range(6):
        make_image(f"in/img{n}.jpg", 1400, 1000, seed=n)
    return tmp_path / "in"


def test_a_killed_worker_fails_no_batch(six_images: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _start_embed(six_images, out, "--invisible")
    victim = _wait_for_workers(proc)[0]
    _wait_for_first_output(proc, out)  # mid-batch: files are still waiting, so the pool is alive
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    assert b"Traceback" not in stderr and b"BrokenProcessPool" not in stderr
    doc = json.loads(stdout)
    # The held files ran again in a new pool; one the victim had finished (written and
    # recorded) before it died is found up to date, which is true.
    assert all(f["status"] == "ok" or f.get("note") == "up to date" for f in doc["files"]), doc
    assert len(doc["files"]) == 6
    for entry in doc["files"]:
        with Image.open(entry["output"]) as img:
            img.load()
    assert not list(out.rglob(".*.part"))
    outputs = {p.output.path for p in Catalog().list()}
    assert outputs == {str(Path(f["output"]).resolve()) for f in doc["files"]}


def test_sigterm_ends_the_run_cleanly(six_images: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _start_embed(six_images, out, "--invisible")
    _wait_for_workers(proc)
    family = _descendants(proc.pid)
    assert any("resource_tracker" in _cmdline(p) for p in family) or family
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 143, stderr.decode()
    assert b"stopped by signal 15" in stderr and b"Traceback" not in stderr
    time.sleep(0.5)
    assert [p for p in family if _alive(p)] == []  # no worker, forkserver or resource tracker left
    doc = json.loads(stdout)
    assert doc["cancelled"] and doc["written"] < 6
    written = sorted(out.rglob("*.jpg"))
    assert len(written) == doc["written"] and not list(out.rglob(".*.part"))
    for path in written:  # what was finished is complete and recorded
        with Image.open(path) as img:
            img.load()
    assert len(Catalog().list()) == doc["written"]


def test_next_run_removes_debris_of_a_killed_run_and_nothing_else(make_image, tmp_path: Path, capsys) -> None:
    src = make_image("in/a.jpg", 64, 48)
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    debris = out / f".a.jpg.ag{dead}-abcd1234.part"
    legacy_old = out / ".b.jpg.k2j4h5g6.part"
    legacy_new = out / ".c.jpg.z9y8x7w6.part"
    live = out / f".d.jpg.ag{os.getpid()}-abcd1234.part"
    foreign = out / ".notes.part"
    for path in (debris, legacy_old, legacy_new, live, foreign):
        path.write_bytes(b"x" * 100)
    os.utime(legacy_old, (time.time() - 7200, time.time() - 7200))
    assert main(["embed", str(src), "-o", str(out), *EMBED, "--no-c2pa"]) == 0
    capsys.readouterr()
    assert not debris.exists() and not legacy_old.exists()
    assert legacy_new.exists() and live.exists() and foreign.exists()


@pytest.fixture
def tiny_disk(tmp_path: Path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_gives_a_per_file_error_and_leaves_nothing(make_image, tiny_disk: Path, capsys) -> None:
    small = make_image("in/small.jpg", 64, 48, seed=1)
    noisy = small.parent / "noisy.jpg"  # 230 KB as JPEG, 2.4 MB as PNG: passes the free-space check, then fills the disk
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (900, 900, 3), dtype=np.uint8)).save(noisy, quality=30)
    code = main(["embed", str(small), str(noisy), "-o", str(tiny_disk), *EMBED, "--format", "png", "--no-c2pa"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    by_name = {Path(f["input"]).name: f for f in doc["files"]}
    assert by_name["small.jpg"]["status"] == "ok"
    assert by_name["noisy.jpg"]["status"] == "error"
    assert "disk" in by_name["noisy.jpg"]["error"] and "Traceback" not in by_name["noisy.jpg"]["error"]
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["small.png"]
    assert [Path(p.output.path).name for p in Catalog().list()] == ["small.png"]


def test_default_workers_fit_in_free_memory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from artguard import batch
    from artguard.pipeline import EmbedOptions
    from artguard.profile import RightsProfile

    def job(**options) -> batch.EmbedJob:
        return batch.EmbedJob([tmp_path], tmp_path / "out", EmbedOptions(profile=RightsProfile(creator="J"), **options))

    cores = os.cpu_count() or 1
    monkeypatch.setattr(batch, "available_memory", lambda: 2 << 30)  # 2 GiB free
    assert job(invisible=True).worker_count() == 1
    assert job().worker_count() == min(cores, 8)
    monkeypatch.setattr(batch, "available_memory", lambda: 256 << 30)
    assert job(invisible=True).worker_count() == cores
    assert job(invisible=True).worker_count() == batch.EmbedJob([tmp_path], tmp_path, job().options, jobs=0).worker_count()
    assert batch.EmbedJob([tmp_path], tmp_path, job().options, jobs=3).worker_count() == 3
    assert 0 < batch.available_memory()


def test_a_file_whose_worker_dies_every_time_fails_alone(make_image, tmp_path: Path) -> None:
    """Kill the worker writing victim.jpg each time (its temp name carries the writer's
    pid): the first death sends the files in flight to be retried one at a time, the
    second marks victim.jpg as the cause; every other file is written."""
    for n in range(5):
        make_image(f"in/ok{n}.jpg", 900, 700, seed=n)
    make_image("in/victim.jpg", 2600, 1900, seed=9)
    out = tmp_path / "out"
    proc = _start_embed(tmp_path / "in", out, "--invisible")
    killed: set[int] = set()
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        for part in out.rglob(".victim.jpg.ag*.part"):
            pid = int(part.name.split(".ag", 1)[1].split("-", 1)[0])
            if pid not in killed:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        time.sleep(0.002)
    stdout, stderr = proc.communicate(timeout=60)
    assert len(killed) == 2, stderr.decode()
    files = {Path(f["input"]).name: f for f in json.loads(stdout)["files"]}
    assert files["victim.jpg"]["status"] == "error" and "worker process died" in files["victim.jpg"]["error"]
    assert all(files[f"ok{n}.jpg"]["status"] == "ok" for n in range(5))
    assert proc.returncode == 1 and b"Traceback" not in stderr
    assert not list(out.rglob(".*.part")) and not (out / "in" / "victim.jpg").exists()
    assert sorted(Path(p.output.path).name for p in Catalog().list()) == [f"ok{n}.jpg" for n in range(5)]
