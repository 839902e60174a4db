"""Read and write EXIF, IPTC and XMP through exiv2, losslessly, for every format we write.

One writer for all formats (exiv2 speaks JPEG, PNG, WebP and TIFF); JPEG goes through
the header splice so the scan data is copied once and never re-encoded.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import exiv2

from artguard.errors import CorruptImage, UnsupportedFormat
from artguard.metadata import jpeg_splice
from artguard.metadata.registry import AI_NAMESPACE, AI_PREFIX, BAG, CONTAINERS, LANG_ALT, LIST_KEYS, SEQ
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
    warnings: list[str] = field(default_factory=list)  # what could not be read, in words

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
        warnings=_warnings(image),
    )


def parse_xmp(packet: bytes) -> dict[str, str]:
    """An XMP file's properties as exiv2 keys (sidecars, metadata templates); struct and
    array holders are left out, their members are listed."""
    if b"<x:xmpmeta" not in packet and b"<rdf:RDF" not in packet:
        raise CorruptImage("not an XMP file")
    image = _open(packet)
    if image.xmpData().empty():
        raise CorruptImage("no XMP properties could be read (malformed XML?)")
    return {k: v for k, v in _collect(image.xmpData()).items() if v and not v.startswith('type="')}


def xmp_packet(path: Path) -> str:
    """A file's XMP packet as written (for a sidecar); "" when it has none."""
    return _open(path).xmpPacket()


def _warnings(image: exiv2.Image) -> list[str]:
    """exiv2 drops an XMP packet it cannot parse without a word: say so."""
    packet = image.xmpPacket()
    if packet.strip() and image.xmpData().empty():
        return [f"the file's XMP metadata ({len(packet.encode('utf-8')):,} bytes) is malformed and could not be "
                "read; ArtGuard writes fresh XMP, the EXIF and IPTC are kept"]
    return []


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
    if plan.copy_from is not None and fmt != "tiff":
        for key in [d.key() for d in exif if d.key() in _TIFF_STRUCTURE]:
            _erase_all(exif, key)
    for container in (exif, iptc, xmp):
        doomed = [d.key() for d in container if plan.scrub.removes(d.key())]
        for key in doomed:
            _erase_all(container, key)
    if plan.new_size is not None:
        _reset_geometry(exif, xmp, plan.new_size, fmt)
    for key, value in plan.values.items():
        group = key.split(".", 1)[0]
        if group == "Exif":
            exif[key] = value
        elif group == "Iptc":
            if fmt == "webp":
                continue  # WebP has no IPTC block; the same fields go to XMP
            iptc["Iptc.Envelope.CharacterSet"] = IPTC_UTF8
            _erase_all(iptc, key)
            for item in value.split(", ") if key in LIST_KEYS else [value]:
                datum = exiv2.Iptcdatum(exiv2.IptcKey(key))
                datum.setValue(item)
                iptc.add(datum)
        else:
            _set_xmp(xmp, key, value)
    if not exif.empty():
        _complete_exif(exif, fmt, image.iccProfileDefined())
    try:
        image.writeMetadata()
    except exiv2.Exiv2Error as exc:
        raise CorruptImage(f"cannot write metadata: {_exiv2_message(exc)}") from exc
    result = bytes(image.io().mmap())
    return _refresh_iptc_digest(result) if fmt == "jpeg" else result


# A TIFF's IFD0 describes its own image data; copied into another format's EXIF these
# tags describe nothing (ExifTool: "not allowed in JPEG"), and the ICC profile, IPTC and
# XMP they may hold travel in that format's own blocks.
_TIFF_STRUCTURE = frozenset(f"Exif.Image.{tag}" for tag in (
    "ImageWidth", "ImageLength", "BitsPerSample", "Compression", "PhotometricInterpretation", "FillOrder",
    "StripOffsets", "SamplesPerPixel", "RowsPerStrip", "StripByteCounts", "PlanarConfiguration",
    "TileWidth", "TileLength", "TileOffsets", "TileByteCounts", "SampleFormat", "Predictor", "ExtraSamples",
    "SubIFDs", "InterColorProfile", "IPTCNAA", "ImageResources", "XMLPacket",
))
_APP13, _PHOTOSHOP = 0xED, b"Photoshop 3.0\x00"
_IPTC_RESOURCE, _DIGEST_RESOURCE = 0x0404, 0x0425


def _refresh_iptc_digest(jpeg: bytes) -> bytes:
    """Make Photoshop's IPTCDigest (MD5 of the IPTC block) current after the IPTC changed.

    exiv2 leaves the old digest; Adobe's apps and ExifTool then take the IPTC for one
    edited behind the XMP's back ("IPTCDigest is not current").
    """
    out = bytearray(jpeg)
    for marker, pos, length in jpeg_splice.segments(jpeg):
        start = pos + 4 + len(_PHOTOSHOP)
        if marker != _APP13 or jpeg[pos + 4:start] != _PHOTOSHOP:
            continue
        resources: dict[int, tuple[int, int]] = {}
        cursor, end = start, pos + 2 + length
        while cursor + 12 <= end and jpeg[cursor:cursor + 4] == b"8BIM":
            resource = int.from_bytes(jpeg[cursor + 4:cursor + 6], "big")
            name_len = jpeg[cursor + 6]
            size_at = cursor + 6 + name_len + 1 + ((name_len + 1) & 1)  # Pascal name, padded to even
            size = int.from_bytes(jpeg[size_at:size_at + 4], "big")
            resources[resource] = (size_at + 4, size)
            cursor = size_at + 4 + size + (size & 1)
        if _IPTC_RESOURCE in resources and resources.get(_DIGEST_RESOURCE, (0, 0))[1] == 16:
            at, size = resources[_IPTC_RESOURCE]
            digest_at = resources[_DIGEST_RESOURCE][0]
            out[digest_at:digest_at + 16] = hashlib.md5(jpeg[at:at + size]).digest()
    return bytes(out)


