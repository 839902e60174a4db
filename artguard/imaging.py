"""Decode and encode helpers: format sniffing, EXIF orientation, ICC, bomb guard, quality.

Every pixel path in ArtGuard (pipeline, watermark preview, thumbnails, fingerprints,
checker) opens images through here so the same limits and error messages apply.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from artguard import jpeg_scans
from artguard.errors import CorruptImage, ImageTooLarge, UnsupportedFormat, plain_message

# 200 MP is above any camera or canvas artists post; larger files are decompression bombs.
MAX_PIXELS = 200_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False

FORMATS = ("jpeg", "png", "webp", "tiff")
MIME = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "tiff": "image/tiff",
    "heif": "image/heif",
    "avif": "image/avif",
    "gif": "image/gif",
}
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp", "tiff": ".tif"}
IMAGE_SUFFIXES = {
    ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif", ".avif", ".gif",
}
_PIL_NAMES = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "tiff": "TIFF"}


def sniff_format(head: bytes) -> str | None:
    """The format named by a file's first bytes (never by its extension)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] in (b"II+\x00", b"MM\x00+"):
        return "bigtiff"  # named, so the user hears "unsupported format BIGTIFF", not "not an image"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"heim", b"heis"):
            return "heif"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def sniff_head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(16)


def sniff_file(path: Path) -> str | None:
    return sniff_format(sniff_head(path))


# Read (via pillow-heif) and converted on output; exiv2 reads their EXIF/XMP but cannot write them.
CONVERTED_FORMATS = ("heif", "avif")


