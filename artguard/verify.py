"""Read an output back before it is renamed into place: a file ArtGuard reports as written
must open in other programs and carry what was written into it.

Cheap by design (it runs on every output). Pixels: a new JPEG's image data must be, byte
for byte, what the encoder made (its header parsed, its end marker there): a decode would
only re-prove that libjpeg's own output decodes, at ~45 ms per 12 MP. Where the metadata
writer rewrote the image data (TIFF strips, WebP chunks) or a PNG/WebP/TIFF was encoded
anew, a reduced decode (other formats decode fully), which also catches data cut short.
Where the image data is the original's bytes, already checked complete on the way in, a
structural check is enough: a JPEG's markers up to its scan plus its end marker, a PNG's
chunk CRCs.
Then the metadata read back by exiv2 (for a JPEG only the header), the XMP InstanceID
that was written, and, when the output was signed, the embedded C2PA store.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from artguard import imaging
from artguard.errors import ArtGuardError, CorruptImage, plain_message
from artguard.metadata import jpeg_splice, read_metadata

_CHECK_SIDE = 64
_TAIL = 1 << 16
_CHUNK = 1 << 20


def verify_output(path: Path, fmt: str, *, instance_id: str | None, signed: bool, new_pixels: bool = True,
                  encoded_scan: bytes | memoryview | None = None) -> None:
    """Raise ``CorruptImage`` when the written file at ``path`` is not a sound ``fmt`` image.

    ``new_pixels=False``: the image data was copied from a checked original.
    ``encoded_scan``: a new JPEG's image data (first SOS marker to the end) as the encoder
    made it; the file must end with exactly these bytes.
    """
    try:
        written = imaging.sniff_file(path)
        if written != fmt:
            raise CorruptImage(f"it is not a {fmt.upper()} file")
        if fmt == "jpeg" and encoded_scan is not None:
            _structure(path, fmt)
            _ends_with(path, encoded_scan)
        elif new_pixels or fmt not in ("jpeg", "png"):
            imaging.decode_reduced(path, _CHECK_SIDE)
        else:
            _structure(path, fmt)
        meta = read_metadata(path)
        if instance_id is not None and meta.get("Xmp.xmpMM.InstanceID") != instance_id:
            raise CorruptImage("its metadata does not read back")
        if signed:
            from artguard.provenance import has_manifest

            data = jpeg_splice.read_head(path)[0] if fmt == "jpeg" else path.read_bytes()  # a JPEG's manifest is in its header
            if not has_manifest(data, fmt):
                raise CorruptImage("its Content Credentials do not read back")
    except Exception as exc:  # any failure to read it back means the output is not sound
        reason = str(exc) if isinstance(exc, ArtGuardError) else plain_message(exc)
        raise CorruptImage(f"the output failed its read-back check ({reason}); nothing was written") from exc


def _structure(path: Path, fmt: str) -> None:
    with Image.open(path) as img:  # parses a JPEG's markers up to its scan
        if fmt == "png":
            img.verify()  # every chunk's CRC, no decode
            return
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - _TAIL))
        if b"\xff\xd9" not in fh.read():
            raise CorruptImage("the JPEG has no end marker (data cut short)")


def _ends_with(path: Path, tail: bytes | memoryview) -> None:
    size = path.stat().st_size
    if size < len(tail):
        raise CorruptImage("the image data was cut short")
    with open(path, "rb") as fh:
        fh.seek(size - len(tail))
        for at in range(0, len(tail), _CHUNK):  # no second copy of a 200 MP image's data
            if fh.read(_CHUNK) != tail[at:at + _CHUNK]:
                raise CorruptImage("the image data differs from what was encoded")
