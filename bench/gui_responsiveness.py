"""Does the window open fast and stay responsive while it works?

Start-up: the time from launching `python -m artguard gui` to the main window's first
paint plus one event-loop round trip (the window is then interactive), best of --launches,
against a bare PySide6 window launched and measured the same way in the same run. Under
QT_QPA_PLATFORM=offscreen, and under Xvfb (xcb) when `xvfb-run` is installed.
Goal: <= 1.5 s.

A 10 ms QTimer records how late each tick arrives (a stall is the delay beyond 10 ms):
first with the window idle (the baseline, same run), then while 200 images are added
(thumbnails) and protected from the window (text watermark, CMI, C2PA, catalog). Then
the preview: after each watermark control change on a 12 MP image, the time until the
re-stamped preview is ready, idle and while a batch runs.

Goal: no stall over 100 ms; preview under 100 ms after a control change.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_responsiveness.py [--images 500] [--side 1600] [--short]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _common import load_note, result  # noqa: E402

# Run in a fresh process: reports the seconds from launch (BENCH_T0, wall clock taken by
# the parent just before starting it) to the first paint of the main window plus one
# event-loop round trip. "bare" shows an empty QMainWindow instead of ArtGuard's.
STARTUP_CHILD = r"""
import os, sys, time
T0 = float(os.environ["BENCH_T0"])

def watch(app, window_type):
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and isinstance(obj, window_type) and not hasattr(self, "seen"):
                self.seen = True
                QTimer.singleShot(0, done)
            return False

    def done():
        print(f"STARTUP {time.time() - T0:.4f} {time.process_time():.4f}", flush=True)
        app.closeAllWindows()
        app.quit()

    app._bench_filter = FirstPaint()
    app.installEventFilter(app._bench_filter)

if sys.argv[1] == "bare":
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("hello"))
    window.resize(1320, 860)
    watch(app, QMainWindow)
    window.show()
    app.exec()
else:
    from artguard.gui import app as gui_app
    from artguard.cli import main
    create = gui_app.create_application

    def create_and_watch(theme):
        app = create(theme)
        from artguard.gui.main_window import MainWindow
        watch(app, MainWindow)
        return app

    gui_app.create_application = create_and_watch
    sys.exit(main(["gui"]))
"""


def launch_seconds(kind: str, env: dict[str, str], wrapper: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds from launch to an interactive window."""
    env = {**env, "BENCH_T0": repr(time.time())}
    proc = subprocess.run([*wrapper, sys.executable, "-c", STARTUP_CHILD, kind], env=env, capture_output=True, text=True, timeout=120)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("STARTUP")), None)
    if line is None:
        raise SystemExit(f"{kind} window did not open (exit {proc.returncode}):\n{proc.stderr[-1500:]}")
    return float(line.split()[1]), float(line.split()[2])


def bench_startup(home: Path, launches: int) -> None:
    from artguard.gui.settings import GuiSettings

    os.environ["ARTGUARD_HOME"] = str(home)
    GuiSettings(welcome_done=True).save()
    platforms = [("offscreen", {"QT_QPA_PLATFORM": "offscreen"}, [])]
    if shutil.which("xvfb-run"):
        platforms.append(("Xvfb (xcb)", {"QT_QPA_PLATFORM": "xcb"}, ["xvfb-run", "-a"]))
    for name, extra, wrapper in platforms:
        env = {**os.environ, **extra}
        runs = {kind: [launch_seconds(kind, env, wrapper) for _ in range(launches)] for kind in ("bare", "artguard")}
        best = {kind: min(wall for wall, _ in times) for kind, times in runs.items()}
        cpu = {kind: min(used for _, used in times) for kind, times in runs.items()}
        print(f"start-up to first paint + event-loop round trip, {name}, best of {launches}: "
              f"ArtGuard {best['artguard']:.2f} s (CPU {cpu['artguard']:.2f} s), bare PySide6 window "
              f"{best['bare']:.2f} s (CPU {cpu['bare']:.2f} s): {best['artguard'] / best['bare']:.1f}x")
        result(f"GUI start-up to interactive ({name})", best["artguard"], "s", "<= 1.5",
               f"bare PySide6 window {best['bare']:.2f} s; CPU {cpu['artguard']:.2f} s")


