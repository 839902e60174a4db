"""JPEG signing that hashes the file once, in ArtGuard, through the SDK's data-hash API.

``Builder.sign`` streams the whole file through Python callbacks into the SDK, which
copies it and hashes it with its own SHA-256: ~3 ms per MB here, so signing grew in
proportion to file size. The native library also has the data-hashed embeddable flow
(a placeholder of the signed size; the caller hashes the file outside the placeholder
and gets back a manifest of exactly that size), which c2pa-python 0.38 does not wrap.
This module calls those two functions on the same library handle c2pa-python loaded;
``available()`` is False when a c2pa-python release moves them, and the caller then
streams as before. Measured on a 15 MP JPEG: 14 ms of CPU streamed against 8 ms here at
3.6 MB, 24 against 10 ms at 6.1 MB.
"""

from __future__ import annotations

import ctypes
import hashlib
import json

import c2pa

from artguard.errors import ArtGuardError
from artguard.metadata import jpeg_splice

try:
    from c2pa import c2pa as _sdk

    _lib = _sdk._lib
    _bytes_out = ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte))
    _placeholder = _lib.c2pa_builder_data_hashed_placeholder
    _placeholder.argtypes = [ctypes.POINTER(_sdk.C2paBuilder), ctypes.c_size_t, ctypes.c_char_p, _bytes_out]
    _placeholder.restype = ctypes.c_int64
    _sign = _lib.c2pa_builder_sign_data_hashed_embeddable
    _sign.argtypes = [ctypes.POINTER(_sdk.C2paBuilder), ctypes.POINTER(_sdk.C2paSigner), ctypes.c_char_p,
                      ctypes.c_char_p, ctypes.POINTER(_sdk.C2paStream), _bytes_out]
    _sign.restype = ctypes.c_int64
    _check = _sdk._check_ffi_operation_result
    _AVAILABLE = True
except (ImportError, AttributeError):
    _AVAILABLE = False

_APP0, _APP15, _COM = 0xE0, 0xEF, 0xFE
_MIME = b"image/jpeg"


def available() -> bool:
    return _AVAILABLE


def sign_jpeg(builder: c2pa.Builder, signer: c2pa.Signer, data: bytes) -> tuple[bytes, bytes]:
    """(signed file, manifest store) for a JPEG that carries no manifest store yet.

    The store goes in as APP11 segments after the leading APPn/COM segments (where the
    SDK puts it too); the hard binding hashes everything else, once, with hashlib.
    """
    at = _insert_offset(data)
    out = _new_ptr()
    placeholder = _take(out, _placeholder(builder._handle, signer.reserve_size(), _MIME, ctypes.byref(out)), "placeholder")
    digest = hashlib.sha256(memoryview(data)[:at])
    digest.update(memoryview(data)[at:])
    data_hash = {
        "exclusions": [{"start": at, "length": len(placeholder)}],
        "name": "jumbf manifest",
        "alg": "sha256",
        "hash": list(digest.digest()),
        "pad": [],
    }
    out = _new_ptr()
    size = _sign(builder._handle, signer._handle, json.dumps(data_hash).encode(), _MIME, None, ctypes.byref(out))
    segments = _take(out, size, "signing")
    if len(segments) != len(placeholder):
        raise ArtGuardError("C2PA signing returned a manifest of another size than it reserved")
    view = memoryview(data)  # one copy of the file, not three: a 200 MP output is ~100 MB
    return b"".join((view[:at], segments, view[at:])), _store(segments)


def _insert_offset(data: bytes) -> int:
    """After the leading APPn and COM segments: JFIF/Exif stay first for other readers."""
    at = 2
    for marker, pos, length in jpeg_splice.segments(data):
        if not (_APP0 <= marker <= _APP15 or marker == _COM):
            break
        at = pos + 2 + length
    return at


def _store(segments: bytes) -> bytes:
    """The JUMBF manifest store from its APP11 segments (JPEG XT: each segment after the
    first repeats the box's 8-byte header, which is dropped)."""
    parts, pos = [], 0
    while pos + 4 <= len(segments) and segments[pos:pos + 2] == b"\xff\xeb":
        length = int.from_bytes(segments[pos + 2:pos + 4], "big")
        payload = segments[pos + 12:pos + 2 + length]  # after length(2), CI "JP"(2), En(2), Z(4)
        parts.append(payload if not parts else payload[8:])
        pos += 2 + length
    return b"".join(parts)


def _new_ptr() -> ctypes._Pointer:  # type: ignore[name-defined]
    return ctypes.POINTER(ctypes.c_ubyte)()


def _take(pointer: ctypes._Pointer, size: int, what: str) -> bytes:  # type: ignore[name-defined]
    """Copy the SDK's bytes and free them; a negative size raises the SDK's own error."""
    _check(size, f"C2PA {what} failed: {{}}", check=lambda r: r < 0 or not pointer)
    try:
        return ctypes.string_at(pointer, size)
    finally:
        _lib.c2pa_free(pointer)
