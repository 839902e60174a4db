"""Start the desktop app: check the display first, then QApplication, first-run welcome, window."""

from __future__ import annotations

import sys
from pathlib import Path

from artguard import APP_NAME, __version__

EXIT_NO_DISPLAY = 3


def create_application(theme_name: str = "system") -> "QApplication":  # noqa: F821 (Qt imported lazily)
    """The QApplication with ArtGuard's name, icon and palette (reused when one exists)."""
    from PySide6.QtWidgets import QApplication

    from artguard.gui import theme

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else "artguard"])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.artguard.ArtGuard")
    app.setWindowIcon(theme.app_icon())
    _register_bundled_fonts()
    theme.apply_theme(app, theme_name)
    return app


def _register_bundled_fonts() -> None:
    """Make the fonts ArtGuard ships (DejaVu, Droid Sans Fallback for CJK) known to Qt, so a
    creator written "Zoë 山田" shows as text, not boxes, on systems without CJK fonts
    (~11 ms; fontconfig then falls back to them like to an installed font)."""
    from PySide6.QtGui import QFontDatabase

    from artguard import fonts

    for path in fonts.bundled().values():
        QFontDatabase.addApplicationFont(path)


# The core modules the first window (the Protect page) imports, heaviest dependencies first.
# The other pages, and with them the checker, the catalog and C2PA, load on first use.
_CORE = ("numpy", "PIL.Image", "exiv2", "artguard.batch", "artguard.watermark.visible")


def _import_core_before_qt() -> None:
    """Import what the window needs before PySide6 is loaded, to shorten start-up.

    Once loaded, PySide6 (6.12) hooks every later import and reads the new module's
    source (inspect.getsource) to look for its ``__feature__`` switches; for numpy,
    exiv2 and the core this cost ~0.1 s (bench/gui_responsiveness.py). These modules
    are imported anyway.
    """
    import importlib

    for name in _CORE:
        importlib.import_module(name)


def run_app(files: list[str]) -> int:
    """Open the window (after the first-run welcome); returns the process exit code."""
    _import_core_before_qt()
    from artguard.gui.preflight import platform_problem

    problem = platform_problem()
    if problem:
        print(f"artguard: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY

    from artguard.gui.main_window import MainWindow
    from artguard.gui.settings import GuiSettings
    from artguard.gui.workers import wait_all

    settings = GuiSettings.load()
    app = create_application(settings.theme)
    if not settings.welcome_done:
        from artguard.gui.welcome import WelcomeWizard

        wizard = WelcomeWizard()
        if wizard.exec():
            settings.welcome_done = True
            settings.save()
    window = MainWindow(settings)
    missing = [f for f in files if not Path(f).exists()]
    window.add_files([f for f in files if f not in missing])
    if missing:
        window.statusBar().showMessage(f"Not found: {', '.join(missing)}", 10000)
    window.show()
    code = app.exec()
    wait_all()
    return code
