"""One file: load -> (resize) -> watermark -> encode -> CMI -> C2PA -> record -> write.

The order is DESIGN.md's: pixels are final before metadata is written, and the C2PA
manifest is signed last because it hashes the final bytes. A metadata-only job never
decodes full pixels and copies the original image data untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from artguard import __version__, imaging
from artguard.errors import ArtGuardError, OutputError
from artguard.fileio import atomic_path, copy_range, describe_os_error, write_bytes_atomic
from artguard.metadata import (
    ScrubOptions, WritePlan, cmi_values, jpeg_splice, read_metadata, registry, write_metadata, xmp_packet,
)
from artguard.profile import RightsProfile
from artguard.verify import verify_output

if TYPE_CHECKING:
    from artguard.catalog import Catalog, ImageFacts
    from artguard.provenance import Identity

THUMB_SIDE = 512
OUTPUT_FORMATS = ("keep", "jpeg", "png", "webp")


@dataclass
class EmbedOptions:
    """Everything that decides what an output looks like (hashed for resume)."""

    profile: RightsProfile
    write_cmi: bool = True
    sign_c2pa: bool = True
    invisible: bool = False
    invisible_auto: bool = False  # on by default, not asked for: an image too small for it goes without
    scrub: ScrubOptions = field(default_factory=ScrubOptions)
    format: str = "keep"
    quality: int = 90
    max_size: int | None = None
    crop_aspect: tuple[int, int] | None = None  # (w, h): crop to this shape before resizing
    crop_centre: tuple[float, float] = (0.5, 0.5)  # where the crop box sits (image fractions)
    max_bytes: int | None = None  # a platform's upload limit: JPEG/WebP quality is lowered to fit
    sidecar: bool = False  # also write the output's XMP as NAME.xmp beside it (Adobe's convention)
    # Per-image values (embed --metadata-csv): resolved input path -> CSV column -> value.
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)

    def validate(self) -> None:
        self.profile.validate()
        if self.format not in OUTPUT_FORMATS:
            raise ArtGuardError(f"format must be one of {', '.join(OUTPUT_FORMATS)}")
        if not 1 <= self.quality <= 100:
            raise ArtGuardError("quality must be between 1 and 100")
        if self.max_size is not None and self.max_size < 16:
            raise ArtGuardError("max size must be at least 16 pixels")
        if self.crop_aspect is not None and min(self.crop_aspect) <= 0:
            raise ArtGuardError("crop aspect must be two positive numbers")

    def output_format(self, source_format: str) -> str:
        """``keep`` keeps the format, except HEIC/AVIF, which become JPEG (they can be read,
        not written with metadata)."""
        if self.format != "keep":
            return self.format
        return "jpeg" if source_format in imaging.CONVERTED_FORMATS else source_format

    def profile_for(self, src: Path) -> RightsProfile:
        """The profile for one input: the job's, with its CSV row's values over it."""
        row = self.overrides.get(str(Path(src).resolve()))
        if not row:
            return self.profile
        from artguard.metadata.csv_table import apply_row

        return apply_row(self.profile, row)

    def changes_pixels(self, source_format: str) -> bool:
        return bool(
            self.profile.watermark.enabled()
            or self.invisible
            or self.max_size
            or self.crop_aspect
            or self.output_format(source_format) != source_format
        )

    def reencodes(self) -> bool:
        """A web copy (new pixels anyway), as opposed to lossless metadata-only protection:
        the invisible mark is on by default exactly then."""
        return bool(self.profile.watermark.enabled() or self.max_size or self.crop_aspect or self.format != "keep")

    def settings_hash(self) -> str:
        """Same hash, same output: resume skips files already done with these settings."""
        state = dataclasses.asdict(self)
        state["version"] = __version__
        text = json.dumps(state, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class RunContext:
    """What a whole batch shares: identity, watermark key, catalog (each made lazily)."""

    catalog: Catalog | None = None
    identity: Identity | None = None
    watermark_key: bytes | None = None

    def need_identity(self, profile: RightsProfile) -> Identity:
        if self.identity is None:
            from artguard.provenance import ensure_identity

            self.identity = ensure_identity(profile.creator or "ArtGuard user", profile.contact_email)
        return self.identity

    def need_watermark_key(self) -> bytes:
        if self.watermark_key is None:
            from artguard.watermark.keys import watermark_key  # not .invisible: scipy, 0.3-2 s

            self.watermark_key = watermark_key()
        return self.watermark_key


@dataclass
class FileResult:
    """One input's outcome, shaped as DESIGN.md's per-file ``--json`` entry."""

    input: str
    output: str | None
    status: str  # ok | skipped | error
    error: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    sha256: str | None = None
    c2pa_label: str | None = None
    watermark_id: int | None = None
    publication_id: int | None = None
    note: str | None = None  # why a file was skipped, or what was left out
    preset: str | None = None  # the platform preset this copy was made for
    bytes_written: int = 0
    detail: str | None = None  # the traceback of an unexpected failure, shown with --debug
    warnings: list[str] = field(default_factory=list)  # per-file problems that did not stop it

    def to_json(self) -> dict[str, object]:
        return {
            k: v for k, v in dataclasses.asdict(self).items()
            if v is not None and k not in ("bytes_written", "detail") and not (k == "warnings" and not v)
        }


class _Rendered:
    """The output as pieces plus what the record and the signer need, thumbnails made lazily.

    A metadata-only job with no C2PA and no catalog never decodes any pixels, and no job
    reduces its full-size output again: the output's thumbnail is the original's, with the
    visible mark drawn by the preview renderer (same geometry, relative to the short side).
    """

    def __init__(self, data: bytes, fmt: str, size: tuple[int, int], original_size: tuple[int, int]) -> None:
        self.data = data
        self.fmt = fmt
        self.size = size
        self.original_size = original_size
        self.pieces: list[bytes | memoryview | jpeg_splice.ScanData] = []
        self.fields: dict[str, str] = {}
        self.resolved: dict[str, dict[str, str]] = {}
        self.warnings: list[str] = []
        self.document_id: str | None = None
        self.instance_id: str | None = None
        self.c2pa_label: str | None = None
        self.watermark_id: int | None = None
        self.note: str | None = None
        self.encoded_scan: memoryview | None = None  # a new JPEG's image data as the encoder made it

    @functools.cached_property
    def original_thumb(self) -> Image.Image:
        return imaging.decode_reduced(self.data, THUMB_SIDE).image

    @functools.cached_property
    def thumb(self) -> Image.Image:
        return self.original_thumb


def protect_file(src: Path, dst: Path, options: EmbedOptions, ctx: RunContext) -> FileResult:
    """Protect ``src`` into ``dst`` atomically; the original is only ever read."""
    src, dst = Path(src), Path(dst)
    if dst.resolve() == src.resolve():
        raise OutputError("output would overwrite the input")
    source_format = imaging.require_supported_format(src)
    # Nothing needs the scan data in memory (no hash to record, nothing to sign, no pixels
    # to change): read only the JPEG header and let the kernel copy the rest.
    head_only = source_format == "jpeg" and ctx.catalog is None and not options.sign_c2pa and not options.changes_pixels(source_format)
    try:
        data, scan = jpeg_splice.read_head(src) if head_only else (src.read_bytes(), None)
    except OSError as exc:
        raise ArtGuardError(f"cannot read file: {exc.strerror}") from exc
    rendered = _render(src, dst, data, source_format, options, ctx, head_only=head_only)
    if scan is not None:
        rendered.pieces[-1] = scan  # the header's tail is the SOS segment; the scan data follows it on disk
    publication_id = None
    try:
        with atomic_path(dst) as tmp:
            written, digest = _write_pieces(tmp, rendered.pieces, dst, hashed=scan is None)
            verify_output(tmp, rendered.fmt, instance_id=rendered.instance_id, signed=rendered.c2pa_label is not None,
                          new_pixels=options.changes_pixels(source_format), encoded_scan=rendered.encoded_scan)
            result = FileResult(
                input=str(src),
                output=str(dst),
                status="ok",
                format=rendered.fmt,
                width=rendered.size[0],
                height=rendered.size[1],
                sha256=digest,
                c2pa_label=rendered.c2pa_label,
                watermark_id=rendered.watermark_id,
                note=rendered.note,
                bytes_written=written,
                warnings=rendered.warnings,
            )
            if options.max_bytes and written > options.max_bytes:
                result.note = f"{written:,} bytes: over the platform's {options.max_bytes:,}-byte limit even at quality {MIN_FIT_QUALITY}"
            if ctx.catalog is not None:  # recorded before the rename: no output without its record
                result.publication_id = publication_id = _record(src, data, source_format, dst, written, result, rendered, options, ctx)
    except Exception:
        if publication_id is not None and ctx.catalog is not None:
            ctx.catalog.remove([publication_id])  # the rename failed: no record of an output not written
        raise
    if publication_id is not None and ctx.catalog is not None:
        ctx.catalog.drop_superseded(str(dst.resolve()), publication_id)  # the file they describe is gone
    if options.sidecar and options.write_cmi:
        write_bytes_atomic(sidecar_path(dst), xmp_packet(dst).encode("utf-8"))
    return result


def sidecar_path(output: Path) -> Path:
    """NAME.xmp beside NAME.ext, as Bridge, Lightroom and Photo Mechanic look for it."""
    return output.with_suffix(".xmp")


def _write_pieces(
    tmp: Path, pieces: list[bytes | memoryview | jpeg_splice.ScanData], dst: Path, *, hashed: bool
) -> tuple[int, str | None]:
    """Write the output's pieces in order; (bytes written, SHA-256 unless a span was copied
    by the kernel and never passed through Python)."""
    digest = hashlib.sha256() if hashed else None
    written = 0
    try:
        with open(tmp, "wb") as fh:
            for piece in pieces:
                if isinstance(piece, jpeg_splice.ScanData):
                    copy_range(piece.path, piece.offset, piece.length, fh)
                    written += piece.length
                    continue
                fh.write(piece)
                if digest is not None:
                    digest.update(piece)
                written += len(piece)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, dst)) from exc
    return written, digest.hexdigest() if digest is not None else None


def _render(
    src: Path, dst: Path, data: bytes, source_format: str, options: EmbedOptions, ctx: RunContext, *, head_only: bool
) -> _Rendered:
    """Templates (``{filename}`` is the OUTPUT's name) are expanded once, here, for every block."""
    profile = options.profile_for(src)
    out_fmt = options.output_format(source_format)
    if options.changes_pixels(source_format):
        decoded = imaging.decode(data)
        cropped = _crop(decoded.image, options)
        img = imaging.resize_max(cropped, options.max_size)
        rendered = _Rendered(data, out_fmt, img.size, decoded.original_size)
        needs_thumbs = options.sign_c2pa or ctx.catalog is not None
        if needs_thumbs:  # taken before any in-place drawing
            rendered.original_thumb = imaging.thumbnail(decoded.image, THUMB_SIDE, exact=False)
            if cropped is not decoded.image:
                rendered.thumb = imaging.thumbnail(cropped, THUMB_SIDE, exact=False)
        if profile.watermark.enabled():
            from artguard.watermark.visible import apply_watermark, render_preview

            text = profile.expand(profile.watermark.text, filename=dst.name)
            img = apply_watermark(img, profile.watermark, text=text)
            if needs_thumbs:
                rendered.thumb = render_preview(rendered.thumb, profile.watermark, text=text)
        if options.invisible:
            try:
                rendered.watermark_id, img = _embed_invisible(img, options, ctx)
            except ArtGuardError as exc:
                if not options.invisible_auto:
                    raise
                rendered.note = f"no invisible mark: {exc}"
        encoded = _encode_within(img, out_fmt, options, decoded.icc_profile)
        if out_fmt == "jpeg":
            rendered.encoded_scan = memoryview(encoded)[jpeg_splice.scan_offset(encoded):]
        plan = WritePlan(values={}, scrub=options.scrub, copy_from=data, new_size=img.size)
        del img, decoded  # free the full-size pixels before metadata and signing copy the encoded bytes
    else:
        size = imaging.probe(data, check_complete=not head_only)
        rendered = _Rendered(data, out_fmt, size, size)
        encoded = data
        plan = WritePlan(values={}, scrub=options.scrub)
    source_meta = read_metadata(data)
    rendered.warnings = list(source_meta.warnings)
    ids = {}
    if options.write_cmi:
        rendered.document_id = source_meta.get("Xmp.xmpMM.DocumentID") or f"xmp.did:{uuid.uuid4()}"
        rendered.instance_id = f"xmp.iid:{uuid.uuid4()}"
        ids = {"document_id": rendered.document_id, "instance_id": rendered.instance_id}
    rendered.resolved = registry.resolve(profile, filename=dst.name, ids=ids)
    if options.write_cmi:
        plan.values = rendered.fields = cmi_values(rendered.resolved, out_fmt)
    rendered.pieces = write_metadata(encoded, out_fmt, plan)
    if options.sign_c2pa:
        _sign(rendered, data, source_format, dst, profile, options, ctx)
    return rendered


MIN_FIT_QUALITY = 50
_METADATA_RESERVE = 24_000  # EXIF/IPTC/XMP written after encoding
_C2PA_RESERVE = 120_000  # the signed manifest with its JPEG thumbnail


def _encode_within(img: Image.Image, fmt: str, options: EmbedOptions, icc_profile: bytes | None) -> bytes:
    """Encode; with a platform byte limit, step the quality down until the file (with room
    for metadata and Content Credentials) fits, never below MIN_FIT_QUALITY."""
    quality = options.quality
    encoded = imaging.encode(img, fmt, quality=quality, icc_profile=icc_profile)
    if not options.max_bytes or fmt not in ("jpeg", "webp"):
        return encoded
    budget = options.max_bytes - _METADATA_RESERVE - (_C2PA_RESERVE if options.sign_c2pa else 0)
    while len(encoded) > budget and quality > MIN_FIT_QUALITY:
        quality = max(MIN_FIT_QUALITY, quality - 8)
        encoded = imaging.encode(img, fmt, quality=quality, icc_profile=icc_profile)
    return encoded


def _crop(img: Image.Image, options: EmbedOptions) -> Image.Image:
    """A platform's shape (e.g. Instagram 4:5), placed where the user put the box."""
    if not options.crop_aspect:
        return img
    box = imaging.crop_box(img.size, options.crop_aspect, options.crop_centre)
    return img if box == (0, 0, *img.size) else img.crop(box)


def _embed_invisible(img: Image.Image, options: EmbedOptions, ctx: RunContext) -> tuple[int, Image.Image]:
    from artguard.watermark import invisible

    identity = ctx.need_identity(options.profile)
    image_id = ctx.catalog.next_watermark_image_id() if ctx.catalog is not None else int(uuid.uuid4().int % (1 << 24))
    payload = invisible.make_payload(identity.owner_id, image_id)
    return image_id, invisible.embed(img, payload, ctx.need_watermark_key(), in_place=True)


def _sign(
    rendered: _Rendered, original: bytes, source_format: str, dst: Path, profile: RightsProfile,
    options: EmbedOptions, ctx: RunContext,
) -> None:
    from artguard import provenance

    identity = ctx.need_identity(options.profile)
    parent = original if provenance.has_manifest(original, source_format) else None
    title = rendered.resolved.get("title", {}).get("Xmp.dc.title") or dst.name
    signed = provenance.sign(
        b"".join(rendered.pieces),
        rendered.fmt,
        profile,
        identity,
        title=title,
        thumbnail_jpeg=imaging.encode(rendered.thumb, "jpeg", quality=80),
        edited=options.changes_pixels(source_format),
        parent=parent,
        fields=rendered.resolved,
    )
    rendered.pieces = [signed.data]
    rendered.c2pa_label = signed.label


def _record(
    src: Path,
    data: bytes,
    source_format: str,
    dst: Path,
    written: int,
    result: FileResult,
    rendered: _Rendered,
    options: EmbedOptions,
    ctx: RunContext,
) -> int:
    from artguard import fingerprint, trace
    from artguard.catalog import ImageFacts, Publication

    def facts(path: Path, size: int, fmt: str, dims: tuple[int, int], sha: str, thumb: Image.Image) -> ImageFacts:
        fp = fingerprint.compute(thumb)
        return ImageFacts(str(path.resolve()), size, dims[0], dims[1], fmt, sha, fp.phash, fp.blob)

    original = facts(src, len(data), source_format, rendered.original_size, hashlib.sha256(data).hexdigest(), rendered.original_thumb)
    if rendered.thumb is rendered.original_thumb:  # same picture (maybe resized): same fingerprint
        output = dataclasses.replace(
            original, path=str(dst.resolve()), size=written, format=rendered.fmt, sha256=result.sha256 or "",
            width=rendered.size[0], height=rendered.size[1],
        )
    else:
        output = facts(dst, written, rendered.fmt, rendered.size, result.sha256 or "", rendered.thumb)
    publication = Publication(
        original=original,
        output=output,
        profile_name=options.profile.name,
        fields=rendered.fields,
        document_id=rendered.document_id,
        instance_id=rendered.instance_id,
        c2pa_label=rendered.c2pa_label,
        watermark_id=rendered.watermark_id,
        settings_hash=options.settings_hash(),
        published_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        reference=trace.make_reference(rendered.thumb),
    )
    assert ctx.catalog is not None
    return ctx.catalog.add(publication)
