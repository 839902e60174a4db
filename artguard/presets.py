"""Export presets: where artists post, and what a copy for each place should look like.

A preset is plain data (format, quality, long-edge size, crop aspect): the built-in ones
below carry the source of their numbers, and a user's own presets are JSON files under
``paths.home()/presets``. Applying a preset to :class:`~artguard.pipeline.EmbedOptions`
is one function, so the CLI and the GUI build identical outputs.

Platform numbers were looked up in December 2026; platforms change them, so every entry
says where its figures come from and users can save their own.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from artguard import paths
from artguard.errors import ArtGuardError
from artguard.fileio import write_json_atomic

if TYPE_CHECKING:
    from artguard.pipeline import EmbedOptions

FORMATS = ("keep", "jpeg", "png", "webp")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Preset:
    """One kind of copy: ``max_size`` is the long edge after the crop; ``aspect`` (w, h)
    crops to that shape first (the user places the box; centred by default)."""

    key: str
    label: str
    format: str = "jpeg"
    quality: int = 90
    max_size: int | None = None
    aspect: tuple[int, int] | None = None
    note: str = ""  # what it is for, and where the numbers come from
    builtin: bool = False
    max_bytes: int | None = None  # the platform's upload limit (quality is lowered to fit)

    @property
    def lossless(self) -> bool:
        """Metadata only: the image data is copied untouched."""
        return self.format == "keep" and not self.max_size and not self.aspect

    def validate(self) -> None:
        if not _KEY_RE.match(self.key):
            raise ArtGuardError(f"preset name {self.key!r} must be 1-40 lower-case letters, digits or -")
        if self.format not in FORMATS:
            raise ArtGuardError(f"preset format must be one of {', '.join(FORMATS)}")
        if not 1 <= self.quality <= 100:
            raise ArtGuardError("preset quality must be between 1 and 100")
        if self.max_size is not None and self.max_size < 16:
            raise ArtGuardError("preset size must be at least 16 pixels")
        if self.max_bytes is not None and self.max_bytes < 50_000:
            raise ArtGuardError("preset byte limit must be at least 50000")
        if self.aspect is not None and (len(self.aspect) != 2 or min(self.aspect) <= 0):
            raise ArtGuardError("preset aspect must be two positive numbers, e.g. 4:5")

    def describe(self) -> str:
        """One line a person reads: '1080 px, 4:5 crop, JPEG q90'."""
        if self.lossless:
            return "original pixels, metadata only (lossless)"
        parts = [f"{self.max_size} px" if self.max_size else "original size"]
        if self.aspect:
            parts.append(f"{self.aspect[0]}:{self.aspect[1]} crop")
        fmt = {"keep": "same format"}.get(self.format, self.format.upper())
        parts.append(f"{fmt} q{self.quality}" if self.format in ("jpeg", "webp") else fmt)
        if self.max_bytes:
            parts.append(f"≤ {self.max_bytes / 1e6:g} MB")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("builtin")
        data["aspect"] = list(self.aspect) if self.aspect else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preset:
        known = {f.name for f in dataclasses.fields(cls)} - {"builtin"}
        if not isinstance(data, dict) or set(data) - known or "key" not in data:
            raise ArtGuardError("a preset must be a JSON object with a key and known fields")
        aspect = data.get("aspect")
        preset = cls(**{**data, "aspect": tuple(aspect) if aspect else None})
        preset.validate()
        return preset


BUILTIN: tuple[Preset, ...] = (
    Preset("instagram-square", "Instagram square", "jpeg", 90, 1080, (1, 1),
           "1080 x 1080. Instagram stores photos at most 1080 px wide and keeps ratios from "
           "1.91:1 to 4:5 (Instagram Help Center, via recurpost.com/blog/instagram-post-size-guide).", True),
    Preset("instagram-portrait", "Instagram portrait 4:5", "jpeg", 90, 1350, (4, 5),
           "1080 x 1350, the tallest feed ratio; taller images are cropped to 4:5 "
           "(portraitsrefined.com/instagram-profile-picture-size, pixextender.com/blog/instagram-post-size).", True),
    Preset("x", "X (Twitter)", "jpeg", 90, 2048, None,
           "Long edge 2048 px, under X's 5 MB image limit; X accepts JPEG, PNG and WebP "
           "(docs.getlate.dev/resources/media-guidelines/twitter, screensnap.pro/blog/twitter-image-size-guide).",
           True, 5_000_000),
    Preset("bluesky", "Bluesky", "jpeg", 85, 2000, None,
           "Long edge 2000 px. Blobs were capped at 976.56 KB (\"BlobTooLarge\", bluesky-social/atproto#1737); "
           "2026 raised it to 2,000,000 bytes and 4000 px (bluesky-social/bsky-docs#417, social-app#10073). "
           "Copies are kept under 1 MB so they post on servers and clients with either limit.",
           True, 1_000_000),
    Preset("mastodon", "Mastodon", "jpeg", 90, 2560, None,
           "mastodon.social allows 16 MB and 33,177,600 pixels an image (its /api/v2/instance, "
           "mastodon/mastodon discussion #26709); the long-standing default was 8 MB, and other servers "
           "set their own, so copies stay under 8 MB at 2560 px.",
           True, 8_000_000),
    Preset("artstation", "ArtStation", "jpeg", 95, 3840, None,
           "ArtStation shows images at 1920 px wide (JPEG q90) and serves 3840 px ('4k') "
           "copies to large screens (ArtStation help via mikf/gallery-dl#1422, danbooru/danbooru#4330).", True),
    Preset("deviantart", "DeviantArt", "jpeg", 92, 2560, None,
           "DeviantArt publishes no pixel limit we could find; 2560 px keeps detail for its "
           "viewer while a free-download original stays out of reach.", True),
    Preset("behance", "Behance", "jpeg", 92, 2800, None,
           "Behance project images show up to 1400 px wide; 2800 px (2x) stays sharp on "
           "high-density screens; 50 MB an upload (picovert.com/en/blog/image-size-for-behance).", True),
    Preset("site", "Personal site", "webp", 85, 2048, None,
           "2048 px long edge as WebP for your own portfolio pages.", True),
    Preset("archive", "Print / archive", "keep", 100, None, None,
           "Metadata only: the original pixels and format, untouched (lossless).", True),
)


def presets_dir() -> Path:
    return paths.home() / "presets"


def user_presets() -> list[Preset]:
    """The user's saved presets; a damaged file is reported, not silently skipped."""
    folder = presets_dir()
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            found.append(Preset.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError) as exc:
            raise ArtGuardError(f"preset file {path} cannot be read: {exc}") from exc
    return found


