"""Check a copy found online: which original is it, what CMI survived, what was stripped.

Identification goes from the strongest evidence to the weakest: the exact bytes
(SHA-256, the very export that carries them), the XMP InstanceID / DocumentID, the C2PA
manifest label; then the pixels. Pixel tracing never claims on similarity alone:
catalog hashes (artguard.fingerprint: as is, mirrored, picture box, aspect crops) and,
when they miss, local-feature votes nominate candidates, and artguard.trace aligns the
copy to each candidate's stored reference and compares the aligned pixels: "same",
"derivative" or nothing. A traced copy is then warped back onto the original's frame and
its invisible mark read there (the strongest evidence); an untraced copy gets the blind
mark search. Of several exports of one original, the one the copy resembles is reported.
The CMI the copy still carries is compared key by key with what was written into it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from artguard import fingerprint, imaging, inputs, trace, webpage
from artguard.catalog import Catalog, Publication
from artguard.cmi_diff import carried, compare_fields, field_values, verdict
from artguard.errors import ArtGuardError, CorruptImage, UnsupportedFormat, plain_message
from artguard.fetch import download, is_url, local_name, now_utc
from artguard.inspect import inspect_file

THUMB_SIDE = 512
log = logging.getLogger(__name__)


STRENGTH = {
    "sha256": "certain: the published file itself",
    "watermark": "certain: your invisible mark",
    "xmp-id": "strong: carries the publication's XMP id",
    "c2pa": "strong: carries the publication's C2PA manifest",
    "same": "strong: same picture after alignment",
    "derivative": "possible derivative: review by eye",
    "ambiguous": "possible: another of your originals matches almost as well; review by eye",
}


@dataclass
class Match:
    """The catalog record a copy was traced to, how strongly, and what the copy shows of it."""

    publication: Publication
    method: str  # "sha256" | "xmp-id" | "c2pa" | "watermark" | "phash" | "features" | "structure"
    distance: int | None  # perceptual distance in bits of 192 (None: no fingerprint)
    confidence: float
    against: str = "output"  # which recorded image matched: "output" or "original"
    relation: str = "same"  # "same" | "derivative"
    strength: str = ""
    transform: trace.Transform | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    others: list[Publication] = field(default_factory=list)  # other exports of the same original

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
            "relation": self.relation,
            "strength": self.strength or STRENGTH.get(self.method, ""),
            "transform": self.transform.to_json() if self.transform else None,
            "evidence": self.evidence,
            "other_exports": [
                {"publication_id": o.id, "output": o.output.path, "width": o.output.width, "height": o.output.height,
                 "format": o.output.format, "published_at": o.published_at}
                for o in self.others
            ],
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
    notes: list[str] = field(default_factory=list)  # what limited the check (tiny, animated)

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
        if self.notes:
            doc["notes"] = self.notes
        return doc


class CatalogIndex:
    """The catalog's fingerprints in memory, built once for a batch of checks; verification
    references and the local-feature index are loaded when a copy first needs them."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        ids, out_phash, orig_phash = catalog.phash_index()
        blobs = catalog.fingerprints(ids.tolist())
        keys: list[int] = []
        rows: list[bytes] = []
        structure_keys: list[int] = []
        structures: list[np.ndarray] = []
        for pub_id in ids.tolist():
            out_blob, orig_blob = blobs.get(pub_id, (b"", b""))
            for which, blob in ((0, out_blob), (1, orig_blob)):
                if _usable(blob) and (which == 0 or orig_blob != out_blob):
                    keys.append(pub_id * 2 + which)
                    rows.append(blob)
                    structure = fingerprint.blob_structure(blob)
                    if structure is not None:
                        structure_keys.append(pub_id * 2 + which)
                        structures.append(structure)
        self.index = fingerprint.FingerprintIndex(keys, rows)
        self.structures = fingerprint.StructureIndex(structure_keys, structures)
        self._references: dict[int, trace.Reference | None] = {}
        # Called with (done, total) while features missing from the catalog are computed.
        self.feature_progress: Callable[[int, int], None] | None = None

    def nearest(self, query: np.ndarray, **limits: int) -> list[fingerprint.Candidate]:
        return self.index.nearest(query, **limits)

    @functools.cached_property
    def features(self) -> trace.FeatureIndex:
        return trace.FeatureIndex(complete_references(self.catalog, progress=self.feature_progress))

    def reference(self, pub: Publication) -> trace.Reference | None:
        """What the publication is verified against: the catalog's stored reference, or for
        records made before references were stored, the output (else original) file."""
        assert pub.id is not None
        if pub.id not in self._references:
            self._references[pub.id] = _load_reference(self.catalog, pub)
        return self._references[pub.id]

    def distance_to(self, pub: Publication, query: np.ndarray) -> tuple[int | None, str]:
        """Perceptual distance of a copy to a publication found by another method."""
        best: tuple[int | None, str] = (None, "output")
        for which, facts in (("output", pub.output), ("original", pub.original)):
            if _usable(facts.fingerprint):
                one = fingerprint.FingerprintIndex([0], [facts.fingerprint])
                dist = int(min(one.distances(q).min() for q in query.reshape(-1, fingerprint.WORDS)))
                if best[0] is None or dist < best[0]:
                    best = (dist, which)
        return best


