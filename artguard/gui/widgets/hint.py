"""Small explanatory text under a control, and the style of inline error messages."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

ERROR_STYLE = "color: palette(bright-text); font-weight: 600;"


def hint(text: str, indent: bool = False) -> QLabel:
    """A muted, wrapped label in a slightly smaller font that follows the palette."""
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    label.setStyleSheet("color: palette(placeholder-text);" + (" margin-left: 22px;" if indent else ""))
    return label
