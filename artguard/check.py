"""Check a copy found online: which original is it, what CMI survived, what was stripped.

Identification goes from the strongest evidence to the weakest and stops at the first
hit: the exact bytes (SHA-256), the XMP InstanceID / DocumentID, the C2PA manifest
label, the invisible watermark's image id, then perceptual similarity (artguard.
fingerprint, which survives stripping, re-encoding, resizing and crops). The CMI the copy
still carries is compared key by key with what was written into the matched output.
"""

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from artguard import fingerprint, imaging, inputs, webpage
from artguard.catalog import Catalog, Publication
from artguard.cmi_diff import carried, compare_fields, field_values, verdict
from artguard.errors import ArtGuardError, CorruptImage, UnsupportedFormat, plain_message
from artguard.fetch import download, is_url, local_name, now_utc
from artguard.inspect import inspect_file

THUMB_SIDE = 512
log = logging.getLogger(__name__)


@dataclass
class Match:
    """The catalog record a copy was traced to, and how strongly."""

    publication: Publication
    method: str  # "sha256" | "xmp-id" | "c2pa" | "watermark" | "phash"
    distance: int | None  # perceptual distance in bits of 192 (None: no fingerprint)
    confidence: float
    against: str = "output"  # which recorded image matched: "output" or "original"

    def to_json(self) -> dict[str, Any]:
        pub = self.publication
        return {
            "original": pub.original.path,
            "output": pub.output.path,
            "method": self.method,
            "distance": self.distance,
            "confidence": self.confidence,
            "against": self.against,
            "publication_id": pub.id,
            "published_at": pub.published_at,
        }


@dataclass
class CheckResult:
    """One checked copy; ``to_json`` is DESIGN.md's ``check --json`` entry plus extras."""

    path: str
    status: str = "ok"  # "ok" | "error"
    error: str | None = None
    sha256: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    size: int | None = None
    match: Match | None = None
    c2pa: dict[str, Any] = field(default_factory=lambda: {"state": "absent", "manifest": None})
    fields: dict[str, str] = field(default_factory=dict)
    field_values: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> written / found
    carried: dict[str, dict[str, str]] = field(default_factory=dict)
    watermark: dict[str, Any] = field(default_factory=lambda: {"id": None})
    verdict: str = "unknown"
    url: str | None = None
    page: str | None = None  # the web page this image was found on (a pasted page URL)
    downloaded_at: str | None = None
    checked_at: str = ""
    thumbnail: bytes | None = None  # JPEG of the copy, for the report

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"path": self.path, "status": self.status, "page": self.page}
        if self.error:
            doc["error"] = self.error
            return doc
        doc.update(
            match=self.match.to_json() if self.match else None,
            c2pa={k: v for k, v in self.c2pa.items() if k in ("state", "label", "manifest", "errors")},
            fields=self.fields,
            field_values=self.field_values,
            verdict=self.verdict,
            carried=self.carried,
            watermark=self.watermark,
            sha256=self.sha256,
            format=self.format,
            width=self.width,
            height=self.height,
            size=self.size,
            confidence=self.match.confidence if self.match else None,
            url=self.url,
            downloaded_at=self.downloaded_at,
            checked_at=self.checked_at,
        )
        return doc


