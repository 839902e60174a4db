"""ArtGuard's desktop app (PySide6). The only package that imports Qt.

Public surface:

- ``artguard.gui.app.run_app(files) -> int``: check that a window can open (else print what
  to install and return non-zero), show the first-run welcome, open the main window.
- ``artguard.gui.app.create_application(theme)``: the configured QApplication (tests, bench).
- ``artguard.gui.main_window.MainWindow``: the window; its pages are ``protect``,
  ``check``, ``catalog`` and ``identity`` (modules in ``artguard.gui.pages``).
- ``artguard.gui.welcome.WelcomeWizard``: first profile and signing identity.
- ``artguard.gui.settings.GuiSettings``: settings remembered between runs (JSON under
  the user dir; ``ARTGUARD_HOME`` overrides).
- ``artguard.gui.workers``: ``Task`` and ``BatchWorker``, the thread pool workers that run
  all file work off the GUI thread.

Importing the package keeps ``None``/``True``/``False`` alive against PySide6 6.12's
dropped references (``artguard.gui.singletons``).

The core never imports this package; progress and cancel reach it as plain callbacks and
a ``threading.Event`` (see ``artguard.batch``).
"""

from artguard.gui import singletons

singletons.keep_alive()