def complete_references(
    catalog: Catalog,
    *,
    newest: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> dict[int, bytes]:
    """Every stored verification blob, with the features of the newest ``newest`` (default:
    as many as the local-feature index holds) computed where publishing left them out, and
    stored back so each is computed once. ``progress(done, total)`` follows that work;
    after ``cancel()`` the rest stays for later (what was done is stored)."""
    from artguard.trace import reference, retrieve

    blobs = catalog.references()
    wanted = sorted(blobs)[-(newest if newest is not None else retrieve.MAX_ENTRIES):]
    missing = [(pub_id, blobs[pub_id]) for pub_id in wanted if reference.needs_features(blobs[pub_id])]
    if not missing:
        return blobs
    done: dict[int, bytes] = {}
    report = (lambda n: progress(n, len(missing))) if progress is not None else None
    work = reference.complete_many(missing, workers=workers or os.cpu_count() or 1, progress=report, cancel=cancel)
    for pub_id, full in work:
        done[pub_id] = blobs[pub_id] = full
        if len(done) >= _STORE_EVERY:  # work survives an interrupted first check
            _store_references(catalog, done)
    _store_references(catalog, done)
    return blobs


_STORE_EVERY = 200


def _store_references(catalog: Catalog, blobs: dict[int, bytes]) -> None:
    """Store completed blobs; a catalog that cannot be written only costs recomputing them."""
    try:
        catalog.update_references(blobs)
    except ArtGuardError as exc:
        log.debug("could not store reference features: %s", exc)
    blobs.clear()


def _load_reference(catalog: Catalog, pub: Publication) -> trace.Reference | None:
    from artguard.trace import reference

    blob = catalog.references([pub.id]).get(pub.id) if pub.id is not None else None
    if blob and pub.id is not None:
        try:
            if reference.needs_features(blob):
                blob = reference.complete(blob)
                _store_references(catalog, {pub.id: blob})
            return trace.parse_reference(blob)
        except ValueError:
            pass
    for path in (pub.output.path, pub.original.path):
        try:
            img = imaging.decode_reduced(Path(path), THUMB_SIDE).image
        except (ArtGuardError, OSError):
            continue
        return trace.parse_reference(trace.make_reference(img))
    return None


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
    feature_progress: Callable[[int, int], None] | None = None,
) -> list[CheckResult]:
    """Check files, folders (recursed), image URLs and page URLs (each image on the page);
    a bad input gives an error result, not a stop. ``feature_progress(done, total)`` follows
    the once-only computing of catalogued features (``complete_references``)."""
    catalog = catalog if catalog is not None else Catalog()
    index = CatalogIndex(catalog)
    index.feature_progress = feature_progress
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


MIN_TRACE_SIDE = 64
WORK_SIDE = 1024  # one reduced decode serves the fingerprint, verification and the mark


