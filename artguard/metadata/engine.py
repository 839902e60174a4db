"""Read and write EXIF, IPTC and XMP through exiv2, losslessly, for every format we write.

One writer for all formats (exiv2 speaks JPEG, PNG, WebP and TIFF); JPEG goes through
the header splice so the scan data is copied once and never re-encoded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import exiv2

from artguard.errors import CorruptImage, UnsupportedFormat
from artguard.metadata import jpeg_splice
from artguard.metadata.fields import AI_NAMESPACE, AI_PREFIX, LANG_ALT, SEQ
from artguard.metadata.scrub import ScrubOptions

IPTC_UTF8 = "\x1b%G"
_BINARY_LIMIT = 256
_init_lock = threading.Lock()
_initialised = False


def _init() -> None:
    """exiv2's XMP parser and namespace registry are process-global and not thread-safe."""
    global _initialised
    with _init_lock:
        if _initialised:
            return
        exiv2.LogMsg.setLevel(exiv2.LogMsg.Level.mute)
        exiv2.XmpParser.initialize()
        try:
            exiv2.XmpProperties.ns(AI_PREFIX)
        except exiv2.Exiv2Error:
            exiv2.XmpProperties.registerNs(AI_NAMESPACE, AI_PREFIX)
        _initialised = True


@dataclass
class Metadata:
    """What a file carries, as exiv2 spells the keys (``Exif.Image.Artist`` ...)."""

    exif: dict[str, str] = field(default_factory=dict)
    iptc: dict[str, str] = field(default_factory=dict)
    xmp: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        group = {"Exif": self.exif, "Iptc": self.iptc, "Xmp": self.xmp}.get(key.split(".", 1)[0], {})
        return group.get(key)

    def merged(self) -> dict[str, str]:
        return {**self.exif, **self.iptc, **self.xmp}


def _open(source: Path | bytes) -> exiv2.Image:
    _init()
    try:
        image = exiv2.ImageFactory.open(str(source) if isinstance(source, Path) else source)
        image.readMetadata()
    except exiv2.Exiv2Error as exc:
        message = _exiv2_message(exc)
        if "unknown image type" in message.lower() or "supported" in message.lower():
            raise UnsupportedFormat(f"metadata engine cannot read this file: {message}") from exc
        raise CorruptImage(f"cannot read metadata: {message}") from exc
    return image


def _exiv2_message(exc: exiv2.Exiv2Error) -> str:
    """exiv2 raises ``(ErrorCode, message)``: the message alone is what a user can read."""
    return str(exc.args[-1]) if exc.args else "exiv2 error"


def _text(datum: exiv2.Metadatum) -> str:
    type_name = datum.typeName() or ""
    if type_name == "LangAlt":
        values = dict(datum.value())
        return values.get("x-default") or next(iter(values.values()), "")
    if type_name in ("Undefined", "Byte") and datum.size() > _BINARY_LIMIT:
        return f"(binary, {datum.size()} bytes)"
    try:
        return datum.toString()
    except (UnicodeDecodeError, exiv2.Exiv2Error):
        return f"(undecodable, {datum.size()} bytes)"


def _collect(container) -> dict[str, str]:
    result: dict[str, str] = {}
    for datum in container:
        key = datum.key()
        value = _text(datum)
        result[key] = f"{result[key]}, {value}" if key in result else value  # repeatable IPTC
    return result


def _header_only(data: bytes | bytearray | memoryview) -> bytes:
    """A JPEG's header stub (exiv2 then never walks the scan data); other formats whole."""
    if bytes(data[:3]) == b"\xff\xd8\xff":
        return jpeg_splice.header_stub(data, jpeg_splice.scan_offset(data))
    return bytes(data)


def read_metadata(source: Path | bytes) -> Metadata:
    """Everything a file carries; for a JPEG path only the header is read."""
    image = _open(source if isinstance(source, Path) else _header_only(source))
    return Metadata(
        exif=_collect(image.exifData()),
        iptc=_collect(image.iptcData()),
        xmp=_collect(image.xmpData()),
    )


@dataclass
class WritePlan:
    """One output's metadata edit: what to set, what to drop, where the rest comes from."""

    values: dict[str, str]
    scrub: ScrubOptions = ScrubOptions()
    copy_from: bytes | None = None  # metadata source when the target is a fresh encode
    new_size: tuple[int, int] | None = None  # pixels changed: orientation reset, thumbnail dropped


