"""About dialog: version, licence, and the licences of the parts ArtGuard is built on."""

from __future__ import annotations

import html
from importlib import metadata

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from artguard import APP_NAME, __version__, paths
from artguard.gui import theme

COMPONENTS = [
    # (distribution, shown name, licence)
    ("PySide6-Essentials", "Qt for Python (PySide6)", "LGPL-3.0"),
    ("Pillow", "Pillow", "MIT-CMU (HPND)"),
    ("exiv2", "python-exiv2 / Exiv2", "GPL-3.0-or-later / GPL-2.0-or-later"),
    ("c2pa-python", "c2pa-python", "MIT or Apache-2.0"),
    ("cryptography", "cryptography", "Apache-2.0 or BSD-3-Clause"),
    ("numpy", "NumPy", "BSD-3-Clause"),
    ("scipy", "SciPy", "BSD-3-Clause"),
    ("ImageHash", "ImageHash", "BSD-2-Clause"),
    ("platformdirs", "platformdirs", "MIT"),
    ("fpdf2", "fpdf2", "LGPL-3.0"),
]


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        icon = QLabel()
        icon.setPixmap(theme.app_icon().pixmap(96, 96))
        layout.addWidget(icon)
        head = QLabel(
            f"<h2>{APP_NAME} {__version__}</h2>"
            "<p>Protect images before posting (copyright information, Content Credentials, watermarks) "
            "and check copies found later.</p>"
            "<p>Licensed under the GNU General Public License, version 3 or later.</p>"
        )
        head.setWordWrap(True)
        layout.addWidget(head)
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(_version(dist))}</td><td>{html.escape(lic)}</td></tr>"
            for dist, name, lic in COMPONENTS
        )
        font_licence = paths.resources_dir() / "fonts" / "LICENSE-DejaVu.txt"
        self.licences = QTextBrowser()
        self.licences.setHtml(
            "<h4>Built with</h4><table cellpadding='3'><tr><th align='left'>Component</th>"
            f"<th align='left'>Version</th><th align='left'>Licence</th></tr>{rows}"
            "<tr><td>DejaVu Sans Bold (watermark font)</td><td>bundled</td><td>Bitstream Vera / DejaVu licence</td></tr>"
            "</table>"
            f"<p>The font licence text is in {html.escape(str(font_licence))}.</p>"
        )
        layout.addWidget(self.licences, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