class CatalogIndex:
    """The catalog's fingerprints in memory, built once for a batch of checks."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        ids, out_phash, orig_phash = catalog.phash_index()
        blobs = catalog.fingerprints(ids.tolist())
        keys: list[int] = []
        rows: list[bytes] = []
        for pub_id in ids.tolist():
            out_blob, orig_blob = blobs.get(pub_id, (b"", b""))
            for which, blob in ((0, out_blob), (1, orig_blob)):
                if _usable(blob) and (which == 0 or orig_blob != out_blob):
                    keys.append(pub_id * 2 + which)
                    rows.append(blob)
        self.index = fingerprint.FingerprintIndex(keys, rows)

    def nearest(self, query: np.ndarray) -> list[fingerprint.Candidate]:
        return self.index.nearest(query)

    def distance_to(self, pub: Publication, query: np.ndarray) -> tuple[int | None, str]:
        """Perceptual distance of a copy to a publication found by another method."""
        best: tuple[int | None, str] = (None, "output")
        for which, facts in (("output", pub.output), ("original", pub.original)):
            if _usable(facts.fingerprint):
                one = fingerprint.FingerprintIndex([0], [facts.fingerprint])
                dist = int(one.distances(query).min())
                if best[0] is None or dist < best[0]:
                    best = (dist, which)
        return best


def _usable(blob: bytes) -> bool:
    try:
        fingerprint.blob_hashes(blob)
    except ValueError:
        return False
    return True


def check_copy(source: str | Path, *, catalog: Catalog | None = None, index: CatalogIndex | None = None) -> CheckResult:
    """Check one file or http(s) URL; raises ArtGuardError for input that is not an image."""
    source_text = str(source)
    if is_url(source_text):
        data, downloaded_at = download(source_text)
        return check_bytes(source_text, data, downloaded_at, catalog, index)
    path = Path(source)
    reason = inputs.special_reason(path)
    if reason:
        raise UnsupportedFormat(reason)
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise ArtGuardError("is a folder") from exc
    except OSError as exc:
        raise ArtGuardError(f"cannot read file: {exc.strerror}") from exc
    return _check_file(path, data, catalog, index)


def check_bytes(url: str, data: bytes, downloaded_at: str, catalog: Catalog | None = None, index: CatalogIndex | None = None) -> CheckResult:
    """Check the body of an image URL that was already downloaded."""
    with tempfile.TemporaryDirectory(prefix="artguard-check-") as tmp:
        local = Path(tmp) / local_name(url)
        local.write_bytes(data)
        result = _check_file(local, data, catalog, index)
    result.path = url
    result.url = url
    result.downloaded_at = downloaded_at
    return result


def check_url(
    url: str, *, catalog: Catalog | None = None, index: CatalogIndex | None = None, cancel: Callable[[], bool] | None = None
) -> Iterator[CheckResult]:
    """Check an image URL, or every image (at most ``MAX_PAGE_IMAGES``) of the page a URL serves.

    Results for a page's images carry ``page``; one image that fails gives an error
    result for that image, and the page's other images are still checked.
    """
    data, fetched_at, page = webpage.fetch_page_or_image(url)
    if page is None:
        yield check_bytes(url, data, fetched_at, catalog, index)
        return
    images = page.images()
    if not images:
        raise ArtGuardError(f"{url} is not an image, and no images were found on the page")
    for image in images[: webpage.MAX_PAGE_IMAGES]:
        if cancel is not None and cancel():
            return
        try:
            image_data, downloaded_at = download(image.url)
            result = check_bytes(image.url, image_data, downloaded_at, catalog, index)
        except ArtGuardError as exc:
            result = CheckResult(path=image.url, status="error", error=str(exc), url=image.url, checked_at=now_utc())
        result.page = url
        yield result


def check_many(
    sources: Iterable[str | Path],
    *,
    catalog: Catalog | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[CheckResult]:
    """Check files, folders (recursed), image URLs and page URLs (each image on the page);
    a bad input gives an error result, not a stop."""
    catalog = catalog if catalog is not None else Catalog()
    index = CatalogIndex(catalog)
    results: list[CheckResult] = []
    for source in expand_sources(sources):
        if cancel is not None and cancel():
            break
        try:
            if isinstance(source, str) and is_url(source):
                for result in check_url(source, catalog=catalog, index=index, cancel=cancel):
                    results.append(result)
                    if on_result is not None:
                        on_result(result)
                continue
            result = check_copy(source, catalog=catalog, index=index)
        except Exception as exc:  # one bad copy never ends the run; --debug shows the traceback
            if not isinstance(exc, ArtGuardError):
                log.debug("checking %s failed", source, exc_info=True)
            result = CheckResult(path=str(source), status="error", error=plain_message(exc), checked_at=now_utc())
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def expand_sources(sources: Iterable[str | Path]) -> Iterator[str | Path]:
    """Files and URLs as given; folders become their image files, sorted."""
    for source in sources:
        if isinstance(source, str) and is_url(source):
            yield source
            continue
        yield from inputs.expand([Path(source)])


def _check_file(path: Path, data: bytes, catalog: Catalog | None, index: CatalogIndex | None) -> CheckResult:
    if not data:
        raise CorruptImage("empty file (0 bytes)")
    if imaging.sniff_format(data[:16]) is None:
        raise UnsupportedFormat("not an image (unknown file signature)")
    reduced = imaging.decode_reduced(data, THUMB_SIDE)
    facts = inspect_file(path)
    catalog = catalog if catalog is not None else Catalog()
    index = index if index is not None else CatalogIndex(catalog)
    query = fingerprint.query_hash(reduced.image)
    sha = hashlib.sha256(data).hexdigest()
    copy_values = {**facts["exif"], **facts["iptc"], **facts["xmp"]}
    result = CheckResult(
        path=str(path),
        sha256=sha,
        format=facts["format"],
        width=facts["width"],
        height=facts["height"],
        size=len(data),
        c2pa=facts["c2pa"],
        watermark=facts["watermark"],
        carried=carried(copy_values),
        checked_at=now_utc(),
        thumbnail=_thumb_jpeg(reduced.image),
    )
    result.match = _identify(catalog, index, sha, copy_values, facts, query)
    if result.match is not None:
        result.fields = compare_fields(result.match.publication.fields, copy_values)
        result.field_values = field_values(result.match.publication.fields, copy_values)
        result.verdict = verdict(result.fields, result.match.publication, result.c2pa)
    return result


def _identify(catalog: Catalog, index: CatalogIndex, sha: str, values: dict[str, str], facts: dict[str, Any], query: np.ndarray) -> Match | None:
    def found(pubs: list[Publication], method: str) -> Match | None:
        if not pubs:
            return None
        scored = [(index.distance_to(p, query), p) for p in pubs]
        (dist, against), pub = min(scored, key=lambda s: (s[0][0] is None, s[0][0] or 0))
        if method == "sha256":
            against = "output" if pub.output.sha256 == sha else "original"
        return Match(pub, method, dist, 1.0, against)

    match = found(catalog.find_by_sha256(sha), "sha256")
    for key in ("Xmp.xmpMM.InstanceID", "Xmp.xmpMM.DocumentID"):
        if match is None and values.get(key):
            match = found(catalog.find_by_xmp_id(values[key]), "xmp-id")
    label = facts["c2pa"].get("label")
    if match is None and label:
        match = found(catalog.find_by_c2pa_label(label), "c2pa")
    mark = facts["watermark"].get("id")
    if match is None and mark is not None:
        match = found(catalog.find_by_watermark(int(mark)), "watermark")
    if match is None:
        hits = index.nearest(query)
        if hits:
            best = hits[0]
            pub = catalog.get(best.key // 2)
            against = "original" if best.key % 2 else "output"
            match = Match(pub, "phash", best.distance, fingerprint.confidence(best.distance), against)
    return match


def _thumb_jpeg(img: Any) -> bytes:
    thumb = imaging.to_rgb(img).copy()
    thumb.thumbnail((320, 320))
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=80)
    return buf.getvalue()
