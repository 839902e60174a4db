"""Live watermark preview: a reduced proxy of the selected image, re-stamped off the GUI thread.

Only one render runs at a time; while it runs, newer requests replace each other, so a
dragged slider costs one render per frame of work instead of a growing queue. The
latency of the last render (request to image ready) is kept for the benchmark.
"""

from __future__ import annotations

import time
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from artguard import imaging
from artguard.gui.qimage import to_qimage
from artguard.gui.workers import Task
from artguard.imaging import crop_box
from artguard.profile import WatermarkSettings
from artguard.watermark.visible import render_preview

PROXY_SIDE = 1200


def load_proxy(path: Path, side: int = PROXY_SIDE) -> Image.Image:
    img = imaging.decode_reduced(path, side).image
    return img if img.mode in ("RGB", "RGBA") else imaging.to_rgb(img)


def load_proxy_pair(path: Path) -> tuple[Image.Image, QImage]:
    """The proxy to stamp, and the same picture for the "before" side of the compare view."""
    img = load_proxy(path)
    return img, to_qimage(img)


def load_output(path: Path) -> QImage:
    """A written output, as it is on disk (after protecting, the preview shows the real file)."""
    return to_qimage(load_proxy(path))


Crop = tuple[tuple[int, int], tuple[float, float]]  # (aspect, centre) of a platform crop


def stamp(proxy: Image.Image, settings: WatermarkSettings, text: str, crop: Crop | None = None) -> QImage:
    """The proxy with the mark drawn as the output will have it: with a platform crop, the
    mark is placed and sized on the crop box (as on the cropped copy), not on the whole image."""
    if not settings.enabled():
        return to_qimage(proxy)
    if crop is None:
        return to_qimage(render_preview(proxy, settings, text=text))
    box = crop_box(proxy.size, crop[0], crop[1])
    marked = proxy.copy()
    marked.paste(render_preview(proxy.crop(box), settings, text=text), box[:2])
    return to_qimage(marked)


class PreviewRenderer(QObject):
    ready = Signal(QImage)
    source_ready = Signal(QImage)  # the unmarked proxy: the compare view's "before"
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source: Path | None = None
        self.proxy: Image.Image | None = None
        self.last_latency_ms: float | None = None
        self._want: tuple[WatermarkSettings, str, Crop | None] | None = None
        self._last: tuple[WatermarkSettings, str, Crop | None] | None = None
        self._asked_at = 0.0
        self._busy = False
        self._token = 0
        self._tasks: set[Task] = set()

    def set_source(self, path: Path | None) -> None:
        self._token += 1
        self.source, self.proxy = path, None
        if path is None:
            self.ready.emit(QImage())
            return
        token = self._token
        self._run(Task(load_proxy_pair, path), lambda pair: self._proxy_loaded(token, pair))

    def request(self, settings: WatermarkSettings, text: str, crop: Crop | None = None) -> None:
        if self._want is None:
            self._asked_at = time.perf_counter()
        self._want = self._last = (settings, text, crop)
        self._kick()

    def _proxy_loaded(self, token: int, pair: tuple[Image.Image, QImage]) -> None:
        if token == self._token:
            self.proxy = pair[0]
            self.source_ready.emit(pair[1])
            if self._want is None and self._last is not None:
                self._want, self._asked_at = self._last, time.perf_counter()
            self._kick()

    def _kick(self) -> None:
        if self._busy or self.proxy is None or self._want is None:
            return
        settings, text, crop = self._want
        self._want = None
        asked_at, token = self._asked_at, self._token
        self._busy = True
        self._run(Task(stamp, self.proxy, settings, text, crop), lambda image: self._done(token, asked_at, image))

    def _done(self, token: int, asked_at: float, image: QImage) -> None:
        self._busy = False
        if token == self._token:
            self.last_latency_ms = (time.perf_counter() - asked_at) * 1000
            self.ready.emit(image)
        self._kick()

    def _run(self, task: Task, on_done) -> None:  # type: ignore[no-untyped-def]
        self._tasks.add(task)

        def finished(result: object) -> None:
            self._tasks.discard(task)
            on_done(result)

        def failed(message: str) -> None:
            self._tasks.discard(task)
            self._busy = False
            self.failed.emit(message)
            self._kick()

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        task.start("preview")