def all_presets() -> list[Preset]:
    """Built-in presets, then the user's (a user preset with a built-in's key replaces it)."""
    own = {p.key: p for p in user_presets()}
    merged = [own.pop(p.key, p) for p in BUILTIN]
    return merged + list(own.values())


def get(key: str) -> Preset:
    for preset in all_presets():
        if preset.key == key:
            return preset
    names = ", ".join(p.key for p in all_presets())
    raise ArtGuardError(f"no preset named {key!r} (presets: {names})")


def save(preset: Preset) -> Path:
    preset.validate()
    path = presets_dir() / f"{preset.key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, preset.to_dict())
    return path


def delete(key: str) -> None:
    path = presets_dir() / f"{key}.json"
    if not path.exists():
        raise ArtGuardError(f"no saved preset named {key!r} (built-in presets cannot be deleted)")
    path.unlink()


def apply(preset: Preset, options: EmbedOptions, *, invisible: bool | None = None) -> EmbedOptions:
    """``options`` with the preset's format, size and crop. ``invisible=None`` means the
    default: the invisible mark goes into every re-encoded (web) copy, never into a
    lossless metadata-only one."""
    made = dataclasses.replace(
        options, format=preset.format, quality=preset.quality, max_size=preset.max_size, crop_aspect=preset.aspect,
        max_bytes=preset.max_bytes,
    )
    made.invisible = made.reencodes() if invisible is None else invisible
    made.invisible_auto = invisible is None
    return made

