"""Without a display or the xcb libraries, the app says what to do instead of aborting."""

from __future__ import annotations

from artguard.gui import preflight
from artguard.gui.app import EXIT_NO_DISPLAY, run_app


def test_no_display_gives_a_clear_message(monkeypatch, capsys):
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert run_app([]) == EXIT_NO_DISPLAY
    err = capsys.readouterr().err
    assert "no display found" in err and "artguard --help" in err


def test_missing_xcb_libraries_name_the_debian_packages(monkeypatch):
    monkeypatch.setattr(preflight, "missing_libraries", lambda: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    problem = preflight.platform_problem({"DISPLAY": ":0"})
    assert problem is not None
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in problem


def test_loader_reports_a_library_that_is_absent():
    assert preflight.missing_libraries({"libartguard-does-not-exist.so.9": "x"}) == ["libartguard-does-not-exist.so.9"]
    assert preflight.missing_libraries({"libc.so.6": "libc6"}) == []


def test_headless_and_wayland_platforms_skip_the_xcb_check(monkeypatch):
    monkeypatch.setattr(preflight, "missing_libraries", lambda: ["libxcb.so.1"])
    assert preflight.platform_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert preflight.platform_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert preflight.platform_problem({"QT_QPA_PLATFORM": "wayland"}) == preflight.NO_DISPLAY
