"""Before/after preview: the original and the protected look side by side on one canvas.

Three ways to look (``mode``): the result, the original, or a split with a handle the user
drags. ``zoom`` is "fit" (whole image) or 1:1 (one image pixel per screen pixel, dragged
to pan). A platform crop (e.g. Instagram 4:5) shows as a box over the image that the user
drags into place; the box's centre, as fractions of the image, is ``crop_moved``'s value
and is what the pipeline crops around.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPalette, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from artguard.imaging import crop_box

MODES = ("after", "before", "split")
_HANDLE_GRAB = 8  # px either side of the split line that grab it


class CompareView(QWidget):
    crop_moved = Signal(object)  # (x, y) fractions
    mode_changed = Signal(str)
    zoom_changed = Signal(bool)  # True: 1:1

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self.before = QImage()
        self.after = QImage()
        self.mode = "after"
        self.split = 0.5  # fraction of the image width shown as "before" (left)
        self.actual_size = False
        self.crop_aspect: tuple[int, int] | None = None
        self.crop_centre = (0.5, 0.5)
        self._pan = QPointF(0, 0)  # image point at the widget centre, in image pixels (1:1 mode)
        self._drag: str | None = None  # "split" | "crop" | "pan"
        self._drag_from = QPointF()
        self._drag_start: tuple[float, float] | QPointF = (0.0, 0.0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # ---- content ------------------------------------------------------------------------
    def set_images(self, before: QImage | None, after: QImage | None) -> None:
        """Both images show the same picture (the after may be cropped: then split and
        toggle compare it against the same region of the before)."""
        self.before = before if before is not None else QImage()
        self.after = after if after is not None else QImage()
        self._clamp_pan()
        self.update()

    def set_after(self, after: QImage | None) -> None:
        self.set_images(self.before, after)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if mode != self.mode:
            self.mode = mode
            self.update()
            self.mode_changed.emit(mode)

    def toggle_before_after(self) -> None:
        self.set_mode("before" if self.mode == "after" else "after")

    def set_actual_size(self, on: bool) -> None:
        if on != self.actual_size:
            self.actual_size = on
            image = self.shown_image()
            self._pan = QPointF(image.width() / 2, image.height() / 2)
            self.update()
            self.zoom_changed.emit(on)

    def set_crop(self, aspect: tuple[int, int] | None, centre: tuple[float, float] = (0.5, 0.5)) -> None:
        self.crop_aspect, self.crop_centre = aspect, centre
        self.update()

    def image(self) -> QImage:
        """The result as shown (the stamped preview, or the written file after protecting)."""
        return self.after

    def shown_image(self) -> QImage:
        """The image that sets the geometry (the after when there is one)."""
        return self.after if not self.after.isNull() else self.before

    # ---- geometry -----------------------------------------------------------------------
    def image_rect(self) -> QRectF:
        """Where the image is drawn, in widget coordinates."""
        image = self.shown_image()
        if image.isNull():
            return QRectF()
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        ratio = self.devicePixelRatioF()
        if self.actual_size:
            width, height = image.width() / ratio, image.height() / ratio
            centre = area.center()
            return QRectF(centre.x() - self._pan.x() / ratio, centre.y() - self._pan.y() / ratio, width, height)
        size = QSize(image.width(), image.height()).scaled(area.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
        if size.width() > image.width() / ratio:  # never enlarge past 1:1 device pixels
            size = QSize(round(image.width() / ratio), round(image.height() / ratio))
        return QRectF(
            area.x() + (area.width() - size.width()) / 2, area.y() + (area.height() - size.height()) / 2,
            size.width(), size.height(),
        )

    def crop_rect(self) -> QRectF:
        """The crop box in widget coordinates (empty without a crop)."""
        target = self.image_rect()
        image = self.shown_image()
        if not self.crop_aspect or target.isEmpty():
            return QRectF()
        left, top, right, bottom = crop_box((image.width(), image.height()), self.crop_aspect, self.crop_centre)
        sx, sy = target.width() / image.width(), target.height() / image.height()
        return QRectF(target.x() + left * sx, target.y() + top * sy, (right - left) * sx, (bottom - top) * sy)

    def split_x(self) -> float:
        target = self.image_rect()
        return target.x() + target.width() * self.split

    def _clamp_pan(self) -> None:
        image = self.shown_image()
        self._pan = QPointF(min(max(self._pan.x(), 0), image.width()), min(max(self._pan.y(), 0), image.height()))

    # ---- painting -----------------------------------------------------------------------
    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        target = self.image_rect()
        if target.isEmpty():
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not self.actual_size)
        before = self.before if not self.before.isNull() else self.after
        after = self.after if not self.after.isNull() else self.before
        if self.mode == "before":
            painter.drawImage(target, before)
        elif self.mode == "after":
            painter.drawImage(target, after)
        else:
            x = self.split_x()
            painter.save()
            painter.setClipRect(QRectF(target.x(), target.y(), x - target.x(), target.height()))
            painter.drawImage(target, before)
            painter.setClipRect(QRectF(x, target.y(), target.right() - x, target.height()))
            painter.drawImage(target, after)
            painter.restore()
            self._paint_split_handle(painter, x, target)
        self._paint_crop(painter, target)
        self._paint_badge(painter)

    def _paint_split_handle(self, painter: QPainter, x: float, target: QRectF) -> None:
        painter.setPen(QPen(QColor(255, 255, 255, 230), 2))
        painter.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()))
        knob = QRectF(x - 9, target.center().y() - 18, 18, 36)
        painter.setBrush(QColor(30, 30, 30, 200))
        painter.drawRoundedRect(knob, 6, 6)
        painter.drawText(knob, Qt.AlignmentFlag.AlignCenter, "⇔")
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for text, left in (("Before", True), ("After", False)):
            rect = QRectF(target.left() + 6, target.top() + 6, x - target.left() - 12, 22) if left else QRectF(x + 6, target.top() + 6, target.right() - x - 12, 22)
            align = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight
            self._label(painter, rect, text, align)

    def _paint_crop(self, painter: QPainter, target: QRectF) -> None:
        box = self.crop_rect()
        if box.isEmpty():
            return
        shade = QColor(0, 0, 0, 130)
        for part in (
            QRectF(target.left(), target.top(), target.width(), box.top() - target.top()),
            QRectF(target.left(), box.bottom(), target.width(), target.bottom() - box.bottom()),
            QRectF(target.left(), box.top(), box.left() - target.left(), box.height()),
            QRectF(box.right(), box.top(), target.right() - box.right(), box.height()),
        ):
            if part.width() > 0 and part.height() > 0:
                painter.fillRect(part, shade)
        painter.setPen(QPen(QColor("#ffd54a"), 2, Qt.PenStyle.DashLine))
        painter.drawRect(box)
        w, h = self.crop_aspect or (1, 1)
        self._label(painter, QRectF(box.left() + 6, box.bottom() - 28, box.width() - 12, 22),
                    f"{w}:{h} crop: drag to move", Qt.AlignmentFlag.AlignLeft)

    def _paint_badge(self, painter: QPainter) -> None:
        text = {"after": "After", "before": "Before (original)", "split": ""}[self.mode]
        if self.actual_size:
            text = f"{text} · 1:1" if text else "1:1"
        if text:
            self._label(painter, QRectF(self.rect()).adjusted(12, 12, -12, -12), text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

    def _label(self, painter: QPainter, rect: QRectF, text: str, align: Qt.AlignmentFlag) -> None:
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(text) + 12
        if rect.width() < width:
            return
        x = rect.left() if align & Qt.AlignmentFlag.AlignLeft else rect.right() - width
        box = QRectF(x, rect.top(), width, metrics.height() + 6)
        painter.fillRect(box, QColor(0, 0, 0, 160))
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    # ---- interaction --------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if event.button() != Qt.MouseButton.LeftButton or self.image_rect().isEmpty():
            return super().mousePressEvent(event)
        if self.mode == "split" and abs(pos.x() - self.split_x()) <= _HANDLE_GRAB:
            self._drag = "split"
        elif self.crop_rect().contains(pos):
            self._drag, self._drag_start = "crop", self.crop_centre
        elif self.actual_size:
            self._drag, self._drag_start = "pan", QPointF(self._pan)
        elif self.mode == "split":
            self._drag = "split"
            self._move_split(pos.x())
        self._drag_from = pos

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag == "split":
            self._move_split(pos.x())
        elif self._drag == "crop":
            target = self.image_rect()
            start = self._drag_start
            assert isinstance(start, tuple)
            dx = (pos.x() - self._drag_from.x()) / target.width()
            dy = (pos.y() - self._drag_from.y()) / target.height()
            self.move_crop((start[0] + dx, start[1] + dy))
        elif self._drag == "pan":
            start = self._drag_start
            assert isinstance(start, QPointF)
            ratio = self.devicePixelRatioF()
            self._pan = start - (pos - self._drag_from) * ratio
            self._clamp_pan()
            self.update()
        else:
            near_split = self.mode == "split" and abs(pos.x() - self.split_x()) <= _HANDLE_GRAB
            if near_split:
                self.setCursor(Qt.CursorShape.SplitHCursor)
            elif self.crop_rect().contains(pos):
                self.setCursor(Qt.CursorShape.SizeAllCursor)
            elif self.actual_size:
                self.setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag == "crop":
            self.crop_moved.emit(self.crop_centre)
        self._drag = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.set_actual_size(not self.actual_size)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_actual_size(event.angleDelta().y() > 0)
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrow keys nudge the crop box (Shift: ten times further), for keyboard users."""
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        step = steps.get(Qt.Key(event.key()))
        if step is None or not self.crop_aspect or self.shown_image().isNull():
            return super().keyPressEvent(event)
        size = 0.1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0.01
        self.move_crop((self.crop_centre[0] + step[0] * size, self.crop_centre[1] + step[1] * size))
        self.crop_moved.emit(self.crop_centre)

    def move_crop(self, centre: tuple[float, float]) -> None:
        """Move the box (kept inside the image: the stored centre is where it really sits)."""
        image = self.shown_image()
        if not self.crop_aspect or image.isNull():
            return
        left, top, right, bottom = crop_box((image.width(), image.height()), self.crop_aspect, (
            min(max(centre[0], 0.0), 1.0), min(max(centre[1], 0.0), 1.0)))
        self.crop_centre = ((left + right) / 2 / image.width(), (top + bottom) / 2 / image.height())
        self.update()

    def _move_split(self, x: float) -> None:
        target = self.image_rect()
        self.split = min(max((x - target.x()) / max(target.width(), 1), 0.0), 1.0)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 360)
