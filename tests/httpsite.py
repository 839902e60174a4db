"""A folder served on 127.0.0.1 by a ``http.server`` thread, for tests that fetch URLs.

The server stops when the ``with`` block ends, and by itself after ``seconds`` at the
latest, so a failing test never leaves it running.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    extra_headers: dict[str, dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.get(self.path.split("?")[0], {}).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path, *, headers: dict[str, dict[str, str]] | None = None, seconds: float = 120) -> Iterator[str]:
    """Serve ``root``; ``headers`` maps a URL path to extra response headers. Yields the base URL."""
    handler = type("Handler", (_Handler,), {"extra_headers": headers or {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    timer = threading.Timer(seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        timer.cancel()
        server.shutdown()
        server.server_close()
        thread.join(5)
