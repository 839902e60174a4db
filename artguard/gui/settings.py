"""GUI settings remembered between runs, as JSON under the user dir (ARTGUARD_HOME isolates it).

Not QSettings: one plain file beside profiles and the catalog, written atomically, so
tests and portable installs keep all state in one folder.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from artguard import paths
from artguard.fileio import write_json_atomic

MAX_RECENT = 8


@dataclass
class GuiSettings:
    """What the window restores: last choices on every page, recent folders, geometry."""

    welcome_done: bool = False
    theme: str = "system"  # system | light | dark
    profile: str = "default"
    claimant: str = ""  # the Check page's claimant profile; empty: "default"
    output_dir: str = ""
    suffix: str = ""
    format: str = "keep"
    quality: int = 90
    max_size: int = 0  # 0: keep the original size
    sign_c2pa: bool = True
    write_cmi: bool = True
    keep_gps: bool = False
    keep_private: bool = False
    presets: list[str] = field(default_factory=list)  # checked platform presets; none: the custom settings
    invisible: str = "auto"  # auto | on | off (the invisible mark)
    name_template: str = ""  # e.g. "{name}-{preset}-{n}"; empty: name + suffix
    preview_mode: str = "after"  # after | before | split (the Protect page's compare view)
    recent_folders: list[str] = field(default_factory=list)
    geometry: str = ""  # base64 of QMainWindow.saveGeometry()
    page: int = 0

    def add_recent(self, folder: str) -> None:
        folder = str(Path(folder))
        self.recent_folders = [folder] + [f for f in self.recent_folders if f != folder]
        del self.recent_folders[MAX_RECENT:]

    def save(self, path: Path | None = None) -> None:
        write_json_atomic(path or paths.settings_path(), dataclasses.asdict(self))

    @classmethod
    def load(cls, path: Path | None = None) -> GuiSettings:
        """Saved settings; a missing, damaged or older file gives defaults for what it lacks."""
        path = path or paths.settings_path()
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        values = {}
        for f in dataclasses.fields(cls):
            value = data.get(f.name, getattr(defaults, f.name))
            if type(value) is type(getattr(defaults, f.name)):
                values[f.name] = value
        return cls(**values)