def require_supported_format(path: Path) -> str:
    """The file's format if ArtGuard can protect it (HEIF/AVIF by conversion), else a clear error."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CorruptImage(f"cannot read file: {exc.strerror}") from exc
    if size == 0:
        raise CorruptImage("empty file (0 bytes)")
    try:
        fmt = sniff_file(path)
    except OSError as exc:
        raise CorruptImage(f"cannot read file: {exc.strerror}") from exc
    if fmt is None:
        raise UnsupportedFormat("not an image (unknown file signature)")
    if fmt not in FORMATS + CONVERTED_FORMATS:
        raise UnsupportedFormat(
            f"unsupported format {fmt.upper()}: ArtGuard reads JPEG, PNG, WebP, TIFF, HEIC and AVIF"
        )
    return fmt


_heif_lock = threading.Lock()
_heif_ready = False


def _enable_heif() -> None:
    """Teach Pillow HEIC/AVIF on first use (pillow-heif costs start-up time otherwise)."""
    global _heif_ready
    with _heif_lock:
        if not _heif_ready:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_ready = True


@dataclass
class Decoded:
    """Pixels as the viewer sees them, plus what must travel to the output."""

    image: Image.Image
    icc_profile: bytes | None
    source_format: str
    original_size: tuple[int, int]  # before any reduction, after orientation


def _open(source: Path | bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            fp = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
            head = source[:16] if isinstance(source, (bytes, bytearray)) else sniff_head(source)
            if sniff_format(head) in CONVERTED_FORMATS:
                _enable_heif()
            img = Image.open(fp)
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ImageTooLarge(f"image is {w}x{h}: over the {MAX_PIXELS // 1_000_000} MP limit")
            return img
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(f"the image is over the {MAX_PIXELS // 1_000_000} MP limit (refused as a possible decompression bomb)") from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedFormat("not an image Pillow can read") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # ValueError: e.g. a PNG text-chunk bomb
        raise CorruptImage(f"cannot read image: {plain_message(exc, from_parser=True)}") from exc


def _finish(img: Image.Image, fmt: str, full_size: tuple[int, int]) -> Decoded:
    icc = img.info.get("icc_profile")
    try:
        img.load()
        stored_size = img.size
        # In place: no full-size copy (~35 ms at 12 MP) when the orientation is already 1,
        # and a JPEG stays a JpegImageFile so encode() can keep its chroma subsampling.
        ImageOps.exif_transpose(img, in_place=True)
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptImage(f"image data is damaged or truncated: {exc}") from exc
    w, h = full_size
    if img.size != stored_size:
        w, h = h, w
    return Decoded(img, icc, fmt, (w, h))


def decode(source: Path | bytes) -> Decoded:
    """Full decode with EXIF orientation applied and the ICC profile kept."""
    img = _open(source)
    return _finish(img, (img.format or "").lower(), img.size)


def decode_reduced(source: Path | bytes, max_side: int = 512, *, exact: bool = True) -> Decoded:
    """A cheap decode near ``max_side`` for thumbnails and fingerprints.

    JPEG uses DCT scaling (``draft``), so a 15 MP baseline file costs ~35 ms instead of a
    full decode; other formats decode fully and are reduced after. When ``draft`` would
    decode a progressive JPEG at 1/8 scale, only the scans that scale reads are decoded (see
    ``jpeg_scans``): the luma AC scans, most of the file and of the decoding time, are
    never read, and the pixels are the same.
    ``exact=False``: see ``thumbnail``.
    """
    img = _open(source)
    full = img.size
    if img.format == "JPEG":
        if img.info.get("progressive") and max(full) // 8 >= max_side:
            reduced = _dc_decode(source, max_side, full, exact)
            if reduced is not None:
                return reduced
        # draft() keeps both sides >= the request, so ask for the aspect-correct size.
        scale = max_side / max(full)
        img.draft("RGB", (max(1, int(full[0] * scale)), max(1, int(full[1] * scale))))
    decoded = _finish(img, (img.format or "").lower(), full)
    return _reduce(decoded, max_side, exact)


def _reduce(decoded: Decoded, max_side: int, exact: bool) -> Decoded:
    decoded.image = thumbnail(decoded.image, max_side, exact=exact)
    return decoded


def _dc_decode(source: Path | bytes, max_side: int, full: tuple[int, int], exact: bool) -> Decoded | None:
    """The 1/8-scale decode of a progressive JPEG from the scans it needs, or None to decode normally."""
    try:
        data = source if isinstance(source, (bytes, bytearray)) else source.read_bytes()
        reduced = jpeg_scans.eighth_scale_scans(data)
        if reduced is None:
            return None
        img = _open(reduced)
        scale = max_side / max(full)
        img.draft("RGB", (max(1, int(full[0] * scale)), max(1, int(full[1] * scale))))
        decoded = _finish(img, "jpeg", full)
    except (OSError, CorruptImage, UnsupportedFormat):
        return None  # the whole-file path gives the error a user should see
    return _reduce(decoded, max_side, exact)


def thumbnail(img: Image.Image, max_side: int, *, exact: bool = True) -> Image.Image:
    """A new small RGB (or grey) image, made without a full-size copy of ``img``.

    Integer ``reduce()`` first (an averaging box filter, so no aliasing), then Lanczos to
    the exact size; the input is never modified, so a caller may keep drawing on it.
    ``exact=False`` skips the Lanczos step (~5 ms) for a result under ``2 * max_side``:
    enough for fingerprints and manifest thumbnails.
    """
    small = img
    factor = max(small.size) // max_side
    if factor > 1:
        try:
            small = small.reduce(factor)
        except ValueError:  # modes reduce() does not handle (palette, 1-bit)
            small = _reduce_in_strips(small, factor)
    if small.mode not in ("RGB", "L"):
        small = to_rgb(small)
    if max(small.size) > max_side and (exact or max(small.size) >= 2 * max_side):
        scale = max_side / max(small.size)
        size = (max(1, round(small.width * scale)), max(1, round(small.height * scale)))
        small = small.resize(size, Image.Resampling.LANCZOS)
    return small.copy() if small is img else small


_STRIP_PIXELS = 1 << 22  # ~4 MP a strip


def _reduce_in_strips(
    img: Image.Image, factor: int | tuple[int, int], convert: Callable[[Image.Image], Image.Image] | None = None
) -> Image.Image:
    """``convert(img).reduce(factor)`` (default: ``to_rgb``) without a full-size converted
    copy (4 bytes a pixel: 0.8 GB for a 200 MP palette PNG of a few hundred KB).
    ``reduce`` averages fx x fy blocks, so strips whose height is a multiple of fy give the
    same pixels."""
    convert = convert or to_rgb
    fx, fy = (factor, factor) if isinstance(factor, int) else factor
    width, height = img.size
    rows = max(1, _STRIP_PIXELS // width // fy) * fy
    out: Image.Image | None = None
    for top in range(0, height, rows):
        strip = convert(img.crop((0, top, width, min(height, top + rows)))).reduce((fx, fy))
        if out is None:
            out = Image.new(strip.mode, (-(-width // fx), -(-height // fy)))
        out.paste(strip, (0, top // fy))
    assert out is not None
    return out


def resize_converted(img: Image.Image, mode: str, size: tuple[int, int]) -> Image.Image:
    """``img.convert(mode).resize(size, BILINEAR, reducing_gap=2.0)``, pixel for pixel, for
    a large image without its full-size converted copy: the same integer reduce Pillow
    does first, done strip by strip, then the same resize of what is left."""
    width, height = img.size
    fx, fy = int(width / size[0] / 2.0) or 1, int(height / size[1] / 2.0) or 1
    if fx == 1 and fy == 1:
        return img.convert(mode).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    premultiplied = {"RGBA": "RGBa", "LA": "La"}.get(mode)  # Pillow resizes these premultiplied
    reduced = _reduce_in_strips(img, (fx, fy), lambda strip: strip.convert(mode).convert(premultiplied or mode))
    out = reduced.resize(size, Image.Resampling.BILINEAR, box=(0, 0, width / fx, height / fy))
    return out.convert(mode) if premultiplied else out


def resize_max(img: Image.Image, max_side: int | None) -> Image.Image:
    """Shrink so the long edge is exactly ``max_side`` (never enlarge), high-quality resampling.

    Palette and 1-bit images are converted first (Pillow would fall back to nearest-neighbour
    for them); RGBA/LA are resampled premultiplied by Pillow, so edges get no dark fringes.
    """
    if not max_side or max(img.size) <= max_side:
        return img
    w, h = img.size
    scale = max_side / max(w, h)
    if w >= h:
        size = (max_side, max(1, round(h * scale)))
    else:
        size = (max(1, round(w * scale)), max_side)
    if img.mode == "1":
        img = img.convert("L")
    elif img.mode in ("P", "PA"):
        img = img.convert("RGBA" if _has_alpha(img) else "RGB")
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)


def to_rgb(img: Image.Image) -> Image.Image:
    """An 8-bit RGB view of any mode (for hashing and analysis)."""
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if img.mode in _SIXTEEN_BIT:  # point() does not take I;16B (big-endian TIFFs)
        return _to_8bit_grey(img).convert("RGB")
    return img.convert("RGB")


_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I")


def _to_8bit_grey(img: Image.Image) -> Image.Image:
    import numpy as np

    arr = np.asarray(img).astype(np.uint32)
    return Image.fromarray((arr.clip(0, 65535) >> 8).astype(np.uint8), "L")


def _to_16bit_grey(img: Image.Image) -> Image.Image:
    import numpy as np

    return Image.fromarray(np.asarray(img).clip(0, 65535).astype(np.uint16))


def prepare_for(img: Image.Image, fmt: str) -> Image.Image:
    """Convert to a mode the target format stores, keeping alpha and depth where it can.

    JPEG: L, RGB and CMYK as they are; 16-bit grey becomes 8-bit grey; alpha is flattened
    on white. PNG: RGB(A), grey, grey+alpha, 16-bit grey and palette are kept; CMYK becomes
    RGB. WebP: RGB(A) only, so grey becomes RGB and alpha becomes RGBA. The caller's image is
    returned unchanged when no conversion is needed (no copy).
    """
    if fmt == "jpeg":
        if img.mode in ("L", "RGB", "CMYK"):
            return img
        if img.mode in _SIXTEEN_BIT:
            return _to_8bit_grey(img)
        if img.mode == "1":
            return img.convert("L")
        return to_rgb(img)
    if fmt == "png":
        if img.mode in ("RGB", "RGBA", "L", "LA", "I;16", "P", "1"):
            return img
        if img.mode in ("I;16B", "I;16L", "I"):
            return _to_16bit_grey(img)
        return img.convert("RGBA" if _has_alpha(img) else "RGB")
    if fmt == "webp":
        if img.mode in ("RGB", "RGBA"):
            return img
        if _has_alpha(img):
            return img.convert("RGBA")
        if img.mode in _SIXTEEN_BIT:
            return _to_8bit_grey(img).convert("RGB")
        return img.convert("RGB")
    return img


def _icc_space(icc: bytes) -> str:
    """The colour space an ICC profile describes ('RGB', 'GRAY', 'CMYK', ...), from its header."""
    return icc[16:20].decode("ascii", "replace").strip() if len(icc) >= 20 else ""


_MODE_SPACE = {
    "RGB": "RGB", "RGBA": "RGB", "P": "RGB", "L": "GRAY", "LA": "GRAY", "1": "GRAY",
    "I;16": "GRAY", "I": "GRAY", "CMYK": "CMYK",
}


def _matching_icc(source: Image.Image, stored: Image.Image, icc: bytes | None) -> tuple[Image.Image, bytes | None]:
    """Keep the ICC profile when it describes the stored pixels.

    When the format forced a colour-space change (CMYK or grey written as RGB), convert the
    colours through the embedded profile to sRGB and embed sRGB instead: writing a CMYK
    profile into an RGB file would make viewers show wrong colours.
    """
    if not icc:
        return stored, None
    space = _icc_space(icc)
    if space == _MODE_SPACE.get(stored.mode, space):
        return stored, icc
    from PIL import ImageCms

    if space == _MODE_SPACE.get(source.mode) and source.mode in ("CMYK", "L") and stored.mode == "RGB":
        try:
            srgb = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(
                source, ImageCms.ImageCmsProfile(io.BytesIO(icc)), srgb, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            return stored, None
        return converted, ImageCms.ImageCmsProfile(srgb).tobytes()
    return stored, None


def _subsampling(img: Image.Image, quality: int) -> str:
    """Keep a JPEG source's chroma subsampling; otherwise full chroma at quality 90 and up.

    Re-encoding a 4:2:0 camera JPEG as 4:4:4 adds ~50 % encode time and bytes for chroma
    detail that is not there; art exported as 4:4:4 keeps its sharp colour edges.
    """
    from PIL import JpegImagePlugin

    kept = {0: "4:4:4", 1: "4:2:2", 2: "4:2:0"}.get(JpegImagePlugin.get_sampling(img))
    return kept or ("4:2:0" if quality < 90 else "4:4:4")


def encode(img: Image.Image, fmt: str, *, quality: int = 90, icc_profile: bytes | None = None) -> bytes:
    """Encode with sensible web defaults; metadata is written later by the CMI engine."""
    if fmt not in _PIL_NAMES:
        raise UnsupportedFormat(f"cannot encode {fmt}")
    stored = prepare_for(img, fmt)
    stored, icc_profile = _matching_icc(img, stored, icc_profile)
    options: dict[str, object] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if fmt == "jpeg":
        options.update(quality=quality, optimize=False, progressive=False, subsampling=_subsampling(img, quality))
    elif fmt == "webp":
        options.update(quality=quality, method=4)
    elif fmt == "png":
        options.update(compress_level=6)
    elif fmt == "tiff":
        options.update(compression="tiff_lzw")
    buf = io.BytesIO()
    try:
        stored.save(buf, _PIL_NAMES[fmt], **options)
    except (OSError, ValueError) as exc:
        raise UnsupportedFormat(f"cannot encode this image as {fmt.upper()}: {exc}") from exc
    return buf.getvalue()


def probe(data: bytes, *, check_complete: bool = True) -> tuple[int, int]:
    """Size as the viewer sees it (orientation applied), from the header alone.

    Also refuses files whose structure shows they are cut short, so a metadata-only job
    (which never decodes pixels) still reports a truncated file instead of copying it;
    ``check_complete=False`` when ``data`` is only the header and the caller checked the end.
    """
    img = _open(data)
    if check_complete:
        _require_complete(data, (img.format or "").lower())
    w, h = img.size
    try:
        orientation = img.getexif().get(0x0112, 1)
    except (OSError, SyntaxError, ValueError):
        orientation = 1
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def _require_complete(data: bytes, fmt: str) -> None:
    if fmt == "jpeg":
        complete = data.rfind(b"\xff\xd9") > data.find(b"\xff\xda") > 0
    elif fmt == "png":
        complete = b"IEND" in data[-64:]
    elif fmt == "webp":
        complete = int.from_bytes(data[4:8], "little") + 8 <= len(data)
    else:
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
            complete = True
        except (OSError, SyntaxError, ValueError):
            complete = False
    if not complete:
        raise CorruptImage("image data is truncated (the file ends early)")


def crop_box(size: tuple[int, int], aspect: tuple[int, int] | None, centre: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int, int, int]:
    """The largest ``aspect`` box inside ``size``, centred on ``centre`` (fractions of the
    image) and pushed back inside the edges: (left, top, right, bottom) in pixels."""
    width, height = size
    if not aspect:
        return 0, 0, width, height
    want = aspect[0] / aspect[1]
    box_w, box_h = (width, round(width / want)) if width / height <= want else (round(height * want), height)
    box_w, box_h = max(1, min(box_w, width)), max(1, min(box_h, height))
    left = min(max(round(centre[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(centre[1] * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h
