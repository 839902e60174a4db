"""Fetch a copy from an http(s) URL: one overall deadline, a size limit, image bytes only.

The deadline covers the whole download, not each read: a server that drips one byte a
second (in its headers or its body) is cut off when the time is up, by shutting the
socket from a timer so no read can outlive it. The content type is a hint only: many
hosts send images as ``text/plain``, ``application/octet-stream`` or nothing at all, so
the bytes themselves decide.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import http.client
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

from artguard.errors import ArtGuardError
from artguard.imaging import sniff_format

MAX_DOWNLOAD = 50 * 1024 * 1024
DOWNLOAD_TIMEOUT_S = 30.0
_CHUNK = 64 * 1024
_MAX_NAME = 100


class DownloadError(ArtGuardError):
    """A URL could not be fetched, was too big or did not serve an image."""


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def now_utc() -> str:
    """The time now, UTC, to the second (ISO 8601): when a copy was fetched or checked."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def local_name(url: str) -> str:
    """A safe file name for a downloaded copy: the URL's last part, decoded, with NULs,
    slashes and control characters replaced and its length capped (names may not pass
    255 bytes), keeping the extension."""
    last = urllib.parse.urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f/\\:]+", "_", urllib.parse.unquote(last)).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 5:
        stem, ext = name, ""
    stem = stem.encode("utf-8")[:_MAX_NAME].decode("utf-8", "ignore") or "download"
    return f"{stem}.{ext}" if ext else stem


def download(
    url: str,
    *,
    limit: int = MAX_DOWNLOAD,
    timeout: float = DOWNLOAD_TIMEOUT_S,
    images_only: bool = True,
    headers: dict[str, str] | None = None,
) -> tuple[bytes, str]:
    """The body of an http(s) URL (within ``timeout`` seconds in all, at most ``limit``
    bytes, and an image) and when it came.

    ``images_only=False`` takes any body (a web page, robots.txt): the caller decides what
    it is. ``headers``, when given, is filled with the response's headers (lower-case names).
    """
    watch = _Watch(timeout)
    opener = urllib.request.build_opener(_Http(watch), _Https(watch))
    request = urllib.request.Request(url, headers={"User-Agent": "ArtGuard-check/1", "Accept": "image/*" if images_only else "*/*"})
    timer = threading.Timer(timeout, watch.expire)
    timer.daemon = True
    timer.start()
    try:
        with opener.open(request, timeout=timeout) as response:
            ctype = (response.headers.get_content_type() if response.headers.get("Content-Type") else "").lower()
            if headers is not None:
                headers.update((k.lower(), v) for k, v in response.headers.items())
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise DownloadError(f"{url} is larger than the {limit // (1024 * 1024)} MB limit")
            data = _read_body(response, url, limit, watch)
    except DownloadError:
        raise
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        if watch.expired:
            raise DownloadError(f"cannot download {url}: no complete answer within {timeout:.0f} s") from exc
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"cannot download {url}: {reason}") from exc
    finally:
        timer.cancel()
    if images_only and sniff_format(data[:16]) is None:
        said = f"content type {ctype}" if ctype else "no content type"
        raise DownloadError(f"{url} is not an image (the server sent {said}, and the bytes are not an image either)")
    return data, now_utc()


def _read_body(response: http.client.HTTPResponse, url: str, limit: int, watch: _Watch) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        if watch.expired:
            raise DownloadError(f"cannot download {url}: no complete answer within {watch.timeout:.0f} s")
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise DownloadError(f"{url} is larger than the {limit // (1024 * 1024)} MB limit")
        parts.append(chunk)
    if watch.expired:
        raise DownloadError(f"cannot download {url}: no complete answer within {watch.timeout:.0f} s")
    return b"".join(parts)


class _Watch:
    """The connections of one download, and the deadline that shuts them."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.expired = False
        self.connections: list[http.client.HTTPConnection] = []

    def track(self, connection: http.client.HTTPConnection) -> http.client.HTTPConnection:
        self.connections.append(connection)
        return connection

    def expire(self) -> None:
        self.expired = True
        for connection in self.connections:
            sock = connection.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _Http(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self.watch = watch

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(lambda host, **kw: self.watch.track(http.client.HTTPConnection(host, **kw)), req)


class _Https(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self.watch = watch

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            lambda host, **kw: self.watch.track(http.client.HTTPSConnection(host, **kw)), req, context=self._context
        )
