"""Shows one QImage scaled to fit, sharp at any device pixel ratio, with a placeholder text."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


class ImageView(QWidget):
    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self.placeholder = placeholder
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

    def image(self) -> QImage:
        return self._image

    def set_image(self, image: QImage | None) -> None:
        self._image = image if image is not None else QImage()
        self.update()

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        rect = self.rect().adjusted(8, 8, -8, -8)
        if self._image.isNull():
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)
            return
        size = self._image.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
        if size.width() > self._image.width():  # never enlarge a small image past 1:1 device pixels
            size = self._image.size() / self.devicePixelRatioF()
        x = rect.x() + (rect.width() - size.width()) / 2
        y = rect.y() + (rect.height() - size.height()) / 2
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRectF(x, y, size.width(), size.height()), self._image)
