"""Where user state lives: one directory, from platformdirs, overridden by ARTGUARD_HOME.

Tests set ARTGUARD_HOME to a temporary folder so they never touch the real user dir.
"""

from __future__ import annotations

import os
from pathlib import Path

from artguard import APP_NAME


def home() -> Path:
    """The root of all user state (profiles, identity, catalog, settings)."""
    override = os.environ.get("ARTGUARD_HOME")
    if override:
        root = Path(override).expanduser()
    else:
        import platformdirs

        root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    root.mkdir(parents=True, exist_ok=True)
    return root


def _sub(name: str) -> Path:
    path = home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def profiles_dir() -> Path:
    return _sub("profiles")


def identity_dir() -> Path:
    """Signing keys live here; the folder is private to the user (0700)."""
    path = _sub("identity")
    os.chmod(path, 0o700)
    return path


def catalog_path() -> Path:
    return home() / "catalog.sqlite3"


def settings_path() -> Path:
    return home() / "settings.json"


def resources_dir() -> Path:
    """Bundled fonts and icons; works from a source tree, a wheel and a frozen app."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "artguard" / "resources"
    return Path(__file__).resolve().parent / "resources"
