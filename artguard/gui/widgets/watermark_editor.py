"""Watermark designer: text or logo, font, position, opacity, size, colour, tiling.

Every control change emits ``changed(WatermarkSettings)`` at once; the preview renderer
coalesces bursts (a dragged slider) so the preview follows without queueing stale work.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QWidget,
)

from artguard import fonts
from artguard.gui.widgets.hint import row
from artguard.gui.workers import Task
from artguard.profile import POSITIONS, WatermarkSettings

DEFAULT_FONT = "Default (DejaVu Sans Bold, bundled)"
KINDS = {"none": "No visible watermark", "text": "Text", "logo": "Logo image"}
_ARROWS = ["↖", "↑", "↗", "←", "•", "→", "↙", "↓", "↘"]


class WatermarkEditor(QWidget):
    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = WatermarkSettings()
        self._loading = False
        form = QFormLayout(self)

        self.kind = QComboBox()
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        self.kind.setToolTip("A visible mark stamped on the pixels of every output")
        self.kind.currentIndexChanged.connect(self._emit)
        form.addRow("&Mark:", self.kind)

        self.text = QLineEdit()
        self.text.setToolTip("The mark's words; {year}, {creator}, {date} and {filename} are filled in")
        self.text.textEdited.connect(self._emit)
        form.addRow("&Text:", self.text)

        self.font = QComboBox()
        self.font.setAccessibleName("Font")
        self.font.setToolTip("Typeface of the text mark: the bundled faces and the fonts installed on this computer")
        self.font.addItem(DEFAULT_FONT, "")
        self.font.currentIndexChanged.connect(self._emit)
        form.addRow("&Font:", self.font)
        self._font_task = Task(fonts.families)
        self._font_task.signals.finished.connect(self._fonts_loaded)
        self._font_task.start()

        self.logo = QLineEdit()
        self.logo.setPlaceholderText("PNG with transparency works best")
        self.logo.setToolTip("An image file used as the mark")
        self.logo.editingFinished.connect(self._emit)
        browse = QPushButton("Browse…")
        browse.setToolTip("Choose a logo image")
        browse.clicked.connect(self._browse_logo)
        logo_line = row(self.logo, browse)
        form.addRow("&Logo:", logo_line)
        form.labelForField(logo_line).setBuddy(self.logo)

        grid = QGridLayout()
        grid.setSpacing(2)
        self.positions = QButtonGroup(self)
        self.position_buttons: dict[str, QToolButton] = {}
        for i, name in enumerate(POSITIONS):
            button = QToolButton()
            button.setText(_ARROWS[i])
            button.setCheckable(True)
            button.setToolTip(f"Place the mark {name.replace('-', ' ')}")
            button.setAccessibleName(f"Position {name}")
            button.setMinimumSize(30, 26)
            self.positions.addButton(button, i)
            self.position_buttons[name] = button
            grid.addWidget(button, i // 3, i % 3)
        self.positions.idClicked.connect(self._emit)
        grid_box = QWidget()
        grid_box.setLayout(grid)
        grid_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        form.addRow("Position:", grid_box)

        self.opacity = self._slider(0, 100, "How see-through the mark is (100 % is solid)")
        self.opacity_label = QLabel()
        form.addRow("&Opacity:", _with_value(self.opacity, self.opacity_label))
        self.size = self._slider(1, 50, "Mark height (or logo width) as a share of the image's short side")
        self.size_label = QLabel()
        form.addRow("Si&ze:", _with_value(self.size, self.size_label))

        colour_row = QHBoxLayout()
        self.colour = QPushButton()
        self.colour.setToolTip("Colour of the text")
        self.colour.clicked.connect(self._pick_colour)
        self.outline = QCheckBox("Outline")
        self.outline.setToolTip("A thin dark outline keeps the text readable on light and dark areas")
        self.outline.toggled.connect(self._emit)
        self.shadow = QCheckBox("Shadow")
        self.shadow.setToolTip("A soft drop shadow, for busy light backgrounds")
        self.shadow.toggled.connect(self._emit)
        colour_row.addWidget(self.colour)
        colour_row.addWidget(self.outline)
        colour_row.addWidget(self.shadow)
        colour_row.addStretch(1)
        form.addRow("Colour:", colour_row)

        self.rotation = QSpinBox()
        self.rotation.setRange(-180, 180)
        self.rotation.setSuffix("°")
        self.rotation.setToolTip("Turn the mark (counter-clockwise)")
        self.rotation.valueChanged.connect(self._emit)
        form.addRow("&Rotation:", self.rotation)

        tile_row = QHBoxLayout()
        self.tile = QCheckBox("Repeat over the whole image")
        self.tile.setToolTip("Tiles are much harder to crop or paint out than one corner mark")
        self.tile.toggled.connect(self._emit)
        self.tile_angle = QSpinBox()
        self.tile_angle.setRange(-90, 90)
        self.tile_angle.setSuffix("°")
        self.tile_angle.setToolTip("Angle of the repeated marks")
        self.tile_angle.valueChanged.connect(self._emit)
        tile_row.addWidget(self.tile)
        tile_row.addWidget(self.tile_angle)
        tile_row.addStretch(1)
        form.addRow("Tile:", tile_row)
        self.set_settings(self._settings)

    def _slider(self, low: int, high: int, tip: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(low, high)
        slider.setToolTip(tip)
        slider.valueChanged.connect(self._emit)
        return slider

    def settings(self) -> WatermarkSettings:
        checked = self.positions.checkedId()
        return dataclasses.replace(
            self._settings,
            kind=self.kind.currentData(),
            text=self.text.text(),
            logo_path=self.logo.text().strip(),
            font_path=self.font.currentData() if self.font.currentIndex() >= 0 else self._settings.font_path,
            position=POSITIONS[checked] if checked >= 0 else self._settings.position,
            opacity=self.opacity.value() / 100,
            scale=self.size.value() / 100,
            outline=self.outline.isChecked(),
            shadow=self.shadow.isChecked(),
            rotation=float(self.rotation.value()),
            tile=self.tile.isChecked(),
            tile_angle=float(self.tile_angle.value()),
        )

    def set_settings(self, settings: WatermarkSettings) -> None:
        self._loading = True
        self._settings = dataclasses.replace(settings)
        self.kind.setCurrentIndex(max(0, self.kind.findData(settings.kind)))
        self.text.setText(settings.text)
        self.logo.setText(settings.logo_path)
        self._select_font(settings.font_path)
        self.position_buttons.get(settings.position, self.position_buttons["bottom-right"]).setChecked(True)
        self.opacity.setValue(round(settings.opacity * 100))
        self.size.setValue(max(1, round(settings.scale * 100)))
        self.outline.setChecked(settings.outline)
        self.shadow.setChecked(settings.shadow)
        self.rotation.setValue(round(settings.rotation))
        self.tile.setChecked(settings.tile)
        self.tile_angle.setValue(round(settings.tile_angle))
        self._loading = False
        self._refresh()

    def _refresh(self) -> None:
        kind = self.kind.currentData()
        self.text.setEnabled(kind == "text")
        self.font.setEnabled(kind == "text")
        self.logo.setEnabled(kind == "logo")
        for widget in (self.opacity, self.size, self.colour, self.outline, self.shadow, self.rotation, self.tile):
            widget.setEnabled(kind != "none")
        for button in self.position_buttons.values():
            button.setEnabled(kind != "none" and not self.tile.isChecked())
        self.rotation.setEnabled(kind != "none" and not self.tile.isChecked())
        self.tile_angle.setEnabled(kind != "none" and self.tile.isChecked())
        self.opacity_label.setText(f"{self.opacity.value()} %")
        self.size_label.setText(f"{self.size.value()} %")
        colour = QColor(self._settings.color)
        self.colour.setText(colour.name())
        swatch = QPixmap(18, 18)
        swatch.fill(colour)
        painter = QPainter(swatch)
        painter.setPen(QColor("#7a7a7a"))  # a white or black swatch stays visible on any palette
        painter.drawRect(0, 0, 17, 17)
        painter.end()
        self.colour.setIcon(QIcon(swatch))
        self.colour.setAccessibleName(f"Text colour {colour.name()}")

    def _fonts_loaded(self, found: object) -> None:
        """Fill the font list (read off the GUI thread); each name shown in its own face."""
        assert isinstance(found, dict)
        known = set(QFontDatabase.families())
        self._loading = True
        current = self._settings.font_path
        for family in sorted(found, key=str.casefold):
            self.font.addItem(family, found[family])
            if family in known:
                self.font.setItemData(self.font.count() - 1, QFont(family), Qt.ItemDataRole.FontRole)
        self._loading = False
        self._select_font(current)

    def _select_font(self, path: str) -> None:
        index = self.font.findData(path) if path else 0
        if index < 0:  # a file chosen elsewhere (an imported profile): keep it, named by its file
            self.font.addItem(Path(path).name, path)
            index = self.font.count() - 1
        was = self._loading
        self._loading = True
        self.font.setCurrentIndex(index)
        self._loading = was

    def _emit(self) -> None:
        self._refresh()
        if not self._loading:
            self._settings = self.settings()
            self.changed.emit(self._settings)

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._settings.color), self, "Watermark colour")
        if colour.isValid():
            self._settings = dataclasses.replace(self._settings, color=colour.name())
            self._emit()

    def _browse_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a logo", str(Path.home()), "Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)")
        if path:
            self.logo.setText(path)
            if self.kind.currentData() != "logo":
                self.kind.setCurrentIndex(self.kind.findData("logo"))
            self._emit()


def _with_value(slider: QSlider, label: QLabel) -> QWidget:
    box = QWidget()
    line = QHBoxLayout(box)
    line.setContentsMargins(0, 0, 0, 0)
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance("100 %") + 4)
    line.addWidget(slider, 1)
    line.addWidget(label)
    return box
