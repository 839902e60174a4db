"""The one exception family the core raises for problems a user can act on.

Each carries a one-line message fit for a per-file error in the CLI or the GUI; anything
else that escapes is a bug and is shown with a traceback only under ``--debug``.
"""


class ArtGuardError(Exception):
    """A problem with one input, one output or the user's settings."""


class UnsupportedFormat(ArtGuardError):
    """The file is an image format ArtGuard cannot write, or not an image at all."""


class CorruptImage(ArtGuardError):
    """The file claims to be an image but cannot be parsed (truncated, damaged)."""


class ImageTooLarge(ArtGuardError):
    """The image exceeds the pixel limit (decompression-bomb guard)."""


class OutputError(ArtGuardError):
    """The output could not be written (read-only folder, disk full, collision)."""


class ProfileError(ArtGuardError):
    """A rights profile is missing, malformed or invalid."""


class IdentityError(ArtGuardError):
    """The signing identity is missing, unreadable, expired or the password is wrong."""


# Messages libraries raise for hostile or unusual files, in the words a user understands.
_PLAIN = (
    ("decompressed data too large", "a text chunk in the file is too large (refused as a decompression bomb)"),
    ("decompression bomb", "the image is too large to open safely (refused as a decompression bomb)"),
    ("dos attack", "the image is too large to open safely (refused as a decompression bomb)"),
    ("cannot identify image file", "not an image ArtGuard can read"),
)


def plain_message(exc: BaseException, *, from_parser: bool = False) -> str:
    """One line for a per-file error, whatever was raised: ArtGuard's own message, a plain
    rewording of a known library failure, or "internal error" naming the exception (the
    traceback is shown with --debug). ``from_parser``: raised while a library parsed the
    file, so a ValueError is the file's fault too, not a bug."""
    if isinstance(exc, ArtGuardError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory while processing this image"
    text = str(exc)
    for needle, plain in _PLAIN:
        if needle in text.lower():
            return plain
    if isinstance(exc, (OSError, SyntaxError)) or (from_parser and isinstance(exc, ValueError)):  # the file's fault
        if isinstance(exc, OSError) and exc.strerror:
            return exc.strerror if not exc.filename else f"{exc.strerror}: {exc.filename}"
        return text[:300] or type(exc).__name__
    return f"internal error: {type(exc).__name__}: {text}"[:300]