def _check_file(path: Path, data: bytes, catalog: Catalog | None, index: CatalogIndex | None) -> CheckResult:
    if not data:
        raise CorruptImage("empty file (0 bytes)")
    fmt = imaging.sniff_format(data[:16])
    if fmt is None:
        raise UnsupportedFormat("not an image (unknown file signature)")
    decoded = imaging.decode_reduced(data, WORK_SIDE)
    work = imaging.to_rgb(decoded.image)
    notes: list[str] = []
    if fmt == "gif":
        facts = _gif_facts(path, data, decoded, notes)
    else:
        facts = inspect_file(path, detect_watermark=False, data=data, size=decoded.original_size)
    catalog = catalog if catalog is not None else Catalog()
    index = index if index is not None else CatalogIndex(catalog)
    small = imaging.thumbnail(work, THUMB_SIDE)
    sha = hashlib.sha256(data).hexdigest()
    copy_values = {**facts["exif"], **facts["iptc"], **facts["xmp"]}
    copy: trace.CopyView | None = None
    if min(decoded.original_size) < MIN_TRACE_SIDE:
        w, h = decoded.original_size
        notes.append(f"image is {w}x{h} px: too small to trace by its pixels (needs {MIN_TRACE_SIDE} px a side)")
    else:
        copy = trace.CopyView(small, decoded.original_size)
    result = CheckResult(
        path=str(path),
        sha256=sha,
        format=facts["format"],
        width=facts["width"],
        height=facts["height"],
        size=len(data),
        c2pa=facts["c2pa"],
        carried=carried(copy_values),
        checked_at=now_utc(),
        thumbnail=_thumb_jpeg(small),
        notes=notes,
    )
    queries = fingerprint.query_hashes(small, copy.content_box if copy is not None else None)
    # Inverted lightness flips the hash bits: the complement finds an artist's dark variant.
    queries = np.vstack([queries, ~queries[:1]])
    result.match, result.watermark = _identify(catalog, index, sha, copy_values, facts, queries, copy, work)
    if result.match is None and copy is not None and _flat(small):
        notes.append("the picture is one flat colour: nothing in it can identify an original")
    if result.match is not None and result.match.relation == "derivative":
        # Another picture made from the composition (or the artist's own variant): it may
        # never have carried the CMI, so no field is claimed removed.
        result.verdict = "derivative"
    elif result.match is not None:
        result.fields = compare_fields(result.match.publication.fields, copy_values)
        result.field_values = field_values(result.match.publication.fields, copy_values)
        result.verdict = verdict(result.fields, result.match.publication, result.c2pa)
    return result


def _flat(img: Any) -> bool:
    """No detail to trace by (a blank canvas, a solid fill): under one grey level of spread."""
    return float(np.asarray(img.convert("L"), dtype=np.float32).std()) < 1.0


