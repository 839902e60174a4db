"""Light and dark palettes (Fusion), the app icon, and verdict colours that read in both.

Verdicts are always shown as a symbol plus words; colour only reinforces them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from artguard import paths

THEMES = ("system", "light", "dark")

VERDICTS: dict[str, tuple[str, str]] = {
    # verdict -> (symbol + words shown, what it means)
    "intact": ("✔ Intact", "All rights information is still in the copy."),
    "partially-stripped": ("⚠ Partly stripped", "Some rights information was removed from this copy."),
    "stripped": ("✖ Stripped", "The rights information was removed from this copy."),
    "altered": ("✖ Altered", "Some rights information in this copy was changed to other words."),
    "credentials-broken": (
        "⚠ Credentials broken",
        "The rights information is intact, but the Content Credentials signature no longer matches the file.",
    ),
    "derivative": ("◐ Derivative", "Shares the composition of a published image in other pixels: compare by eye. "
                   "No rights information is claimed removed."),
    "unknown": ("? Unknown", "This copy could not be matched to anything you published."),
}

_VERDICT_COLOURS = {  # (light background, dark background)
    "intact": ("#d4f4dd", "#1e4d2b"),
    "partially-stripped": ("#fff0c2", "#5c4a12"),
    "stripped": ("#fbd5d5", "#6b2020"),
    "altered": ("#fbd5d5", "#6b2020"),
    "credentials-broken": ("#fff0c2", "#5c4a12"),
    "derivative": ("#e0e7ff", "#312e81"),
    "unknown": ("#e4e4e7", "#3f3f46"),
}


def app_icon() -> QIcon:
    icon = QIcon()
    folder = paths.resources_dir() / "icons"
    for size in (16, 32, 48, 64, 128, 256, 512):
        png = folder / f"artguard-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    svg = folder / "artguard.svg"
    if icon.isNull() and svg.exists():
        icon.addFile(str(svg))
    return icon


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def verdict_colour(verdict: str, dark: bool) -> QColor:
    light_bg, dark_bg = _VERDICT_COLOURS.get(verdict, _VERDICT_COLOURS["unknown"])
    return QColor(dark_bg if dark else light_bg)


def verdict_label(verdict: str) -> str:
    return VERDICTS.get(verdict, (verdict, ""))[0]


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#1f2126"), QColor("#2a2d33"), QColor("#e8e8ea")
    accent = QColor("#5aa0ff")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#262930"),
        QPalette.ColorRole.ToolTipBase: QColor("#33363d"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8c8f96"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#32353c"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff8a80"),
        QPalette.ColorRole.Link: accent,
        QPalette.ColorRole.Highlight: QColor("#2f6fd1"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Light: QColor("#3c4047"),
        QPalette.ColorRole.Midlight: QColor("#353840"),
        QPalette.ColorRole.Mid: QColor("#25272c"),
        QPalette.ColorRole.Dark: QColor("#17181b"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    disabled = QColor("#7a7d84")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def _light_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: QColor("#f3f4f6"),
        QPalette.ColorRole.WindowText: QColor("#1b1c1f"),
        QPalette.ColorRole.Base: QColor("#ffffff"),
        QPalette.ColorRole.AlternateBase: QColor("#f6f7f9"),
        QPalette.ColorRole.ToolTipBase: QColor("#ffffe8"),
        QPalette.ColorRole.ToolTipText: QColor("#1b1c1f"),
        QPalette.ColorRole.PlaceholderText: QColor("#8a8d93"),
        QPalette.ColorRole.Text: QColor("#1b1c1f"),
        QPalette.ColorRole.Button: QColor("#e9eaee"),
        QPalette.ColorRole.ButtonText: QColor("#1b1c1f"),
        QPalette.ColorRole.Link: QColor("#1a5fd0"),
        QPalette.ColorRole.BrightText: QColor("#b3261e"),
        QPalette.ColorRole.Highlight: QColor("#2f6fd1"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    return p


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion with our palette; "system" follows the desktop's light/dark preference."""
    app.setStyle("Fusion")
    dark = theme == "dark"
    if theme == "system":
        dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    app.setPalette(_dark_palette() if dark else _light_palette())
