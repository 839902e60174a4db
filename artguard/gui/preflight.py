"""Before QApplication exists: can a window open at all? Say what to install instead of aborting.

Qt aborts the process ("no Qt platform plugin could be initialized") when the xcb plugin's
system libraries are missing or no display is reachable. Both are checked here with plain
Python (``ctypes`` loads each library the plugin links to), so the user gets one clear
message naming the Debian packages and a non-zero exit code.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

# Shared libraries the PySide6 xcb platform plugin needs from the system -> Debian package.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}

_HEADLESS = ("offscreen", "minimal", "vnc", "linuxfb", "eglfs")


def missing_libraries(names: dict[str, str] = XCB_LIBRARIES) -> list[str]:
    """Sonames from ``names`` that the dynamic loader cannot open."""
    missing = []
    for soname in names:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return missing


def install_hint(missing: list[str]) -> str:
    packages = sorted({XCB_LIBRARIES.get(name, name) for name in missing})
    return (
        "ArtGuard cannot open a window: the Qt X11 (xcb) platform plugin needs system libraries "
        f"that are missing ({', '.join(missing)}).\n"
        f"On Debian/Ubuntu install them with:\n    sudo apt install {' '.join(packages)}\n"
        "Everything else works without a window: see `artguard --help` for the command line."
    )


NO_DISPLAY = (
    "ArtGuard cannot open a window: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
    "Start it from a desktop session, use `ssh -X`, or run the command line instead: `artguard --help`."
)


def platform_problem(env: dict[str, str] | None = None) -> str | None:
    """A message saying why no window can open, or None when Qt should start fine."""
    env = dict(os.environ if env is None else env)
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    if platform in _HEADLESS:
        return None
    has_x = bool(env.get("DISPLAY"))
    has_wayland = bool(env.get("WAYLAND_DISPLAY"))
    if platform == "wayland":
        return None if has_wayland else NO_DISPLAY
    if not has_x and not has_wayland:
        return NO_DISPLAY
    if platform == "xcb" or (not platform and has_x and not has_wayland):
        missing = missing_libraries()
        if missing:
            return install_hint(missing)
        return _plugin_problem()
    return None


def _plugin_problem() -> str | None:
    """Load the xcb plugin itself: catches a missing library not in the list above."""
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        soname = str(exc).split(":")[0].strip()
        return install_hint([soname])
    return None