def _gif_facts(path: Path, data: bytes, decoded: imaging.Decoded, notes: list[str]) -> dict[str, Any]:
    """A GIF carries no EXIF/IPTC/XMP ArtGuard reads; its first frame is what is traced."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        frames = getattr(img, "n_frames", 1)
    if frames > 1:
        notes.append(f"animated GIF ({frames} frames): checked on its first frame")
    w, h = decoded.original_size
    return {"path": str(path), "format": "gif", "width": w, "height": h, "size": len(data),
            "exif": {}, "iptc": {}, "xmp": {}, "c2pa": {"state": "absent", "manifest": None}}


def _blind_mark(work: Any) -> dict[str, Any]:
    """The invisible mark read without any alignment (the detector searches scale itself)."""
    from artguard.watermark import invisible
    from artguard.watermark.keys import key_path

    if not key_path().exists():
        return {"id": None, "reason": "no watermark key on this machine"}
    try:
        detection = invisible.detect(work, invisible.watermark_key())
    except ArtGuardError as exc:
        return {"id": None, "reason": str(exc)}
    return _mark_json(detection)


def _mark_json(detection: Any) -> dict[str, Any]:
    from artguard.watermark import invisible

    if detection is None:
        return {"id": None}
    owner_id, image_id = invisible.split_payload(detection.payload)
    return {"id": image_id, "owner_id": owner_id, "payload": detection.payload, "confidence": round(detection.confidence, 4)}


def _identify(catalog: Catalog, index: CatalogIndex, sha: str, values: dict[str, str], facts: dict[str, Any],
              query: np.ndarray, copy: trace.CopyView | None, work: Any) -> tuple[Match | None, dict[str, Any]]:
    """The match and the invisible-mark reading. The mark is read once per copy: on the
    copy aligned back to the original when it was traced by its pixels (undoing crops,
    mirroring and rotation the blind search cannot), otherwise blind."""
    def found(pubs: list[Publication], method: str) -> Match | None:
        if not pubs:
            return None
        if method == "sha256":  # the exact export first: an unchanged older output is that one
            pubs = sorted(pubs, key=lambda p: p.output.sha256 != sha)
            pub = pubs[0]
            dist, _ = index.distance_to(pub, query)
            return Match(pub, method, dist, 1.0, "output" if pub.output.sha256 == sha else "original")
        scored = [(index.distance_to(p, query), p) for p in pubs]
        (dist, against), pub = min(scored, key=lambda s: (s[0][0] is None, s[0][0] or 0))
        return Match(pub, method, dist, 1.0, against)

    match = found(catalog.find_by_sha256(sha), "sha256")
    for key in ("Xmp.xmpMM.InstanceID", "Xmp.xmpMM.DocumentID"):
        if match is None and values.get(key):
            match = found(catalog.find_by_xmp_id(values[key]), "xmp-id")
    label = facts["c2pa"].get("label")
    if match is None and label:
        match = found(catalog.find_by_c2pa_label(label), "c2pa")
    if match is None and copy is not None:
        match = _trace(catalog, index, copy, query, work, facts["format"])
        if match is not None and "mark_after_alignment" in match.evidence:
            return match, match.evidence["mark_after_alignment"]
    mark = _blind_mark(work) if copy is not None else {"id": None, "reason": "image too small for the invisible mark"}
    if match is None and mark.get("id") is not None:
        match = found(catalog.find_by_watermark(int(mark["id"])), "watermark")
    if match is not None and match.method in ("xmp-id", "c2pa", "watermark") and copy is not None:
        verified = _verify(index, copy, match.publication)
        if verified is not None and verified.relation == "same":
            match.transform = verified.transform
            match.evidence = _evidence(verified)
    return match, mark


CANDIDATE_THRESHOLD = 72  # bits of 192: candidates only; alignment decides
LAST_RESORT_THRESHOLD = 76  # bits: verified thoroughly when nothing nearer aligned
THOROUGH_DISTANCE = 60  # candidates this close get the thorough search (partial crops, dark variants)
SETTLED_SCORE = 0.9  # a candidate verified this well ends the search, but for close rivals
RIVAL_MARGIN = 12  # bits: rivals this near the settled candidate are verified too
VOTES_VERIFIED = 3  # the best-voted publications are verified as they come
VOTE_POOL = 10  # further down the vote list, a publication is verified only if it fits
VOTES_FITTED = 2
RECOLOURED_CANDIDATES = 2
FITTING_INLIERS = 16  # twice what a fit needs: chance fits to unrelated pictures stay below


def _trace(catalog: Catalog, index: CatalogIndex, copy: trace.CopyView, query: np.ndarray, work: Any, fmt: str) -> Match | None:
    """Hash candidates, then feature-vote candidates if none verifies; the best verified wins."""
    distances: dict[int, int] = {}
    beyond: dict[int, int] = {}  # just past the threshold: for the last, thorough search only
    for hit in index.nearest(query, limit=6, threshold=LAST_RESORT_THRESHOLD):
        (distances if hit.distance <= CANDIDATE_THRESHOLD else beyond).setdefault(hit.key // 2, hit.distance)
    tried: dict[int, tuple[Publication, trace.Verification | None]] = {}

    def settled_at() -> int | None:
        """The hash distance of a candidate already verified well, if any."""
        done = [distances.get(k, CANDIDATE_THRESHOLD) for k, (_, v) in tried.items()
                if v is not None and v.relation == "same" and v.score >= SETTLED_SCORE]
        return min(done) if done else None

    def attempt(pub_ids: Iterable[int]) -> None:
        for pub_id in pub_ids:
            settled = settled_at()
            # Past a good match, only candidates about as close are verified (the relative evidence).
            if pub_id in tried or (settled is not None and distances.get(pub_id, CANDIDATE_THRESHOLD) > settled + RIVAL_MARGIN):
                continue
            pub = catalog.get(pub_id)
            close = distances.get(pub_id, CANDIDATE_THRESHOLD) <= THOROUGH_DISTANCE
            tried[pub_id] = (pub, _verify(index, copy, pub, thorough=close))

    attempt(distances)
    votes: list[int] = []
    if not any(v is not None and v.relation == "same" for _, v in tried.values()):
        votes = _nominated(index, copy)
        attempt(votes)
    verified = [(v, p) for p, v in tried.values() if v is not None]
    if not verified:
        # Nothing aligned: the three nearest hash candidates (a caption strip over a smooth
        # picture can push its own just past the threshold) and the best-voted ones get the
        # thorough search (partial crops, a recoloured dark variant) whatever their distance.
        nearest = [*distances, *(k for k in beyond if k not in distances)][:3]
        for pub_id in dict.fromkeys([*nearest, *votes[:VOTES_VERIFIED]]):
            pub = tried[pub_id][0] if pub_id in tried else catalog.get(pub_id)
            found = _verify(index, copy, pub, thorough=True)
            tried[pub_id] = (pub, found)
            if found is not None:
                verified.append((found, pub))
                if pub_id in beyond:
                    distances[pub_id] = beyond[pub_id]
    by_structure = not verified
    if by_structure:
        # Nothing aligned at all: an artist's recoloured variant keeps the edges of its
        # composition, and only a close structure hash earns the edge-based alignment.
        # Candidates verify found nothing in go straight to it (verify would repeat itself).
        for hit in index.structures.nearest(fingerprint.structure_hash(work), limit=RECOLOURED_CANDIDATES):
            pub_id = hit.key // 2
            pub = tried[pub_id][0] if pub_id in tried else catalog.get(pub_id)
            found = None if pub_id in tried else _verify(index, copy, pub, thorough=True)
            found = found or _verify(index, copy, pub, recoloured=True)
            tried[pub_id] = (pub, found)
            if found is not None:
                verified.append((found, pub))
    if not verified:
        return None
    best, pub = max(verified, key=lambda vp: (vp[0].relation == "same", vp[0].score))
    if best.relation == "same":
        best, pub, others = _right_export(catalog, index, copy, fmt, best, pub, tried)
    else:
        others = []
    method = "structure" if by_structure else "phash" if pub.id in distances else "features"
    strength = STRENGTH[best.relation]
    evidence = _evidence(best)
    rivals = [(v, p) for v, p in verified if p.original.sha256 != pub.original.sha256]
    if rivals:  # relative evidence: how the best other original fared
        rival_v, rival = max(rivals, key=lambda vp: (vp[0].relation == "same", vp[0].score))
        evidence["runner_up"] = {"publication_id": rival.id, "relation": rival_v.relation, "score": round(rival_v.score, 3)}
        if best.relation == "same" and rival_v.relation == "same" and rival_v.score >= best.score - 0.05:
            strength = STRENGTH["ambiguous"]
    match = Match(pub, method, distances.get(pub.id), round(best.score, 2), "output", best.relation,
                  strength, best.transform, evidence, others)
    if best.relation == "same":
        _read_mark_aligned(match, best, copy, work)
    return match


def _nominated(index: CatalogIndex, copy: trace.CopyView) -> list[int]:
    """The publications with the most feature votes, then any further down the vote list
    that the copy's features fit geometrically (as it is or mirrored). Pictures with many
    generic details (foliage, brick, text) collect votes from every copy; a mirrored half
    crop of a photo can rank below them while its own reference fits it with 50+ inliers."""
    pool = index.features.candidates(copy.features, copy.flipped_features, limit=VOTE_POOL)
    fitting = []
    for pub_id in pool[VOTES_VERIFIED:]:
        ref = index.reference(index.catalog.get(pub_id))
        if ref is not None:
            fits = [trace.fit(feats, ref.features) for feats in (copy.features, copy.flipped_features)]
            inliers = max((f.inliers for f in fits if f is not None), default=0)
            if inliers >= FITTING_INLIERS:
                fitting.append((inliers, pub_id))
    return pool[:VOTES_VERIFIED] + [pub_id for _, pub_id in sorted(fitting, reverse=True)[:VOTES_FITTED]]


def _verify(index: CatalogIndex, copy: trace.CopyView, pub: Publication, *, thorough: bool = False,
            recoloured: bool = False) -> trace.Verification | None:
    """``trace.verify`` against the publication's reference; ``recoloured``: only its
    edge alignment (``trace.verify_recoloured``)."""
    ref = index.reference(pub)
    if ref is None:
        return None
    size = (pub.output.width, pub.output.height)
    return trace.verify_recoloured(copy, ref, size) if recoloured else trace.verify(copy, ref, size, thorough=thorough)


FRAME_MARGIN = 0.03  # share of the copy's picture: picture-box and fit tolerance


def _right_export(catalog: Catalog, index: CatalogIndex, copy: trace.CopyView, fmt: str, best: trace.Verification, pub: Publication,
                  tried: dict[int, tuple[Publication, trace.Verification | None]]) -> tuple[trace.Verification, Publication, list[Publication]]:
    """Of all exports of the same original, the one the copy resembles most: one whose
    frame holds the copy's whole picture (a copy showing more than a 4:5 crop was not made
    from that crop), then the one it shows most of (a copy of the 4:5 export is not a crop
    of the full frame), then the best pixel agreement (a visible mark present or not), then
    the export the copy is not an enlargement of and is nearest in scale to, then the same
    format, then the newest."""
    siblings = [p for p in catalog.find_by_sha256(pub.original.sha256) if p.original.sha256 == pub.original.sha256]
    scored: list[tuple[trace.Verification, Publication]] = [(best, pub)]
    for sib in siblings:
        if sib.id == pub.id:
            continue
        verified = tried[sib.id][1] if sib.id in tried else _verify(index, copy, sib)
        if verified is not None and verified.relation == "same":
            scored.append((verified, sib))
    for share in (lambda v: trace.picture_inside(v, copy), lambda v: v.transform.shown):
        shares = [share(v) for v, _ in scored]
        scored = [vp for vp, s in zip(scored, shares) if s >= max(shares) - FRAME_MARGIN]
    top = max(v.score for v, _ in scored)
    close = [(v, p) for v, p in scored if v.score >= top - 0.01]

    def preference(vp: tuple[trace.Verification, Publication]) -> tuple[Any, ...]:
        v, p = vp
        scale = v.transform.scale  # copy pixels per pixel of this export
        not_enlarged = scale <= 1.02  # a copy is rarely sharper than its source
        return (not_enlarged, -abs(math.log(max(scale, 1e-6))), p.output.format == fmt, v.score, p.published_at)

    chosen_v, chosen = max(close, key=preference)
    others = [p for p in siblings if p.id != chosen.id]
    return chosen_v, chosen, others


def _evidence(v: trace.Verification) -> dict[str, Any]:
    a = v.agreement
    return {"alignment": v.method, "inliers": v.inliers, "blocks_agreeing": round(a.agree, 3),
            "tone_fit": round(a.tone, 3), "structure": round(a.structure, 3), "textured_blocks": a.textured_blocks}


def _read_mark_aligned(match: Match, v: trace.Verification, copy: trace.CopyView, work: Any) -> None:
    """Undo the copy's geometry and read the invisible mark on the original's frame; a mark
    naming this publication is the strongest evidence there is."""
    from artguard.watermark import invisible
    from artguard.watermark.keys import key_path

    pub = match.publication
    if pub.watermark_id is None or not key_path().exists():
        return
    try:
        aligned = trace.align_to_original(work, v, copy, (pub.output.width, pub.output.height))
        detection = invisible.detect(aligned, invisible.watermark_key(), search="aligned")
    except ArtGuardError:
        return
    if detection is not None and invisible.split_payload(detection.payload)[1] == pub.watermark_id:
        match.method = "watermark"
        match.strength = STRENGTH["watermark"]
        match.evidence["mark_after_alignment"] = _mark_json(detection)


def _thumb_jpeg(img: Any) -> bytes:
    thumb = imaging.to_rgb(img).copy()
    thumb.thumbnail((320, 320))
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=80)
    return buf.getvalue()
