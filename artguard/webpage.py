"""A web page's images, links and rights tags: what ``check`` and the site audit read from HTML.

Pages are fetched through :func:`artguard.fetch.download` (same time and size limits as
image downloads) and parsed with BeautifulSoup on the standard-library parser, which
copes with the broken markup real site builders produce. Images are found where sites
put them: ``<img src>``, lazy-loading ``data-src``, ``srcset`` (largest candidate),
``<picture><source srcset>``, ``og:image``/``twitter:image`` and inline CSS
``background-image``. URLs are resolved against the page (and its ``<base href>``) and
deduplicated in page order.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from bs4.element import Tag

from artguard.fetch import DownloadError, download

MAX_PAGE = 5 * 1024 * 1024
PAGE_TYPES = ("text/html", "application/xhtml+xml")
MAX_PAGE_IMAGES = 40

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""", re.IGNORECASE)
_SKIP_IMAGE_SUFFIXES = (".svg", ".svgz", ".ico")
_NOT_PAGES = (
    ".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".heic", ".tif", ".tiff", ".svg", ".ico",
    ".pdf", ".zip", ".mp4", ".mov", ".webm", ".mp3", ".css", ".js", ".json", ".xml", ".txt",
)
_META_IMAGE_NAMES = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
_LAZY_SRC = ("src", "data-src", "data-lazy-src", "data-original", "data-image")
_LAZY_SRCSET = ("srcset", "data-srcset", "data-lazy-srcset")


@dataclass(frozen=True)
class PageImage:
    """One image a page shows, and the markup it was found in (img, srcset, og:image, ...)."""

    url: str
    found_in: str


@dataclass
class Page:
    """A fetched page (or a local HTML file), parsed once."""

    url: str
    html: bytes
    fetched_at: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.soup = BeautifulSoup(self.html, "html.parser")
        base = self.soup.find("base", href=True)
        self.base = urllib.parse.urljoin(self.url, str(base["href"])) if isinstance(base, Tag) else self.url

    def _resolve(self, ref: str) -> str | None:
        ref = ref.strip()
        if not ref or ref.startswith(("data:", "javascript:", "mailto:", "#")):
            return None
        return urllib.parse.urldefrag(urllib.parse.urljoin(self.base, ref)).url

    def images(self) -> list[PageImage]:
        """Every image the page shows, resolved and deduplicated, in page order."""
        found: dict[str, PageImage] = {}

        def add(ref: str | None, where: str) -> None:
            url = self._resolve(ref) if ref else None
            if url and url not in found and not urllib.parse.urlsplit(url).path.lower().endswith(_SKIP_IMAGE_SUFFIXES):
                found[url] = PageImage(url, where)

        for meta in self.soup.find_all("meta"):
            key = str(meta.get("property") or meta.get("name") or "").lower()
            if key in _META_IMAGE_NAMES:
                add(str(meta.get("content") or ""), key.split(":")[0] + ":image")
        for tag in self.soup.find_all(["img", "source"]):
            in_picture = tag.name == "source" or (tag.parent is not None and tag.parent.name == "picture")
            srcset = next((str(tag[a]) for a in _LAZY_SRCSET if tag.get(a)), "")
            if srcset:
                add(largest_candidate(srcset), "picture" if in_picture else "srcset")
            if tag.name == "img":
                src = next((str(tag[a]) for a in _LAZY_SRC if tag.get(a) and not str(tag[a]).startswith("data:")), "")
                add(src, "picture" if in_picture else "img")
        for tag in self.soup.find_all(style=True):
            for match in _CSS_URL.finditer(str(tag["style"])):
                add(match.group(2), "css")
        return list(found.values())

    def links(self) -> list[str]:
        """Pages this page links to on the same host (no fragments, no image or file links)."""
        host = urllib.parse.urlsplit(self.url).netloc.lower()
        out: dict[str, None] = {}
        for a in self.soup.find_all("a", href=True):
            url = self._resolve(str(a["href"]))
            if not url:
                continue
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("http", "https", "file") and parts.netloc.lower() == host and not parts.path.lower().endswith(_NOT_PAGES):
                out[url] = None
        return list(out)

    def meta(self, name: str) -> list[str]:
        """The content of every ``<meta name=NAME>`` (case-insensitive), in page order."""
        return [
            str(m.get("content") or "").strip()
            for m in self.soup.find_all("meta")
            if str(m.get("name") or "").strip().lower() == name.lower()
        ]


def largest_candidate(srcset: str) -> str | None:
    """The candidate of a ``srcset`` with the largest width (``w``) or density (``x``).

    Follows the HTML parsing rules where it matters: a URL is a run of non-space
    characters (it may contain commas, as image CDNs' URLs do) and a trailing comma ends it.
    """
    best: tuple[tuple[int, float], str] | None = None
    pos, n = 0, len(srcset)
    while pos < n:
        while pos < n and (srcset[pos].isspace() or srcset[pos] == ","):
            pos += 1
        start = pos
        while pos < n and not srcset[pos].isspace():
            pos += 1
        url, descriptor = srcset[start:pos], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start = pos
            while pos < n and srcset[pos] != ",":
                pos += 1
            descriptor = srcset[start:pos].strip().lower()
        if not url:
            continue
        score = (0, 1.0)
        try:
            if descriptor.endswith("w"):
                score = (1, float(descriptor[:-1]))
            elif descriptor.endswith("x"):
                score = (0, float(descriptor[:-1]))
        except ValueError:
            pass
        if best is None or score > best[0]:
            best = (score, url)
    return best[1] if best else None


def is_html(data: bytes) -> bool:
    """Does this body look like an HTML document (for servers that mislabel their types)?"""
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<!--"))


def is_page(data: bytes, headers: dict[str, str]) -> bool:
    """Is a response a web page (by its content type, or its first bytes when mislabelled)?"""
    return headers.get("content-type", "").lower().startswith(PAGE_TYPES) or is_html(data)


def fetch_page_or_image(url: str) -> tuple[bytes, str, Page | None]:
    """An http(s) URL's body and fetch time, and the parsed page when it served HTML.

    One request: a pasted address may be an image or a page showing images; what is not
    a page is left to the image checker (pages are capped at ``MAX_PAGE``).
    """
    headers: dict[str, str] = {}
    data, when = download(url, images_only=False, headers=headers)
    if not is_page(data, headers):
        return data, when, None
    if len(data) > MAX_PAGE:
        raise DownloadError(f"{url} is a page larger than the {MAX_PAGE // (1024 * 1024)} MB page limit")
    return data, when, Page(url, data, when, headers)
