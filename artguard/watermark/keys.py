"""The user's secret invisible-watermark key: 32 random bytes, private to the user.

Whoever holds the key can read (and forge) the mark, so it lives beside the signing keys,
is created with mode 0600 from the start (no window where it is world-readable) and is never
printed or logged.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from artguard import paths
from artguard.errors import IdentityError

KEY_BYTES = 32
KEY_FILE = "watermark.key"


def key_path() -> Path:
    """Where the key lives (it may not exist yet: nothing was marked on this machine)."""
    return paths.identity_dir() / KEY_FILE


def watermark_key() -> bytes:
    """Read the key, creating it on first use.

    The key is written to a private temporary file (mode 0600 from ``os.open``) and then
    hard-linked into place, so concurrent workers never see a partial key and the first
    one to link wins.
    """
    path = key_path()
    if not path.exists():
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    data = path.read_bytes()
    if len(data) != KEY_BYTES:
        raise IdentityError(f"the watermark key file {path} is damaged ({len(data)} bytes, expected {KEY_BYTES})")
    return data
