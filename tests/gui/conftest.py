"""GUI fixtures: the real MainWindow under offscreen Qt, with worker pools drained after each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from artguard.gui import workers
from artguard.gui.app import create_application
from artguard.gui.main_window import MainWindow
from artguard.gui.settings import GuiSettings


@pytest.fixture
def window(qtbot, tmp_path: Path):
    """A shown main window whose welcome is done and whose output folder is in tmp."""
    create_application("light")
    settings = GuiSettings(welcome_done=True, output_dir=str(tmp_path / "out"))
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.protect.worker is not None:
        win.protect.cancel()
        qtbot.waitUntil(lambda: win.protect.worker is None, timeout=20000)
    workers.wait_all()
    win.close_catalog()


@pytest.fixture
def images(make_image):
    """Three small generated JPEGs in one folder."""
    return [make_image(f"in/img{i}.jpg", 320, 240, seed=i) for i in range(3)]