def make_images(folder: Path, count: int, side: int) -> list[Path]:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    h = side * 3 // 4
    y, x = np.mgrid[0:h, 0:side].astype(np.float32)
    base = np.stack([127 + 100 * np.sin(x / side * 7), 127 + 100 * np.cos(y / h * 5), 127 + 80 * np.sin((x + y) / side * 3)], -1)
    out = []
    for i in range(count):
        noise = rng.normal(0, 12, (h, side, 3)).astype(np.float32)
        arr = (np.roll(base, i * 17, axis=1) + noise).clip(0, 255).astype(np.uint8)
        path = folder / f"img{i:03d}.jpg"
        Image.fromarray(arr).save(path, quality=90)
        out.append(path)
    return out


class StallMonitor:
    """Ticks every 10 ms and keeps how late each tick came."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.stalls: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.stalls = []
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.stalls

    def _tick(self) -> None:
        now = time.perf_counter()
        self.stalls.append(max(0.0, (now - self._last) * 1000 - 10))
        self._last = now


def summary(name: str, stalls: list[float]) -> str:
    ordered = sorted(stalls) or [0.0]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    over = sum(1 for s in stalls if s > 100)
    return f"{name:<34} ticks {len(stalls):6d}  max stall {ordered[-1]:7.1f} ms  p99 {p99:6.1f} ms  >100 ms: {over}"


def list_fill_seconds(folder: Path, kind: str) -> float:
    """GUI-thread seconds to list every image of ``folder``, shown, plus the event-loop pass
    that lays it out and draws it. "model": the Protect page's FileList (a list model);
    "items": the baseline, same run: a QListWidget with one item per image as that list
    made before (placeholder icon, text, tooltip, three roles, colour), same delegate."""
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QIcon, QPixmap
    from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem

    from artguard.batch import iter_inputs
    from artguard.gui.widgets.file_list import FileItemDelegate, FileList

    widget = FileList() if kind == "model" else QListWidget()
    widget.setIconSize(QSize(64, 64))
    widget.setUniformItemSizes(True)
    widget.setItemDelegate(FileItemDelegate(widget))
    widget.resize(260, 700)
    widget.show()
    QApplication.processEvents()
    placeholder = QIcon(QPixmap(128, 128))
    t0 = time.thread_time()
    if isinstance(widget, FileList):
        widget.add_paths([folder])
    else:
        for file, _rel in iter_inputs([folder]):
            item = QListWidgetItem(placeholder, "")
            item.setData(Qt.ItemDataRole.UserRole, str(file))
            widget.addItem(item)
            item.setText(f"{file.name}\nWaiting")
            item.setData(Qt.ItemDataRole.UserRole + 1, "waiting")
            item.setData(Qt.ItemDataRole.UserRole + 2, "")
            item.setData(Qt.ItemDataRole.UserRole + 3, "")
            item.setToolTip(f"{file}\nWaiting\nDouble-click or F2: title and description")
            item.setForeground(widget.palette().text())
    QApplication.processEvents()
    used = time.thread_time() - t0
    if isinstance(widget, FileList):
        from artguard.gui import workers

        workers.pool("thumbnails").waitForDone()
        QApplication.processEvents()
    widget.close()  # Python owns it: deleted when this returns
    return used


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--side", type=int, default=1600, help="long side of the batch images (px)")
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--no-c2pa", action="store_true")
    parser.add_argument("--short", action="store_true", help="3 launches; 500 images of 800 px (for bench/all.py)")
    args = parser.parse_args(argv)
    if args.short:
        args.launches, args.side = 3, 800
    work = Path(tempfile.mkdtemp(prefix="artguard-bench-gui-"))
    print(load_note())
    bench_startup(work / "startup-home", args.launches)
    os.environ["ARTGUARD_HOME"] = str(work / "home")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from artguard.gui import workers
    from artguard.gui.app import create_application
    from artguard.gui.main_window import MainWindow
    from artguard.gui.settings import GuiSettings

    print(f"generating {args.images} images of {args.side} px and one 12 MP image in {work} …")
    files = make_images(work / "batch", args.images, args.side)
    big = make_images(work / "big", 1, 4000)[0]  # 4000 x 3000 = 12 MP

    app = create_application("light")  # noqa: F841 (the QApplication must stay referenced while the bench runs)
    window = MainWindow(GuiSettings(welcome_done=True, output_dir=str(work / "out"), sign_c2pa=not args.no_c2pa))
    window.resize(1400, 900)
    window.show()
    page = window.protect
    page.profile_editor.fields["creator"].setText("Bench Artist")
    page.watermark.kind.setCurrentIndex(page.watermark.kind.findData("text"))
    monitor = StallMonitor()

    def spin(until, timeout: float = 600.0) -> None:
        """Run the real event loop (as app.exec does) until ``until()`` holds."""
        if until():
            return
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(5)
        end = time.monotonic() + timeout
        poll.timeout.connect(lambda: (until() or time.monotonic() > end) and loop.quit())
        poll.start()
        loop.exec()
        poll.stop()

    def run_for(seconds: float) -> None:
        end = time.monotonic() + seconds
        spin(lambda: time.monotonic() > end)

    monitor.start()
    run_for(2.0)
    idle = monitor.stop()

    def preview_latencies(changes: int) -> list[float]:
        out = []
        for i in range(changes):
            page.renderer.last_latency_ms = None
            if i % 3 == 0:
                page.watermark.opacity.setValue(30 + (i * 7) % 70)
            elif i % 3 == 1:
                page.watermark.size.setValue(4 + i % 12)
            else:
                page.watermark.position_buttons[("top-left", "center", "bottom-right")[i % 3]].click()
            spin(lambda: page.renderer.last_latency_ms is not None, 10)
            out.append(page.renderer.last_latency_ms if page.renderer.last_latency_ms is not None else float("nan"))
        return out

    page.add_paths([big])
    spin(lambda: page.renderer.proxy is not None and not page.preview.image().isNull(), 30)
    idle_preview = preview_latencies(24)

    page.files.clear_all()
    fill = {kind: min(list_fill_seconds(work / "batch", kind) for _ in range(3)) for kind in ("items", "model")}
    monitor.start()
    t0 = time.perf_counter()
    page.add_paths([work / "batch"])
    spin(lambda: page.files.pending_thumbnails() == 0)
    thumbs_s = time.perf_counter() - t0
    adding = monitor.stop()

    page.add_paths([big])
    page.files.setCurrentRow(page.files.count() - 1)
    spin(lambda: page.renderer.proxy is not None, 30)
    monitor.start()
    t0 = time.perf_counter()
    page.start_batch()
    busy_preview = preview_latencies(12)
    spin(lambda: page.worker is None)
    batch_s = time.perf_counter() - t0
    batch = monitor.stop()
    finished = page.last_summary
    workers.wait_all()
    window.close_catalog()

    print()
    print(summary("idle window (baseline)", idle))
    print(summary(f"adding {len(files)} images (thumbnails)", adding) + f"  ({thumbs_s:.1f} s)")
    print(f"{'':34} GUI thread listing them, best of 3: list model {fill['model'] * 1000:.1f} ms, "
          f"a QListWidget item each (the list before) {fill['items'] * 1000:.1f} ms")
    print(summary(f"protecting {len(files) + 1} images", batch) + f"  ({batch_s:.1f} s, {(len(files) + 1) / batch_s:.1f} images/s)")
    if finished is not None:
        print(f"{'':34} ok {finished.count('ok')}  failed {finished.count('error')}  cancelled {finished.cancelled}")
    for name, values in (("preview, idle (12 MP)", idle_preview), ("preview, during the batch", busy_preview)):
        print(f"{name:<34} changes {len(values):3d}  median {statistics.median(values):6.1f} ms  max {max(values):6.1f} ms")
    worst = max(max(adding), max(batch))
    print()
    print(f"worst stall while working / idle baseline max: {worst:.1f} / {max(idle):.1f} ms = {worst / max(max(idle), 0.1):.1f}x")
    print(f"goal no stall > 100 ms: {'met' if worst <= 100 else 'NOT met'}; "
          f"goal preview < 100 ms (idle): {'met' if max(idle_preview) < 100 else 'NOT met'}")
    result(f"GUI worst event-loop stall, adding + protecting {len(files)} images", worst, "ms", "<= 100",
           f"idle window's worst stall {max(idle):.0f} ms")
    result(f"GUI thread listing {len(files)} images (list model / QListWidget items)", fill["model"] / fill["items"], "x", "<= 1",
           f"QListWidget items {fill['items'] * 1000:.1f} ms, list model {fill['model'] * 1000:.1f} ms")
    result("GUI preview after a watermark change (12 MP, idle)", max(idle_preview), "ms", "<= 100", "the same window, idle")
    QApplication.closeAllWindows()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
    # PySide6 6.12 aborted here in the interpreter's final garbage collection ("bool_dealloc",
    # seen after an error in this script): the figures are printed, so skip the teardown.
    sys.stdout.flush()
    os._exit(0)
