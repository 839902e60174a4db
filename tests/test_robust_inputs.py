"""One bad input never ends a run: folders mixing good and hostile files for `check` and
`inspect`, special files, and URLs from slow, lying or oddly named servers."""

from __future__ import annotations

import http.server
import json
import os
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artguard.cli import main
from artguard.fetch import DownloadError, download, local_name


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def text_bomb_png(path: Path) -> Path:
    """A valid PNG whose zTXt chunk inflates to 50 MB (Pillow refuses it with a ValueError)."""
    Image.new("RGB", (32, 32), "red").save(path)
    raw = path.read_bytes()
    bomb = _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * (50 << 20)))
    path.write_bytes(raw[:33] + bomb + raw[33:])
    return path


def big_endian_tiff(path: Path) -> Path:
    values = (np.arange(64 * 48, dtype=np.uint32).reshape(48, 64) * 20).astype(">u2")
    Image.frombytes("I;16B", (64, 48), values.tobytes()).save(path)
    return path


@pytest.fixture
def mixed_folder(make_image, tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    make_image("mixed/a-good.jpg", 96, 64, seed=1)
    make_image("mixed/sub/b-good.png", 96, 64, seed=2)
    big_endian_tiff(folder / "c-be16.tif")
    text_bomb_png(folder / "d-bomb.png")
    (folder / "e-empty.jpg").write_bytes(b"")
    (folder / "f-text.jpg").write_text("<html>not an image</html>")
    (folder / "g-truncated.jpg").write_bytes((folder / "a-good.jpg").read_bytes()[:300])
    os.mkfifo(folder / "h-fifo.jpg")  # opening it would block for ever
    return folder


def _by_name(entries: list[dict], key: str) -> dict[str, dict]:
    return {Path(e[key]).name: e for e in entries}


def test_check_reports_every_file_of_a_mixed_folder(mixed_folder: Path, capsys) -> None:
    started = time.monotonic()
    code = main(["check", str(mixed_folder), "--json"])
    captured = capsys.readouterr()
    assert time.monotonic() - started < 60
    assert code == 1
    files = _by_name(json.loads(captured.out)["files"], "path")
    assert set(files) == {"a-good.jpg", "b-good.png", "c-be16.tif", "d-bomb.png", "e-empty.jpg", "f-text.jpg", "g-truncated.jpg", "h-fifo.jpg"}
    assert {n for n, e in files.items() if e["status"] == "ok"} == {"a-good.jpg", "b-good.png", "c-be16.tif"}
    assert "decompression bomb" in files["d-bomb.png"]["error"]
    assert "FIFO" in files["h-fifo.jpg"]["error"]
    for entry in files.values():
        assert "internal error" not in entry.get("error", "") and "Traceback" not in captured.err


def test_inspect_takes_folders_and_reports_every_file(mixed_folder: Path, capsys) -> None:
    code = main(["inspect", str(mixed_folder), "--json", "--no-watermark"])
    captured = capsys.readouterr()
    assert code == 1
    reports = _by_name(json.loads(captured.out), "path")
    assert len(reports) == 8
    assert reports["c-be16.tif"]["width"] == 64 and reports["b-good.png"]["format"] == "png"
    assert "FIFO" in reports["h-fifo.jpg"]["error"] and "not opened" not in reports["h-fifo.jpg"]["error"]
    assert "Traceback" not in captured.err and "h-fifo.jpg: error:" in captured.err


def test_inspect_text_keeps_going_after_a_bad_file(mixed_folder: Path, capsys) -> None:
    code = main(["inspect", str(mixed_folder / "d-bomb.png"), str(mixed_folder / "a-good.jpg"), "--no-watermark"])
    captured = capsys.readouterr()
    assert code == 1 and "a-good.jpg: JPEG 96x64" in captured.out


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def _handler(routes: dict[str, tuple]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            kind, *rest = routes.get(self.path.split("?")[0], ("missing",))
            if kind == "drip-body":  # headers at once, then one byte every 0.1 s for at most 20 s
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                for _ in range(200):
                    self.wfile.write(b"\xff")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif kind == "drip-head":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(200):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif kind == "bytes":
                body, ctype = rest
                self.send_response(200)
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args) -> None:
            pass

    return Handler


@pytest.fixture
def server(make_image) -> Iterator[tuple[str, dict]]:
    """A local server on 127.0.0.1; every slow route ends by itself within 20 s."""
    routes: dict[str, tuple] = {}
    srv = _Server(("127.0.0.1", 0), _handler(routes))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", routes
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.parametrize("route", ["drip-body", "drip-head"])
def test_a_dripping_server_is_cut_off_at_the_overall_deadline(server, route: str) -> None:
    base, routes = server
    routes["/slow.jpg"] = (route,)
    started = time.monotonic()
    with pytest.raises(DownloadError, match="within 2 s"):
        download(f"{base}/slow.jpg", timeout=2.0)
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-unknown"])
def test_image_bytes_are_accepted_whatever_the_content_type(server, make_image, ctype) -> None:
    base, routes = server
    body = make_image("served.png", 40, 30).read_bytes()
    routes["/img"] = ("bytes", body, ctype)
    data, _ = download(f"{base}/img")
    assert data == body


def test_a_page_is_refused_with_what_the_server_said(server) -> None:
    base, routes = server
    routes["/page"] = ("bytes", b"<html></html>", None)
    with pytest.raises(DownloadError, match="no content type"):
        download(f"{base}/page")


def test_size_cap_holds_without_a_content_length(server) -> None:
    base, routes = server
    routes["/big"] = ("bytes", b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000, "image/png")
    with pytest.raises(DownloadError, match="larger than"):
        download(f"{base}/big", limit=1000)


def test_hostile_url_names_become_safe_temp_names(server, make_image, capsys) -> None:
    base, routes = server
    body = make_image("served.jpg", 40, 30).read_bytes()
    long_name = "x" * 300 + ".jpg"
    routes["/a%00b.jpg"] = ("bytes", body, "image/jpeg")
    routes["/" + long_name] = ("bytes", body, "image/jpeg")
    assert local_name("http://h/a%00b%2F..%2Fc.jpg") == "a_b_.._c.jpg"
    assert len(local_name(f"http://h/{long_name}").encode()) <= 110
    code = main(["check", f"{base}/a%00b.jpg", f"{base}/{long_name}", "--json"])
    files = json.loads(capsys.readouterr().out)["files"]
    assert code == 0 and [f["status"] for f in files] == ["ok", "ok"]


def test_embed_skips_a_fifo_without_opening_it(mixed_folder: Path, tmp_path: Path, capsys) -> None:
    started = time.monotonic()
    code = main(["embed", str(mixed_folder / "h-fifo.jpg"), str(mixed_folder / "a-good.jpg"), "-o", str(tmp_path / "out"),
                 "--creator", "Jane", "--json", "--no-c2pa"])
    files = _by_name(json.loads(capsys.readouterr().out)["files"], "input")
    assert time.monotonic() - started < 60 and code == 0
    assert files["h-fifo.jpg"]["status"] == "skipped" and "FIFO" in files["h-fifo.jpg"]["error"]
    assert files["a-good.jpg"]["status"] == "ok"
