"""The main window: a page list on the left (Protect, Check, Catalog, Website, Identity &
settings), menus with shortcuts for the main actions, and a close that never abandons a
running batch.

Only the Protect page is built with the window; the others (and their imports: the
checker, the catalog, the website kit) are built the first time they are shown or used,
so start-up pays only for what the first window draws.
"""

from __future__ import annotations

from pathlib import Path

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QWidget,
)

from artguard import APP_NAME
from artguard.errors import ArtGuardError
from artguard.gui import theme
from artguard.gui.pages.protect import ProtectPage
from artguard.gui.settings import GuiSettings
from artguard.gui.workers import FeatureWorker, Task

if TYPE_CHECKING:
    from artguard.gui.pages.catalog import CatalogPage
    from artguard.gui.pages.check import CheckPage
    from artguard.gui.pages.identity import IdentityPage
    from artguard.gui.pages.website import WebsitePage

PAGES = ("Protect", "Check", "Catalog", "Website", "Identity & settings")
PROTECT, CHECK, CATALOG, WEBSITE, IDENTITY = range(5)
# Imported on a worker once the window is up, so the first Protect click (which needs the
# signing identity) does not import cryptography and c2pa on the GUI thread.
# Started a moment after the event loop, so it does not compete with the first paint.
WARM_UP = ("artguard.gui.pages.identity",)
WARM_UP_AFTER_MS = 400
# The pages built on first use: (module, class).
_LATER = {
    CHECK: ("artguard.gui.pages.check", "CheckPage"),
    CATALOG: ("artguard.gui.pages.catalog", "CatalogPage"),
    WEBSITE: ("artguard.gui.pages.website", "WebsitePage"),
    IDENTITY: ("artguard.gui.pages.identity", "IdentityPage"),
}


