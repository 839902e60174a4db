"""Fetch a copy from an http(s) URL: a time limit, a size limit, image bytes only."""

from __future__ import annotations

import datetime as _dt
import urllib.error
import urllib.request

from artguard.errors import ArtGuardError

MAX_DOWNLOAD = 50 * 1024 * 1024
DOWNLOAD_TIMEOUT_S = 20.0
ACCEPTED_TYPES = ("image/", "application/octet-stream")


class DownloadError(ArtGuardError):
    """A URL could not be fetched, was too big or did not serve an image."""


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def now_utc() -> str:
    """The time now, UTC, to the second (ISO 8601): when a copy was fetched or checked."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def download(
    url: str,
    *,
    limit: int = MAX_DOWNLOAD,
    timeout: float = DOWNLOAD_TIMEOUT_S,
    images_only: bool = True,
    headers: dict[str, str] | None = None,
) -> tuple[bytes, str]:
    """The body of an http(s) URL (timeout, size limit, image content type) and when it came.

    ``images_only=False`` takes any body (a web page, robots.txt): the caller decides what
    it is. ``headers``, when given, is filled with the response's headers (lower-case names).
    """
    request = urllib.request.Request(url, headers={"User-Agent": "ArtGuard-check/1", "Accept": "image/*" if images_only else "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked)
            ctype = (response.headers.get_content_type() or "").lower()
            if headers is not None:
                headers.update((k.lower(), v) for k, v in response.headers.items())
            if images_only and not ctype.startswith(ACCEPTED_TYPES):
                raise DownloadError(f"{url} is not an image (content type {ctype})")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise DownloadError(f"{url} is larger than the {limit // (1024 * 1024)} MB limit")
            data = response.read(limit + 1)
    except DownloadError:
        raise
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"cannot download {url}: {reason}") from exc
    if len(data) > limit:
        raise DownloadError(f"{url} is larger than the {limit // (1024 * 1024)} MB limit")
    return data, now_utc()
