"""Decode and encode helpers: format sniffing, EXIF orientation, ICC, bomb guard, quality.

Every pixel path in ArtGuard (pipeline, watermark preview, thumbnails, fingerprints,
checker) opens images through here so the same limits and error messages apply.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from artguard.errors import CorruptImage, ImageTooLarge, UnsupportedFormat

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
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"heim", b"heis"):
            return "heif"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def sniff_file(path: Path) -> str | None:
    with open(path, "rb") as fh:
        return sniff_format(fh.read(16))


def require_writable_format(path: Path) -> str:
    """The file's format if ArtGuard can write CMI into it, else a clear error."""
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
    if fmt not in FORMATS:
        raise UnsupportedFormat(
            f"unsupported format {fmt.upper()}: ArtGuard writes JPEG, PNG, WebP and TIFF"
        )
    return fmt


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
            img = Image.open(fp)
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ImageTooLarge(f"image is {w}x{h}: over the {MAX_PIXELS // 1_000_000} MP limit")
            return img
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(f"refused as a decompression bomb: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedFormat("not an image Pillow can read") from exc
    except OSError as exc:
        raise CorruptImage(f"cannot read image: {exc}") from exc


def _finish(img: Image.Image, fmt: str, full_size: tuple[int, int]) -> Decoded:
    icc = img.info.get("icc_profile")
    try:
        img.load()
        oriented = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptImage(f"image data is damaged or truncated: {exc}") from exc
    w, h = full_size
    if oriented.size != img.size:
        w, h = h, w
    return Decoded(oriented, icc, fmt, (w, h))


def decode(source: Path | bytes) -> Decoded:
    """Full decode with EXIF orientation applied and the ICC profile kept."""
    img = _open(source)
    return _finish(img, (img.format or "").lower(), img.size)


def decode_reduced(source: Path | bytes, max_side: int = 512) -> Decoded:
    """A cheap decode near ``max_side`` for thumbnails and fingerprints.

    JPEG uses DCT scaling (``draft``), so a 15 MP file costs a few ms instead of a full
    decode; other formats decode fully and are reduced after.
    """
    img = _open(source)
    full = img.size
    if img.format == "JPEG":
        img.draft("RGB", (max_side, max_side))
    decoded = _finish(img, (img.format or "").lower(), full)
    thumb = decoded.image
    if max(thumb.size) > max_side:
        thumb = thumb.copy()
        thumb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    decoded.image = thumb
    return decoded


def resize_max(img: Image.Image, max_side: int | None) -> Image.Image:
    """Shrink so the long edge is ``max_side`` (never enlarge), high-quality resampling."""
    if not max_side or max(img.size) <= max_side:
        return img
    w, h = img.size
    scale = max_side / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    if max(w, h) == w:
        size = (max_side, size[1])
    else:
        size = (size[0], max_side)
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def to_rgb(img: Image.Image) -> Image.Image:
    """An 8-bit RGB view of any mode (for hashing and analysis)."""
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        return img.point(lambda v: v / 256).convert("L").convert("RGB")
    return img.convert("RGB")


def prepare_for(img: Image.Image, fmt: str) -> Image.Image:
    """Convert to a mode the target format stores, keeping alpha where it can."""
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (
        img.mode == "P" and "transparency" in img.info
    )
    if fmt == "jpeg":
        if img.mode in ("L", "RGB", "CMYK"):
            return img
        return to_rgb(img)
    if fmt in ("png", "webp"):
        if img.mode in ("RGB", "RGBA") or (fmt == "png" and img.mode in ("L", "LA", "I;16")):
            return img
        if has_alpha:
            return img.convert("RGBA")
        if img.mode == "CMYK":
            return img.convert("RGB")
        return to_rgb(img) if fmt == "webp" else img.convert("RGB")
    return img


def encode(img: Image.Image, fmt: str, *, quality: int = 90, icc_profile: bytes | None = None) -> bytes:
    """Encode with sensible web defaults; metadata is written later by the CMI engine."""
    if fmt not in _PIL_NAMES:
        raise UnsupportedFormat(f"cannot encode {fmt}")
    img = prepare_for(img, fmt)
    options: dict[str, object] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if fmt == "jpeg":
        options.update(quality=quality, optimize=False, progressive=False, subsampling="4:2:0" if quality < 90 else "4:4:4")
    elif fmt == "webp":
        options.update(quality=quality, method=4)
    elif fmt == "png":
        options.update(compress_level=6)
    elif fmt == "tiff":
        options.update(compression="tiff_lzw")
    buf = io.BytesIO()
    try:
        img.save(buf, _PIL_NAMES[fmt], **options)
    except (OSError, ValueError) as exc:
        raise UnsupportedFormat(f"cannot encode this image as {fmt.upper()}: {exc}") from exc
    return buf.getvalue()
