"""Sign a finished output file with a C2PA manifest (the last step of ``embed``).

The bytes passed in are final (pixels encoded, CMI written): the manifest's hard binding
hashes them, so any later change to pixels or metadata reads back as "invalid". The
result is checked before it is returned, so a caller never gets unsigned bytes that it
would record as signed.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import c2pa
from PIL import Image

from artguard.errors import ArtGuardError, IdentityError, UnsupportedFormat
from artguard.imaging import MIME, sniff_format, to_rgb
from artguard.profile import RightsProfile
from artguard.provenance import certs, datahash
from artguard.provenance.detect import has_manifest
from artguard.provenance.identity import Identity
from artguard.provenance.manifest import THUMBNAIL_ID, build_manifest, parent_ingredient
from artguard.provenance.signer import explain, make_signer, sign_context
from artguard.provenance.trust import tsa_url

SIGNABLE = ("jpeg", "png", "webp", "tiff")


@dataclass(frozen=True)
class SignResult:
    data: bytes  # the signed file
    label: str  # the active manifest's label (urn:c2pa:...), for the catalog


def sign(
    data: bytes,
    fmt: str,
    profile: RightsProfile,
    identity: Identity,
    *,
    title: str,
    thumbnail_jpeg: bytes | None,
    edited: bool,
    parent: bytes | None = None,
    fields: dict[str, dict[str, str]] | None = None,
) -> SignResult:
    """Embed a signed manifest into ``data``; ``parent`` (an input that had a manifest) becomes an ingredient.

    ``fields`` are the output's resolved rights fields (``registry.resolve``), so the
    manifest states exactly what the XMP says; without them the profile is resolved here.
    """
    if fmt not in SIGNABLE:
        raise UnsupportedFormat(f"C2PA signing supports JPEG, PNG, WebP and TIFF, not {fmt.upper()}")
    if identity.not_after < certs.utcnow():
        raise IdentityError(
            f"the signing certificate expired on {identity.not_after:%Y-%m-%d}: "
            "create a new one (artguard identity create --force) or import a current certificate"
        )
    manifest = build_manifest(
        profile,
        title=title,
        fmt=fmt,
        edited=edited,
        has_parent=parent is not None,
        has_thumbnail=thumbnail_jpeg is not None,
        fields=fields,
    )
    with make_signer(identity.alg, identity.chain_pem, identity.key_pem(), tsa_url()) as signer:
        try:
            with c2pa.Builder(manifest, sign_context()) as builder:
                if thumbnail_jpeg is not None:
                    builder.add_resource(THUMBNAIL_ID, io.BytesIO(thumbnail_jpeg))
                if parent is not None:
                    parent_fmt = sniff_format(parent[:16])
                    if parent_fmt not in MIME:
                        raise UnsupportedFormat("the parent file's format is not one C2PA reads")
                    builder.add_ingredient(parent_ingredient(title), MIME[parent_fmt], io.BytesIO(parent))
                if fmt == "jpeg" and datahash.available() and not has_manifest(data, fmt):
                    signed, store = datahash.sign_jpeg(builder, signer, data)
                else:  # the SDK replaces a store the bytes already carry
                    out = io.BytesIO()
                    store = builder.sign(signer, MIME[fmt], io.BytesIO(data), out)
                    signed = out.getvalue()
        except c2pa.C2paError.Signature as exc:
            raise IdentityError(f"C2PA signing failed with this identity: {explain(exc)}") from exc
        except c2pa.C2paError as exc:
            raise ArtGuardError(f"C2PA signing failed: {explain(exc)}") from exc
    label = active_label(store)
    if not signed or not label or not has_manifest(signed, fmt):
        raise ArtGuardError(
            "Content Credentials could not be embedded in this file (a multi-page TIFF cannot carry them): "
            "use --no-c2pa or another --format; the file was not written"
        )
    return SignResult(signed, label)


def make_thumbnail(image: Image.Image, long_edge: int = 512, quality: int = 80) -> bytes:
    """A small JPEG for the manifest, from an already-reduced image (never a full decode)."""
    thumb = image.copy()
    thumb.thumbnail((long_edge, long_edge), Image.Resampling.BILINEAR)
    if thumb.mode not in ("RGB", "L"):
        thumb = to_rgb(thumb)
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def active_label(store: bytes) -> str:
    """The last manifest's label in a JUMBF manifest store (C2PA: the last one is active)."""
    labels = [_box_label(child) for child in _children(store)]
    manifests = [label for label in labels if label]
    return manifests[-1] if manifests else ""


def _children(store: bytes) -> list[bytes]:
    """The manifest boxes inside the store superbox (skipping its description box)."""
    try:
        size, kind = struct.unpack(">I4s", store[:8])
        if kind != b"jumb":
            return []
        body, children = store[8:size], []
        pos = 0
        while pos + 8 <= len(body):
            length, box = struct.unpack(">I4s", body[pos:pos + 8])
            if length < 8:
                break
            if box == b"jumb":
                children.append(body[pos:pos + length])
            pos += length
        return children
    except struct.error:
        return []


def _box_label(superbox: bytes) -> str:
    """The label in a superbox's description box: UUID(16), toggles(1), label (NUL-terminated)."""
    if superbox[12:16] != b"jumd":
        return ""
    toggles = superbox[32]
    if not toggles & 0x02:
        return ""
    end = superbox.find(b"\x00", 33)
    return superbox[33:end].decode("utf-8", "replace") if end > 0 else ""
