"""Start-up builds only the first window: the other pages (and the checker, the catalog,
C2PA and the website kit they import) load the first time they are shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PySide6.QtCore import Qt

from artguard.gui.main_window import CATALOG, CHECK, IDENTITY, PAGES, WEBSITE

OPEN_WINDOW = """
import json, sys
from artguard.gui.app import _import_core_before_qt, create_application
_import_core_before_qt()
from artguard.gui import workers
from artguard.gui.main_window import MainWindow
from artguard.gui.settings import GuiSettings
HEAVY = ("artguard.check", "artguard.catalog", "c2pa", "cryptography", "bs4", "jinja2", "artguard.site",
         "artguard.gui.pages.check", "artguard.gui.pages.identity")
app = create_application("light")
window = MainWindow(GuiSettings(welcome_done=True))
window.show()
before = sorted(m for m in HEAVY if m in sys.modules)
import time
end = time.monotonic() + 1.5
while time.monotonic() < end:
    app.processEvents()
workers.wait_all()
print(json.dumps([before, sorted(m for m in HEAVY if m in sys.modules)]))
"""


def test_first_window_does_not_import_the_other_pages_then_warms_up_signing(tmp_path):
    env = {**os.environ, "ARTGUARD_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", OPEN_WINDOW], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    before, after = json.loads(proc.stdout.strip().splitlines()[-1])
    assert before == [], "built and shown without them"
    assert after == ["artguard.gui.pages.identity", "c2pa", "cryptography"], "then signing is warmed up on a worker"


def test_each_page_is_built_when_first_shown(window, qtbot):
    for index in (CHECK, CATALOG, WEBSITE, IDENTITY):
        item = window.nav.item(index)
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=window.nav.visualItemRect(item).center())
        shown = window.stack.currentWidget()
        assert window.nav.currentRow() == index
        assert type(shown).__name__ == ("CheckPage", "CatalogPage", "WebsitePage", "IdentityPage")[(CHECK, CATALOG, WEBSITE, IDENTITY).index(index)]
        assert window.page(index) is shown and shown.isVisible()
    assert window.stack.count() == len(PAGES)
    window.catalog.search.setText("nothing")  # the page the menus reach is the one shown
    window.show_page(CATALOG)
    assert window.stack.currentWidget().search.text() == "nothing"


def test_menu_action_reaches_a_page_not_yet_built(window, qtbot):
    window._search_catalog()
    assert window.stack.currentIndex() == CATALOG
    assert window.stack.currentWidget() is window.catalog


def test_bundled_fonts_let_cjk_names_render_without_system_fonts(qtbot) -> None:
    """A creator named in CJK must not show as boxes: the bundled fallback covers it."""
    from PySide6.QtGui import QFont, QFontDatabase, QRawFont

    from artguard.gui.app import create_application

    create_application("light")
    families = set(QFontDatabase.families())
    assert {"DejaVu Sans", "Droid Sans Fallback"} <= families
    raw = QRawFont.fromFont(QFont("Droid Sans Fallback"))
    assert raw.familyName() == "Droid Sans Fallback" and all(raw.supportsCharacter(ord(ch)) for ch in "山田著作権")