def write_metadata(data: bytes, fmt: str, plan: WritePlan) -> list[bytes | memoryview]:
    """The output file as pieces to write in order (JPEG scan data is not copied in memory)."""
    if fmt == "jpeg":
        sos = jpeg_splice.scan_offset(data)
        stub = _edit(jpeg_splice.header_stub(data, sos), fmt, plan)
        return jpeg_splice.join(stub, data, sos)
    return [_edit(data, fmt, plan)]


def _edit(data: bytes, fmt: str, plan: WritePlan) -> bytes:
    image = _open(data)
    if plan.copy_from is not None:
        origin = _open(_header_only(plan.copy_from))
        image.setExifData(origin.exifData())
        image.setXmpData(origin.xmpData())
        if fmt != "webp":
            image.setIptcData(origin.iptcData())
    exif, iptc, xmp = image.exifData(), image.iptcData(), image.xmpData()
    for container in (exif, iptc, xmp):
        doomed = [d.key() for d in container if plan.scrub.removes(d.key())]
        for key in doomed:
            _erase_all(container, key)
    if plan.new_size is not None:
        _reset_geometry(exif, xmp, plan.new_size)
    for key, value in plan.values.items():
        group = key.split(".", 1)[0]
        if group == "Exif":
            exif[key] = value
        elif group == "Iptc":
            if fmt == "webp":
                continue  # WebP has no IPTC block; the same fields go to XMP
            iptc["Iptc.Envelope.CharacterSet"] = IPTC_UTF8
            _erase_all(iptc, key)
            iptc[key] = value
        else:
            _set_xmp(xmp, key, value)
    try:
        image.writeMetadata()
    except exiv2.Exiv2Error as exc:
        raise CorruptImage(f"cannot write metadata: {_exiv2_message(exc)}") from exc
    return bytes(image.io().mmap())


def _erase_all(container, key: str) -> None:
    while True:
        pos = container.findKey(_key_type(key)(key))
        if pos == container.end():
            return
        container.erase(pos)


def _key_type(key: str):
    return {"Exif": exiv2.ExifKey, "Iptc": exiv2.IptcKey, "Xmp": exiv2.XmpKey}[key.split(".", 1)[0]]


def _set_xmp(xmp: exiv2.XmpData, key: str, value: str) -> None:
    if "/" in key:  # a struct member: create the container first
        parent = key.split("/", 1)[0]
        container = parent.split("[", 1)[0]
        if xmp.findKey(exiv2.XmpKey(container)) == xmp.end():
            holder = exiv2.XmpTextValue()
            if "[" in parent:
                holder.setXmpArrayType(exiv2.XmpValue.XmpArrayType.xaBag)
            else:
                holder.setXmpStruct()
            xmp.add(exiv2.XmpKey(container), holder)
        xmp[key] = value
        return
    _erase_all(xmp, key)
    if key in LANG_ALT:
        xmp[key] = f'lang="x-default" {value}'
    elif key in SEQ:
        seq = exiv2.XmpArrayValue(exiv2.TypeId.xmpSeq)
        seq.read(value)
        xmp.add(exiv2.XmpKey(key), seq)
    else:
        xmp[key] = value


def _reset_geometry(exif: exiv2.ExifData, xmp: exiv2.XmpData, size: tuple[int, int]) -> None:
    """Pixels were re-rendered upright at ``size``: stale orientation and thumbnail go."""
    for key in [d.key() for d in exif if d.key().startswith("Exif.Thumbnail.")]:
        _erase_all(exif, key)
    exif["Exif.Image.Orientation"] = exiv2.UShortValue(1)
    for key in ("Exif.Photo.PixelXDimension", "Exif.Photo.PixelYDimension"):
        _erase_all(exif, key)
    exif["Exif.Photo.PixelXDimension"] = exiv2.ULongValue(size[0])
    exif["Exif.Photo.PixelYDimension"] = exiv2.ULongValue(size[1])
    for key in ("Exif.Image.ImageWidth", "Exif.Image.ImageLength"):
        _erase_all(exif, key)
    for key in ("Xmp.tiff.Orientation", "Xmp.exif.PixelXDimension", "Xmp.exif.PixelYDimension"):
        _erase_all(xmp, key)
