"""Font families and the files behind them, for text watermarks.

A GUI lists fonts by family name, but the watermark renderer (Pillow/FreeType) needs a
font FILE. This maps family -> file: the bundled faces first, then the system's, found
with fontconfig (``fc-list``) where it exists and by reading the font folders otherwise.
The regular (upright, normal-weight) face of a family is preferred; bold next.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from artguard import paths

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
_STYLE_RANK = {"regular": 0, "book": 0, "normal": 0, "roman": 0, "medium": 1, "bold": 2}


def bundled() -> dict[str, str]:
    """Faces shipped with ArtGuard (always available, also in a frozen app)."""
    folder = paths.resources_dir() / "fonts"
    found: dict[str, tuple[int, str]] = {}
    for path in sorted(folder.glob("*")):
        if path.suffix.lower() in FONT_SUFFIXES:
            _keep(found, *_read_name(path))
    return {family: file for family, (_rank, file) in found.items()}


@functools.lru_cache(maxsize=1)
def system() -> dict[str, str]:
    """family -> file for the fonts installed on this machine (cached: fonts rarely change
    while the app runs)."""
    found: dict[str, tuple[int, str]] = {}
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(
                ["fc-list", "--format", "%{family[0]}\t%{style[0]}\t%{file}\n"],
                capture_output=True, text=True, timeout=20, check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[2].lower().endswith(FONT_SUFFIXES):
                _keep(found, parts[0], parts[1], parts[2])
    if not found:
        for folder in _font_dirs():
            for root, _dirs, files in os.walk(folder):
                for name in files:
                    if name.lower().endswith(FONT_SUFFIXES):
                        _keep(found, *_read_name(Path(root) / name))
    return {family: file for family, (_rank, file) in found.items()}


def families() -> dict[str, str]:
    """Every usable family -> its file; a bundled face wins over a system one of the same name."""
    return {**system(), **bundled()}


def font_file(family: str) -> str | None:
    return families().get(family)


def family_of(path: str) -> str | None:
    """The family a chosen file belongs to (to show a saved profile's font by name)."""
    for family, file in families().items():
        if os.path.realpath(file) == os.path.realpath(path):
            return family
    return None


def _keep(found: dict[str, tuple[int, str]], family: str, style: str, file: str) -> None:
    if not family:
        return
    rank = _STYLE_RANK.get(style.strip().lower(), 5)
    if family not in found or rank < found[family][0]:
        found[family] = (rank, str(file))


def _read_name(path: Path) -> tuple[str, str, str]:
    from PIL import ImageFont

    try:
        family, style = ImageFont.truetype(str(path), 12).getname()
    except OSError:
        return "", "", str(path)
    return family or "", style or "", str(path)


def _font_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        candidates = [Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts", home / "AppData/Local/Microsoft/Windows/Fonts"]
    elif sys.platform == "darwin":
        candidates = [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    else:
        candidates = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts", home / ".fonts"]
    return [c for c in candidates if c.is_dir()]
