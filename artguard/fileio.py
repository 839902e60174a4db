"""Writing files so that a reader never sees half of one: temp file, then rename.

Every output (images, profiles, settings, reports) goes through here, so a crash, a
cancel or a full disk leaves either the old file or the new one, never a fragment.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from artguard.errors import OutputError


@contextlib.contextmanager
def atomic_path(target: Path, *, overwrite: bool = True, mode: int | None = None) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success it replaces ``target``.

    The temp file is private (0600) while it is written; it gets ``mode`` (default: 0644
    less the umask) just before the rename, so a key file is never readable by others.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{PART_TAG}{os.getpid()}-", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, target.parent)) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not overwrite and target.exists():
            raise OutputError(f"{target} already exists")
        os.chmod(tmp, 0o644 & ~_umask() if mode is None else mode)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, target)) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


PART_TAG = "ag"
# ".NAME.ag<pid>-<random>.part" (and ".NAME.<random>.part" from versions before the pid was in it)
_PART_NAME = re.compile(r"^\.(?P<name>.+)\.(?:ag(?P<pid>\d+)-[a-z0-9_]{8}|[a-z0-9_]{8})\.part$")
_LEGACY_PART_AGE_S = 3600
_PID_PART_AGE_S = 86400  # a live pid that old is another process that reused the number


def remove_stale_parts(folder: Path) -> list[Path]:
    """Delete temp files a killed run left in ``folder`` (``kill -9``, power loss).

    Only ArtGuard's own names are touched: those whose writing process is gone, and
    pid-less ones from earlier versions once they are an hour old, and any a day old (a
    run still writing one renames it within seconds). Returns what was removed.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _PART_NAME.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        pid = match.group("pid")
        try:
            age = time.time() - entry.stat(follow_symlinks=False).st_mtime
            stale = (not _alive(int(pid)) or age > _PID_PART_AGE_S) if pid else age > _LEGACY_PART_AGE_S
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_bytes_atomic(target: Path, data: bytes, *, overwrite: bool = True, mode: int | None = None) -> None:
    """Small files (profiles, settings, keys, reports), flushed to disk before the rename."""
    with atomic_path(target, overwrite=overwrite, mode=mode) as tmp:
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(describe_os_error(exc, target)) from exc


def write_json_atomic(target: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_bytes_atomic(target, text.encode("utf-8"))


def copy_range(source: Path, offset: int, length: int, out: BinaryIO) -> None:
    """Append ``length`` bytes of ``source`` from ``offset`` to ``out``, file to file in the
    kernel where it can (copy_file_range), through a buffer where it cannot."""
    out.flush()
    with open(source, "rb") as src:
        try:
            while length > 0:
                copied = os.copy_file_range(src.fileno(), out.fileno(), length, offset)
                if copied == 0:
                    raise OSError(errno.EIO, "source file shrank while being copied")
                offset += copied
                length -= copied
        except (AttributeError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                raise
            src.seek(offset)
            while length > 0:
                block = src.read(min(length, 1 << 20))
                if not block:
                    raise OSError(errno.EIO, "source file shrank while being copied") from exc
                out.write(block)
                length -= len(block)
    out.flush()


def describe_os_error(exc: OSError, where: Path) -> str:
    """One line a user understands: what went wrong and where."""
    reasons = {
        errno.ENOSPC: "disk full",
        errno.EDQUOT: "disk quota exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "read-only file system",
        errno.ENOENT: "no such file or folder",
        errno.EISDIR: "is a folder",
        errno.ENOTDIR: "not a folder",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return f"cannot write {where}: {reason}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
