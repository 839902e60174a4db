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