class MainWindow(QMainWindow):
    def __init__(self, settings: GuiSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or GuiSettings.load()
        self._close_when_idle = False
        self.upkeep: FeatureWorker | None = None  # idle-time catalog upkeep after a batch
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(theme.app_icon())
        self.resize(1320, 860)

        self.protect = ProtectPage(self.settings)
        self._pages: dict[int, QWidget] = {PROTECT: self.protect}

        self.nav = QListWidget()
        self.nav.setAccessibleName("Pages")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setFixedWidth(190)
        self.nav.setSpacing(2)
        icons = (
            QStyle.StandardPixmap.SP_DialogApplyButton,
            QStyle.StandardPixmap.SP_FileDialogContentsView,
            QStyle.StandardPixmap.SP_FileDialogDetailedView,
            QStyle.StandardPixmap.SP_DriveNetIcon,
            QStyle.StandardPixmap.SP_DialogOpenButton,
        )
        self.stack = QStackedWidget()
        for i, (name, icon) in enumerate(zip(PAGES, icons)):
            item = QListWidgetItem(self.style().standardIcon(icon), name)
            item.setToolTip(f"{name} (Ctrl+{i + 1})")
            item.setSizeHint(QSize(0, 40))
            self.nav.addItem(item)
            self.stack.addWidget(self._pages.get(i) or QWidget())  # a placeholder until first shown
        self.nav.currentRowChanged.connect(self._page_changed)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self.nav, self.stack)

        self._build_menus()
        self.protect.message.connect(self._show_message)
        self.protect.batch_finished.connect(self._batch_finished)
        self.protect.busy_changed.connect(self._busy_changed)
        self.statusBar().showMessage("Ready. Add images to protect, or drop copies on the Check page.")

        if self.settings.geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.geometry.encode("ascii")))
        self.show_page(self.settings.page if 0 <= self.settings.page < len(PAGES) else PROTECT)
        QTimer.singleShot(WARM_UP_AFTER_MS, lambda: Task(_import_all, WARM_UP).start())

    # ---- pages built on first use ------------------------------------------------------
    def page(self, index: int) -> QWidget:
        """The page at ``index``, built (and put in its place in the stack) on first use."""
        if index not in self._pages:
            module, name = _LATER[index]
            cls = getattr(importlib.import_module(module), name)
            page = cls(self.settings) if index in (IDENTITY, CHECK) else cls()
            page.message.connect(self._show_message)
            if index == IDENTITY:
                page.theme_changed.connect(self._apply_theme)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._pages[index] = page
        return self._pages[index]

    @property
    def check(self) -> CheckPage:
        return self.page(CHECK)  # type: ignore[return-value]

    @property
    def catalog(self) -> CatalogPage:
        return self.page(CATALOG)  # type: ignore[return-value]

    @property
    def website(self) -> WebsitePage:
        return self.page(WEBSITE)  # type: ignore[return-value]

    @property
    def identity(self) -> IdentityPage:
        return self.page(IDENTITY)  # type: ignore[return-value]

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # ---- menus and shortcuts ------------------------------------------------------------
    def _action(self, menu, text: str, shortcut: QKeySequence | str | None, slot, tip: str = "") -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "Add &images…", QKeySequence.StandardKey.Open, self._add_images, "Add images to protect")
        self._action(file_menu, "Add &folder…", "Ctrl+Shift+O", self._add_folder, "Add a folder of images to protect")
        file_menu.addSeparator()
        self.protect_action = self._action(file_menu, "&Protect", "Ctrl+Return", self._start, "Protect every image in the list")
        self.cancel_action = self._action(file_menu, "&Cancel batch", "Esc", self.protect.cancel, "Stop the running batch")
        self.cancel_action.setEnabled(False)
        file_menu.addSeparator()
        self._action(file_menu, "Chec&k copies…", "Ctrl+Shift+K", self._check_copies, "Check downloaded copies of your images")
        self._action(file_menu, "Save evidence &report…", "Ctrl+Shift+S", self._save_report, "Save an evidence report of the checks")
        self._action(file_menu, "&Save profile", QKeySequence.StandardKey.Save, self.protect.profile_editor.save, "Save the rights profile")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)

        view = bar.addMenu("&View")
        for i, name in enumerate(PAGES):
            self._action(view, name, f"Ctrl+{i + 1}", lambda _c=False, i=i: self.show_page(i))
        self._action(view, "Search catalog", QKeySequence.StandardKey.Find, self._search_catalog)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, f"&About {APP_NAME}", "F1", self.about)

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def _page_changed(self, index: int) -> None:
        self.page(index)
        self.stack.setCurrentIndex(index)
        self.settings.page = index
        if index == CATALOG:
            self.catalog.refresh()
        elif index == IDENTITY:
            self.identity.refresh()
        elif index == WEBSITE:
            self.website.refresh()
        elif index == CHECK:
            self.check.refresh()

    def _add_images(self) -> None:
        self.show_page(PROTECT)
        self.protect.choose_files()

    def _add_folder(self) -> None:
        self.show_page(PROTECT)
        self.protect.choose_folder()

    def _start(self) -> None:
        self.show_page(PROTECT)
        self.protect.start_batch()

    def _check_copies(self) -> None:
        self.show_page(CHECK)
        self.check.choose_files()

    def _save_report(self) -> None:
        self.show_page(CHECK)
        self.check.save_report()

    def _search_catalog(self) -> None:
        self.show_page(CATALOG)
        self.catalog.search.setFocus()
        self.catalog.search.selectAll()

    def about(self) -> None:
        from artguard.gui.widgets.about import AboutDialog

        AboutDialog(self).exec()

    def _apply_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, name)
        self.save_settings()

    # ---- batch and closing --------------------------------------------------------------
    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._stop_upkeep()
        self.protect_action.setEnabled(not busy)
        self.cancel_action.setEnabled(busy)
        self.setWindowTitle(f"{APP_NAME} — protecting…" if busy else APP_NAME)

    def _batch_finished(self, summary: object) -> None:
        if self.stack.currentIndex() == CATALOG:
            self.catalog.refresh()
        if self._close_when_idle:
            self.close()
        elif summary is not None and (self.upkeep is None or self.upkeep.cancel_event.is_set()):
            worker = self.upkeep = FeatureWorker()
            worker.signals.finished.connect(lambda _count: self._upkeep_done(worker))
            worker.start()

    def _upkeep_done(self, worker: FeatureWorker) -> None:
        if self.upkeep is worker:
            self.upkeep = None

    def _stop_upkeep(self) -> None:
        if self.upkeep is not None:
            self.upkeep.cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        """A running batch is never abandoned: ask, cancel, and close once it has stopped."""
        if self.protect.busy:
            if not self._close_when_idle:
                answer = QMessageBox.question(
                    self, "A batch is running",
                    "Images are still being protected. Stop after the images in progress and quit?\n"
                    "Finished images are kept; nothing is left half-written.",
                )
                if answer != QMessageBox.StandardButton.Yes:
                    event.ignore()
                    return
                self._close_when_idle = True
                self.protect.cancel()
                self.statusBar().showMessage("Stopping the batch, then closing…")
            event.ignore()
            return
        self._stop_upkeep()
        self.save_settings()
        self.close_catalog()
        event.accept()

    def close_catalog(self) -> None:
        """Close the Catalog page's database, if that page was ever opened."""
        if CATALOG in self._pages:
            self.catalog.close_catalog()

    def save_settings(self) -> None:
        self.protect.store_settings()
        self.settings.geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        try:
            self.settings.save()
        except ArtGuardError as exc:
            self.statusBar().showMessage(f"Settings could not be saved: {exc}", 8000)

    def add_files(self, files: list[str]) -> int:
        return self.protect.add_paths([Path(f) for f in files])


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        importlib.import_module(name)
