"""Errors read as plain words: no library tuples, no "DOS attack", nothing printed by C
libraries behind the CLI's back."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from artguard.cli import main
from artguard.errors import plain_message

ROOT = Path(__file__).resolve().parents[1]


def _tiff_with_compression(path: Path, compression: int) -> Path:
    Image.new("RGB", (32, 24), "teal").save(path)
    data = bytearray(path.read_bytes())
    ifd = struct.unpack("<I", data[4:8])[0]
    for i in range(struct.unpack("<H", data[ifd:ifd + 2])[0]):
        entry = ifd + 2 + 12 * i
        if struct.unpack("<H", data[entry:entry + 2])[0] == 259:
            struct.pack_into("<H", data, entry + 8, compression)
    path.write_bytes(bytes(data))
    return path


def test_libtiff_does_not_print_past_the_cli(tmp_path: Path) -> None:
    bad = _tiff_with_compression(tmp_path / "webp-in-tiff.tif", 50001)  # a codec this libtiff lacks
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARTGUARD_HOME": str(tmp_path / "home")}
    env.pop("PYTHONWARNINGS", None)
    done = subprocess.run([sys.executable, "-m", "artguard", "inspect", str(bad), "--no-watermark"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(f"{bad}: error:")
    noisy = subprocess.run([sys.executable, "-m", "artguard", "inspect", str(bad), "--no-watermark", "--debug"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert "not configured" in noisy.stderr  # --debug keeps the library's own words


def test_bigtiff_is_named(tmp_path: Path, capsys) -> None:
    big = tmp_path / "big.tif"
    big.write_bytes(b"II+\x00\x08\x00\x00\x00" + bytes(64))
    assert main(["inspect", str(big)]) == 1
    assert "unsupported format BIGTIFF" in capsys.readouterr().err


def test_decompression_bomb_wording(tmp_path: Path, capsys) -> None:
    huge = tmp_path / "huge.png"
    Image.new("1", (16000, 13000)).save(huge)  # 208 MP, a few KB
    assert main(["inspect", str(huge)]) == 1
    err = capsys.readouterr().err
    assert "over the 200 MP limit" in err and "DOS" not in err and "attack" not in err


@pytest.mark.parametrize("exc,expected", [
    (ValueError("Decompressed data too large for PngImagePlugin.MAX_TEXT_CHUNK"), "text chunk"),
    (MemoryError(), "out of memory"),
    (OSError(28, "No space left on device"), "No space left on device"),
    (SyntaxError("not a TIFF file"), "not a TIFF file"),
    (KeyError("x"), "internal error: KeyError"),
])
def test_plain_message(exc: BaseException, expected: str) -> None:
    assert expected in plain_message(exc)


def test_a_parser_value_error_is_the_files_fault() -> None:
    assert plain_message(ValueError("Unable to seek to frame"), from_parser=True) == "Unable to seek to frame"
    assert plain_message(ValueError("Unable to seek to frame")).startswith("internal error")


def test_multi_page_tiff_signing_says_what_to_do(tmp_path: Path, capsys) -> None:
    src = tmp_path / "pages.tif"
    Image.new("RGB", (64, 48), "red").save(src, save_all=True, append_images=[Image.new("RGB", (64, 48), "blue")])
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Jane"]) == 1
    err = capsys.readouterr().err
    assert "multi-page TIFF" in err and "--no-c2pa" in err and "produced no embedded manifest" not in err
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Jane", "--no-c2pa"]) == 0
