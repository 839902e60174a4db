"""Small explanatory text under a control, and the style of inline error messages."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

def row(*widgets: QWidget, stretch_first: bool = True) -> QWidget:
    """Widgets side by side in one widget, so a form label can be its buddy (mnemonics work)."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if (i == 0 and stretch_first) else 0)
    return box


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