def _erase_all(container, key: str) -> None:
    while True:
        pos = container.findKey(_key_type(key)(key))
        if pos == container.end():
            return
        container.erase(pos)


def _key_type(key: str):
    return {"Exif": exiv2.ExifKey, "Iptc": exiv2.IptcKey, "Xmp": exiv2.XmpKey}[key.split(".", 1)[0]]


_ARRAY_TYPES = {"seq": exiv2.XmpValue.XmpArrayType.xaSeq, "bag": exiv2.XmpValue.XmpArrayType.xaBag}


def _has_form(datum: exiv2.Xmpdatum, form: str) -> bool:
    value = datum.value()
    if form == "struct":
        return value.xmpStruct() == exiv2.XmpValue.XmpStruct.xsStruct
    return value.xmpArrayType() == _ARRAY_TYPES[form]


def _set_xmp(xmp: exiv2.XmpData, key: str, value: str) -> None:
    if "/" in key:  # a struct member: create the container first
        container = key.split("/", 1)[0].split("[", 1)[0]
        form = CONTAINERS.get(container, "struct")
        pos = xmp.findKey(exiv2.XmpKey(container))
        if pos != xmp.end() and not _has_form(pos, form):
            for stale in [d.key() for d in xmp if d.key().startswith(container)]:  # e.g. an old Bag Licensor
                _erase_all(xmp, stale)
            pos = xmp.end()
        if pos == xmp.end():
            holder = exiv2.XmpTextValue()
            if form == "struct":
                holder.setXmpStruct()
            else:
                holder.setXmpArrayType(_ARRAY_TYPES[form])
            xmp.add(exiv2.XmpKey(container), holder)
        xmp[key] = value
        return
    _erase_all(xmp, key)
    if key in LANG_ALT:
        xmp[key] = f'lang="x-default" {value}'
    elif key in SEQ or key in BAG:
        array = exiv2.XmpArrayValue(exiv2.TypeId.xmpSeq if key in SEQ else exiv2.TypeId.xmpBag)
        for item in value.split(", ") if key in LIST_KEYS else [value]:
            array.read(item)
        xmp.add(exiv2.XmpKey(key), array)
    else:
        xmp[key] = value


def _reset_geometry(exif: exiv2.ExifData, xmp: exiv2.XmpData, size: tuple[int, int], fmt: str) -> None:
    """Pixels were re-rendered upright at ``size``: stale orientation and thumbnail go.

    The EXIF image size tags belong to compressed formats: TIFF states its size in IFD0
    and ExifTool calls ExifImageWidth/Height in a TIFF an error.
    """
    for key in [d.key() for d in exif if d.key().startswith("Exif.Thumbnail.")]:
        _erase_all(exif, key)
    exif["Exif.Image.Orientation"] = exiv2.UShortValue(1)
    for key in ("Exif.Photo.PixelXDimension", "Exif.Photo.PixelYDimension"):
        _erase_all(exif, key)
    if fmt != "tiff":
        exif["Exif.Photo.PixelXDimension"] = exiv2.ULongValue(size[0])
        exif["Exif.Photo.PixelYDimension"] = exiv2.ULongValue(size[1])
    for key in ("Exif.Image.ImageWidth", "Exif.Image.ImageLength"):
        _erase_all(exif, key)
    for key in ("Xmp.tiff.Orientation", "Xmp.exif.PixelXDimension", "Xmp.exif.PixelYDimension"):
        _erase_all(xmp, key)


# Tags EXIF 2.32 requires once the block exists (ExifTool's -validate names each one
# missing); added only when absent, never overwriting what the file says.
# (A TIFF's IFD0 describes its image data: exiv2 leaves those tags to the encoder.)
_REQUIRED_IFD0 = {"jpeg": ("XResolution", "YResolution", "ResolutionUnit", "YCbCrPositioning")}


def _complete_exif(exif: exiv2.ExifData, fmt: str, has_icc: bool) -> None:
    """Make the EXIF block one ExifTool validates: required IFD0 and Exif IFD tags present."""
    defaults = {
        "XResolution": exiv2.URationalValue((72, 1)),
        "YResolution": exiv2.URationalValue((72, 1)),
        "ResolutionUnit": exiv2.UShortValue(2),  # inches
        "YCbCrPositioning": exiv2.UShortValue(1),  # centred
    }
    for tag in _REQUIRED_IFD0.get(fmt, ()):
        key = f"Exif.Image.{tag}"
        if exif.findKey(exiv2.ExifKey(key)) == exif.end():
            exif[key] = defaults[tag]
    if not any(d.key().startswith("Exif.Photo.") for d in exif):
        return
    photo = {
        "Exif.Photo.ExifVersion": "48 50 51 50",  # "0232", as the Undefined bytes exiv2 reads
        "Exif.Photo.FlashpixVersion": "48 49 48 48",  # "0100"
        "Exif.Photo.ColorSpace": exiv2.UShortValue(0xFFFF if has_icc else 1),  # uncalibrated / sRGB
    }
    if fmt == "jpeg":
        photo["Exif.Photo.ComponentsConfiguration"] = "1 2 3 0"  # Y Cb Cr
    for key, value in photo.items():
        if exif.findKey(exiv2.ExifKey(key)) == exif.end():
            exif[key] = value
