"""A copy's own metadata and file name cannot rewrite what the terminal shows; --json stays exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from artguard.cli import main
from artguard.cli.output import safe
from artguard.metadata import WritePlan, write_metadata
from artguard.report import safe as report_safe

HOSTILE = "Mallory\x1b[2K\r\nFAKE: intact\x07\x1b]0;owned\x07 \u202egpj.exe"


@pytest.fixture
def hostile_copy(make_image, tmp_path: Path) -> Path:
    src = make_image("src.jpg", 64, 48)
    pieces = write_metadata(src.read_bytes(), "jpeg", WritePlan(values={"Exif.Image.Artist": HOSTILE, "Xmp.dc.rights": HOSTILE}))
    path = tmp_path / "copy\x1b[31m\rFAKE.jpg"
    path.write_bytes(b"".join(bytes(p) for p in pieces))
    return path


def _assert_clean(text: str) -> None:
    for bad in ("\x1b", "\r", "\x07", "\u202e"):
        assert bad not in text
    assert not any(line.startswith("FAKE") for line in text.splitlines())
    # shown, not hidden: the user sees the copy tried something (escaped, or marked as replaced)
    assert "\\x1b[2K" in text or "\ufffd[2K" in text


@pytest.mark.parametrize("char", ["\x1b", "\r", "\x9b", "\u2028", "\u202e", "\u2067", "\u200f", "\ue000", "\ud800"])
def test_terminal_and_documents_refuse_the_same_characters(char: str) -> None:
    """One rule for both views: what the terminal escapes, a report or notice replaces."""
    value = f"Zoë{char}山田"
    assert char not in safe(value) and "Zoë" in safe(value)
    shown = report_safe(value)
    assert shown.text == "Zoë\ufffd山田" and "1 control or text-direction character" in shown.note


def test_safe_escapes_controls_and_bidi_but_keeps_text() -> None:
    assert safe("Zoë 山田\tx") == "Zoë 山田\\x09x"
    assert safe("a\u2066b\u200fc\x9bd") == "a\\u2066b\\u200fc\\x9bd"


@pytest.mark.parametrize("command", ["inspect", "check"])
def test_text_output_escapes_hostile_metadata_and_names(command, hostile_copy, capsys) -> None:
    code = main([command, str(hostile_copy)] + (["--no-watermark"] if command == "inspect" else []))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Mallory" in captured.out
    _assert_clean(captured.out)
    _assert_clean(captured.out.split("\n", 1)[0] + "\\x1b[2K")  # the name line too


def test_errors_on_stderr_are_escaped(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "evil\x1b[2K\rok.jpg"
    bad.write_bytes(b"\xff\xd8\xff" + b"\x00" * 10)
    assert main(["inspect", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\r" not in err and "evil\\x1b[2K\\x0dok.jpg: error:" in err


def test_json_keeps_the_exact_value(hostile_copy, capsys) -> None:
    assert main(["inspect", str(hostile_copy), "--json", "--no-watermark"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exif"]["Exif.Image.Artist"] == HOSTILE
    assert report["path"] == str(hostile_copy)
