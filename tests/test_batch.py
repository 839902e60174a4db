"""Batch engine: planning, collisions, progress events, cancel, parallel workers."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PIL import Image

from artguard import memory

from artguard.batch import EmbedJob, plan, run_batch
from artguard.catalog import Catalog
from artguard.pipeline import EmbedOptions, RunContext
from artguard.profile import RightsProfile


def options(**kw) -> EmbedOptions:
    return EmbedOptions(RightsProfile(creator="Zoë"), sign_c2pa=False, **kw)


def test_collisions_get_predictable_suffixes(make_image, tmp_path) -> None:
    a = make_image("in/a.jpg", seed=1)
    b = make_image("in/a.png", seed=2)
    job = EmbedJob([a, b], tmp_path / "out", options(format="jpeg"))
    assert [dst.name for _, dst in plan(job)] == ["a.jpg", "a-2.jpg"]


def test_outputs_inside_an_input_folder_are_not_picked_up_again(make_image, tmp_path) -> None:
    make_image("shoot/a.jpg")
    job = EmbedJob([tmp_path / "shoot"], tmp_path / "shoot" / "protected", options())
    assert run_batch(job, ctx=RunContext()).count("ok") == 1
    assert [src.name for src, _ in plan(job)] == ["a.jpg"]


def test_progress_events_count_up_to_the_total(make_image, tmp_path) -> None:
    for i in range(6):
        make_image(f"in/{i}.jpg", 96, 64, seed=i)
    (tmp_path / "in" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 nope")
    events = []
    summary = run_batch(
        EmbedJob([tmp_path / "in"], tmp_path / "out", options(), jobs=2),
        on_event=lambda progress, result: events.append((progress, result)),
    )
    assert [p.done for p, _ in events] == list(range(1, 8))
    last = events[-1][0]
    assert (last.total, last.ok, last.failed) == (7, 6, 1)
    assert last.bytes_done == sum((tmp_path / "out" / "in" / f"{i}.jpg").stat().st_size for i in range(6))
    assert summary.exit_code == 1 and last.eta == 0.0


def test_cancel_mid_batch_leaves_only_complete_outputs(make_image, tmp_path) -> None:
    for i in range(12):
        make_image(f"in/{i:02d}.png", 400, 300, seed=i)
    cancel = threading.Event()

    def on_event(progress, result) -> None:
        if progress.done == 3:
            cancel.set()

    job = EmbedJob([tmp_path / "in"], tmp_path / "out", options(max_size=200), jobs=2)
    summary = run_batch(job, on_event=on_event, cancel=cancel)
    assert summary.cancelled
    written = sorted((tmp_path / "out").rglob("*"))
    files = [p for p in written if p.is_file()]
    assert 3 <= len(files) < 12
    assert not [p for p in files if p.name.startswith(".")], "no temp files left"
    ok = {Path(r.output).name for r in summary.results if r.status == "ok"}
    assert {p.name for p in files} == ok
    with Catalog() as catalog:
        assert catalog.count() == len(ok)
    for path in files:
        with Image.open(path) as img:
            img.load()
            assert max(img.size) == 200


def test_parallel_and_serial_runs_produce_the_same_pixels(make_image, tmp_path) -> None:
    import numpy as np

    for i in range(4):
        make_image(f"in/{i}.jpg", 300, 200, seed=i)
    for jobs, out in ((1, "serial"), (2, "parallel")):
        summary = run_batch(EmbedJob([tmp_path / "in"], tmp_path / out, options(max_size=150), jobs=jobs))
        assert summary.count("ok") == 4
    for i in range(4):
        a = np.asarray(Image.open(tmp_path / "serial" / "in" / f"{i}.jpg"))
        b = np.asarray(Image.open(tmp_path / "parallel" / "in" / f"{i}.jpg"))
        assert np.array_equal(a, b)


def test_ctrl_c_stops_the_cli_cleanly(make_image, tmp_path, artguard_home) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    for i in range(40):
        make_image(f"in/{i:02d}.png", 900, 700, seed=i)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "artguard", "embed", str(tmp_path / "in"), "-o", str(out),
         "--creator", "Z", "--no-c2pa", "--max-size", "800", "--jobs", "2", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "ARTGUARD_HOME": str(artguard_home)},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.png"))) < 2:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.startswith(".")], "no temp files left"
    assert 2 <= len(files) < 40
    for path in files:
        with Image.open(path) as img:
            img.load()



def _resident() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_a_batch_keeps_freed_memory_for_the_next_file_and_gives_it_back_after(make_image, tmp_path) -> None:
    """Memory a file frees (~150 MB of pixels for a 12 MP web copy) stays for the next file
    instead of being faulted in again (~25 % of the CPU); a GUI process gets it back after."""
    if not memory.reuse_large_buffers():
        pytest.skip("glibc's allocator only")
    for i in range(2):
        make_image(f"in/{i}.jpg", 300, 200, seed=i)
    kept = []

    def on_event(progress, result) -> None:
        before = _resident()
        blocks = [bytearray(16 << 20) for _ in range(12)]  # 192 MB in 16 MB pieces, like Pillow's
        del blocks
        kept.append(_resident() - before)

    summary = run_batch(EmbedJob([tmp_path / "in"], tmp_path / "out", options(), jobs=1), on_event=on_event, ctx=RunContext())
    after = _resident()
    assert summary.count("ok") == 2
    assert max(kept) > 150 << 20
    before = _resident()
    blocks = [bytearray(16 << 20) for _ in range(12)]
    del blocks
    assert _resident() - before < 100 << 20
    assert _resident() < after + (32 << 20)
