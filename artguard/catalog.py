"""The artist's local record of what was published when: originals, outputs, hashes, ids.

One SQLite file under the user dir (``paths.catalog_path()``). It is the evidence that a
copy found online came from this artist's file, so it must survive crashes and several
writers: WAL journal, every write in one ``BEGIN IMMEDIATE`` transaction through a single
writer connection guarded by a lock (batch worker threads call ``add()`` concurrently),
readers on their own per-thread connections so the GUI and the checker never wait for a
batch. Other processes open their own ``Catalog`` (it pickles as its path); SQLite's file
locks plus a busy timeout serialise them.

Durability: ``synchronous=NORMAL`` in WAL mode keeps the file consistent after any crash
and loses no commit when the app dies; a power cut can drop the last few commits.

Schema evolution follows Vorta's model: ``PRAGMA user_version`` is the schema version,
``MIGRATIONS`` is an ordered list of functions (index *n* upgrades version *n* to *n + 1*),
and an existing database is copied to ``<file>.v<old>.bak`` before it is migrated.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import json
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np

from artguard import paths
from artguard.errors import ArtGuardError
from artguard.metadata import registry

# The invisible watermark's image-id field holds 24 bits; 0 is never handed out because
# a blank or failed decode tends to read as all zeros.
WATERMARK_ID_BITS = 24
WATERMARK_ID_MAX = (1 << WATERMARK_ID_BITS) - 1

_U64_MASK = (1 << 64) - 1
_BUSY_TIMEOUT_S = 30.0
_IN_CHUNK = 500  # ids per "IN (...)" query, well under SQLite's variable limit
# WAL pages between checkpoints (SQLite's default: 1 000). A publication writes ~10 pages
# (its reference picture), and each checkpoint waits for an fsync: at the default that was
# ~1 ms of every add() in a batch. 16 MB of WAL at most; closing the catalog checkpoints.
_WAL_PAGES = 4096


@dataclass
class ImageFacts:
    """One image file as it was when recorded."""

    path: str  # absolute path
    size: int
    width: int
    height: int
    format: str  # "jpeg" | "png" | "webp" | "tiff"
    sha256: str  # hex
    phash: int  # 64-bit perceptual hash, unsigned (0 .. 2**64 - 1)
    fingerprint: bytes  # crop-robust fingerprint blob from artguard.fingerprint (opaque here)


@dataclass
class Publication:
    """One output written from one original, with everything embedded in it."""

    original: ImageFacts
    output: ImageFacts
    profile_name: str
    fields: dict[str, str]  # CMI written: exiv2 key -> value (stored grouped by registry field name)
    document_id: str | None  # xmpMM:DocumentID
    instance_id: str | None  # xmpMM:InstanceID
    c2pa_label: str | None
    watermark_id: int | None  # invisible-watermark image id
    settings_hash: str  # hash of the job settings (for resume)
    published_at: str  # ISO 8601 UTC
    id: int | None = field(default=None)
    # What verification needs of the output (artguard.trace.reference blob, opaque here).
    # Stored apart and not loaded with the row: ``references()`` fetches it for candidates.
    reference: bytes = field(default=b"", repr=False)


@dataclass
class Posting:
    """One place the artist posted a published output: its web address and when."""

    pub_id: int
    url: str
    posted_at: str | None  # the date the artist gave (ISO 8601), None when not given
    recorded_at: str  # when it was entered in the catalog (this computer's clock, UTC)

    def to_record(self) -> dict[str, str | None]:
        """As ``catalog show --json`` and exports spell it."""
        return {"url": self.url, "posted_at": self.posted_at, "recorded_at": self.recorded_at}


def now_iso() -> str:
    """The current time as catalog timestamps spell it (ISO 8601, UTC, microseconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# --------------------------------------------------------------------------- schema

def _image_columns(prefix: str) -> str:
    return ",".join(
        f"\n            {prefix}_{name} {kind} NOT NULL"
        for name, kind in (("path", "TEXT"), ("size", "INTEGER"), ("width", "INTEGER"), ("height", "INTEGER"),
                           ("format", "TEXT"), ("sha256", "TEXT"), ("phash", "INTEGER"))
    )


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    """The first layout: one row per publication, fingerprints apart (they can be large)."""
    _run_script(
        conn,
        f"""
        CREATE TABLE publication (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            published_at TEXT NOT NULL,
            profile_name TEXT NOT NULL,
            settings_hash TEXT NOT NULL,
            document_id TEXT,
            instance_id TEXT,
            c2pa_label TEXT,
            watermark_id INTEGER,
            fields TEXT NOT NULL DEFAULT '{{}}',
            {_image_columns("orig")},
            {_image_columns("out")}
        );
        CREATE TABLE fingerprint (
            pub_id INTEGER PRIMARY KEY REFERENCES publication(id) ON DELETE CASCADE,
            output BLOB NOT NULL,
            original BLOB NOT NULL
        );
        CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE INDEX publication_orig_sha256 ON publication(orig_sha256);
        CREATE INDEX publication_out_sha256 ON publication(out_sha256);
        CREATE INDEX publication_document_id ON publication(document_id);
        CREATE INDEX publication_instance_id ON publication(instance_id);
        CREATE INDEX publication_c2pa_label ON publication(c2pa_label);
        CREATE INDEX publication_watermark_id ON publication(watermark_id);
        CREATE INDEX publication_out_path ON publication(out_path);
        CREATE INDEX publication_published_at ON publication(published_at);
        """
    )


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statement by statement: ``executescript`` would commit the migration's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migrate_add_posting(conn: sqlite3.Connection) -> None:
    """Where the artist posted each output (a web address, and when), cited by reports."""
    _run_script(
        conn,
        """
        CREATE TABLE posting (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pub_id INTEGER NOT NULL REFERENCES publication(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            posted_at TEXT,
            recorded_at TEXT NOT NULL,
            UNIQUE (pub_id, url)
        );
        CREATE INDEX posting_pub_id ON posting(pub_id)
        """,
    )


def _migrate_add_reference(conn: sqlite3.Connection) -> None:
    """Verification data per publication (artguard.trace): a small greyscale image and its
    local features, so a copy can be aligned and compared even after the files moved.
    Older rows have none; the checker then uses the files at their recorded paths."""
    _run_script(
        conn,
        """
        CREATE TABLE reference (
            pub_id INTEGER PRIMARY KEY REFERENCES publication(id) ON DELETE CASCADE,
            output BLOB NOT NULL
        )
        """,
    )


def _migrate_fields_by_name(conn: sqlite3.Connection) -> None:
    """Fields are stored by registry name ({"creator": {key: value}}), not as a flat key map;
    WebP outputs lose the IPTC keys recorded for them (WebP carries no IPTC, so a
    byte-identical copy checked against them looked stripped)."""
    rows = conn.execute("SELECT id, out_format, fields FROM publication").fetchall()
    for pub_id, out_format, text in rows:
        flat = json.loads(text or "{}")
        grouped = registry.group(flat)
        if out_format in registry.BLOCKS:
            grouped = registry.for_format(grouped, out_format)
        conn.execute("UPDATE publication SET fields = ? WHERE id = ?", (_fields_json(grouped), pub_id))


def _fields_json(grouped: dict[str, dict[str, str]]) -> str:
    return json.dumps(grouped, ensure_ascii=False, sort_keys=True)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_0_to_1, _migrate_add_posting, _migrate_add_reference, _migrate_fields_by_name]

_IMAGE_COLS = ("path", "size", "width", "height", "format", "sha256", "phash")
_PUB_COLS = (
    "id", "published_at", "profile_name", "settings_hash", "document_id", "instance_id",
    "c2pa_label", "watermark_id", "fields",
    *(f"orig_{c}" for c in _IMAGE_COLS),
    *(f"out_{c}" for c in _IMAGE_COLS),
)
_SELECT = (
    "SELECT " + ", ".join(f"p.{c}" for c in _PUB_COLS) + ", f.original AS orig_fingerprint, f.output AS out_fingerprint "
    "FROM publication p LEFT JOIN fingerprint f ON f.pub_id = p.id"
)
_NEWEST_FIRST = " ORDER BY p.published_at DESC, p.id DESC"
_INSERT = (
    f"INSERT INTO publication ({', '.join(_PUB_COLS[1:])}) "
    f"VALUES ({', '.join('?' * (len(_PUB_COLS) - 1))})"
)


def schema_version() -> int:
    """The version this code writes; a newer file is refused rather than misread."""
    return len(MIGRATIONS)


# --------------------------------------------------------------------------- helpers

def _signed(value: int) -> int:
    """SQLite integers are signed 64-bit; store the unsigned hash bit-for-bit."""
    if not 0 <= value <= _U64_MASK:
        raise ValueError(f"perceptual hash {value!r} is not a 64-bit unsigned integer")
    return value - (1 << 64) if value >= (1 << 63) else value


def _image_values(img: ImageFacts) -> tuple[Any, ...]:
    return (img.path, img.size, img.width, img.height, img.format, img.sha256.lower(), _signed(img.phash))


def _row_values(pub: Publication) -> tuple[Any, ...]:
    return (
        pub.published_at, pub.profile_name, pub.settings_hash, pub.document_id, pub.instance_id,
        pub.c2pa_label, pub.watermark_id, _fields_json(registry.group(pub.fields)),
        *_image_values(pub.original), *_image_values(pub.output),
    )


def _image_from(row: sqlite3.Row, prefix: str) -> ImageFacts:
    return ImageFacts(
        row[f"{prefix}_path"], row[f"{prefix}_size"], row[f"{prefix}_width"], row[f"{prefix}_height"],
        row[f"{prefix}_format"], row[f"{prefix}_sha256"], row[f"{prefix}_phash"] & _U64_MASK,
        bytes(row[f"{prefix}_fingerprint"] or b""),
    )


def _publication_from(row: sqlite3.Row) -> Publication:
    """Columns by name: a column added by a later migration never shifts the others."""
    return Publication(
        original=_image_from(row, "orig"),
        output=_image_from(row, "out"),
        profile_name=row["profile_name"],
        fields=registry.flatten(json.loads(row["fields"])),
        document_id=row["document_id"],
        instance_id=row["instance_id"],
        c2pa_label=row["c2pa_label"],
        watermark_id=row["watermark_id"],
        settings_hash=row["settings_hash"],
        published_at=row["published_at"],
        id=row["id"],
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _describe(path: Path, exc: sqlite3.Error) -> str:
    """One line a user can act on, naming the catalog file."""
    message = str(exc)
    lowered = message.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"catalog {path} is damaged ({message}); move it aside and ArtGuard starts a new one"
    if "locked" in lowered or "busy" in lowered:
        return f"catalog {path} is busy (another ArtGuard is writing to it); try again"
    if "unable to open" in lowered:
        return f"cannot open catalog {path}: {message}"
    if "readonly" in lowered or "read-only" in lowered:
        return f"catalog {path} is read-only"
    if "disk" in lowered and "full" in lowered:
        return f"cannot write catalog {path}: disk full"
    return f"catalog {path}: {message}"


@contextlib.contextmanager
def _translated(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise ArtGuardError(_describe(path, exc)) from exc


# --------------------------------------------------------------------------- catalog

class _Reader:
    """Holds one thread's read connection; when the thread ends, the connection closes with it."""

    __slots__ = ("conn", "__weakref__")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


class Catalog:
    """The publication record; thread-safe, one per process, a context manager."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.catalog_path()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._readers: weakref.WeakSet[_Reader] = weakref.WeakSet()
        self._writer: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._inherited: list[object] = []
        self._closed = False
        with self._lock:
            self._open_writer()

    # -- lifecycle

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __reduce__(self) -> tuple[type[Catalog], tuple[Path]]:
        """A worker process gets its own connections to the same file."""
        return (Catalog, (self.path,))

    def close(self) -> None:
        """Close every connection; later calls raise ArtGuardError."""
        with self._lock:
            self._closed = True
            conns = [c for c in (self._writer, *(r.conn for r in self._readers)) if c is not None]
            self._writer, self._readers = None, weakref.WeakSet()
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def _open_writer(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArtGuardError(f"cannot create the catalog folder {self.path.parent}: {exc.strerror}") from exc
        with _translated(self.path):
            # The record of what was published where is the user's own: readable by them
            # only (SQLite gives its -wal and -shm files the database file's mode).
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            conn = self._connect()
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    raise ArtGuardError(f"catalog {self.path}: the file system does not support WAL mode")
                conn.execute(f"PRAGMA wal_autocheckpoint = {_WAL_PAGES}")
                self._migrate(conn)
            except BaseException:
                conn.close()
                raise
        self._writer = conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the file to ``schema_version()``, backing it up first if it held anything."""
        target = schema_version()
        if conn.execute("PRAGMA user_version").fetchone()[0] == target:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > target:
                raise ArtGuardError(
                    f"catalog {self.path} has schema version {version}, newer than this "
                    f"ArtGuard understands ({target}); update ArtGuard"
                )
            if version < target:
                has_content = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
                if has_content:
                    self._backup(version)
                for migration in MIGRATIONS[version:]:
                    migration(conn)
                conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _backup(self, version: int) -> Path:
        """A consistent copy (WAL content included) beside the file, before migrating it.

        Called while the writer holds the write lock but has changed nothing yet, so a
        second (WAL reader) connection copies exactly the pre-migration state.
        """
        target = self.path.with_name(f"{self.path.name}.v{version}.bak")
        tmp = target.with_name(target.name + ".part")
        try:
            tmp.unlink(missing_ok=True)
            source, dest = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S), sqlite3.connect(tmp)
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
            os.replace(tmp, target)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise ArtGuardError(f"cannot back up catalog {self.path} to {target} before upgrading it: {exc}") from exc
        return target

    def _check_open(self) -> None:
        if self._closed:
            raise ArtGuardError(f"catalog {self.path} is closed")
        if os.getpid() != self._pid:
            # Inherited across fork: SQLite connections must not be used, nor closed, in the
            # child; keep them referenced (never finalised here) and start afresh.
            self._inherited.append((self._writer, self._local, self._readers))
            self._pid = os.getpid()
            self._lock = threading.Lock()
            self._local = threading.local()
            self._readers, self._writer = weakref.WeakSet(), None
            self._open_writer()

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection (WAL readers never wait for the writer)."""
        self._check_open()
        reader = getattr(self._local, "reader", None)
        if reader is None:
            with _translated(self.path):
                conn = self._connect()
                conn.execute("PRAGMA query_only = ON")
            reader = self._local.reader = _Reader(conn)
            with self._lock:
                self._readers.add(reader)
        return reader.conn

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``work`` in one immediate transaction on the single writer connection."""
        self._check_open()
        with self._lock:
            conn = self._writer
            if conn is None:
                raise ArtGuardError(f"catalog {self.path} is closed")
            with _translated(self.path):
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = work(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
        return result

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Publication]:
        with _translated(self.path):
            rows = self._rows(sql, params).fetchall()
        return [_publication_from(r) for r in rows]

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """A cursor whose rows are read by column name."""
        cursor = self._reader().cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, params)

    # -- writing

    def add(self, pub: Publication) -> int:
        """Record one publication; returns its new id (``pub.id`` is ignored and left as is)."""
        return self.add_many([pub])[0]

    def add_many(self, pubs: Iterable[Publication]) -> list[int]:
        """Record several publications in one transaction (all or none)."""
        rows = [(_row_values(p), bytes(p.output.fingerprint), bytes(p.original.fingerprint), bytes(p.reference)) for p in pubs]

        def insert(conn: sqlite3.Connection) -> list[int]:
            ids = []
            for values, out_fp, orig_fp, reference in rows:
                pub_id = conn.execute(_INSERT, values).lastrowid
                conn.execute("INSERT INTO fingerprint (pub_id, output, original) VALUES (?, ?, ?)", (pub_id, out_fp, orig_fp))
                if reference:
                    conn.execute("INSERT INTO reference (pub_id, output) VALUES (?, ?)", (pub_id, reference))
                ids.append(pub_id)
            return ids

        return self._write(insert)

    def update_references(self, blobs: Mapping[int, bytes]) -> None:
        """Replace stored verification blobs (their features, computed after publishing);
        ids removed meanwhile are left alone."""
        rows = [(bytes(blob), int(pub_id)) for pub_id, blob in blobs.items()]

        def update(conn: sqlite3.Connection) -> None:
            conn.executemany("UPDATE reference SET output = ? WHERE pub_id = ?", rows)

        if rows:
            self._write(update)

    def remove(self, pub_ids: Iterable[int]) -> int:
        """Delete publications (and their fingerprints); returns how many existed."""
        ids = list(dict.fromkeys(int(i) for i in pub_ids))

        def delete(conn: sqlite3.Connection) -> int:
            removed = 0
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start:start + _IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM fingerprint WHERE pub_id IN ({marks})", chunk)
                conn.execute(f"DELETE FROM posting WHERE pub_id IN ({marks})", chunk)
                conn.execute(f"DELETE FROM reference WHERE pub_id IN ({marks})", chunk)
                removed += conn.execute(f"DELETE FROM publication WHERE id IN ({marks})", chunk).rowcount
            return removed

        return self._write(delete)

    def add_posting(self, pub_id: int, url: str, posted_at: str | None = None) -> Posting:
        """Record (or re-date) where a publication was posted; the publication must exist."""
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
            raise ArtGuardError(f"{url!r} is not a web address (http:// or https://)")
        if posted_at:
            try:
                text = posted_at.strip()
                posted_at = date.fromisoformat(text).isoformat() if len(text) == 10 else datetime.fromisoformat(text).isoformat()
            except ValueError as exc:
                raise ArtGuardError(f"{posted_at!r} is not a date (use YYYY-MM-DD)") from exc
        self.get(pub_id)
        posting = Posting(int(pub_id), url, posted_at or None, now_iso())

        def upsert(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO posting (pub_id, url, posted_at, recorded_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (pub_id, url) DO UPDATE SET posted_at = excluded.posted_at, recorded_at = excluded.recorded_at",
                (posting.pub_id, posting.url, posting.posted_at, posting.recorded_at),
            )

        self._write(upsert)
        return posting

    def remove_posting(self, pub_id: int, url: str) -> bool:
        """Forget one posting; True when it was recorded."""
        return bool(self._write(lambda conn: conn.execute(
            "DELETE FROM posting WHERE pub_id = ? AND url = ?", (int(pub_id), url)).rowcount))

    def postings(self, pub_id: int) -> list[Posting]:
        """Where a publication was posted, oldest posting first."""
        conn = self._reader()
        with _translated(self.path):
            rows = conn.execute(
                "SELECT pub_id, url, posted_at, recorded_at FROM posting WHERE pub_id = ? "
                "ORDER BY coalesce(posted_at, recorded_at), id", (int(pub_id),)).fetchall()
        return [Posting(*row) for row in rows]

    def next_watermark_image_id(self) -> int:
        """A fresh id for the invisible watermark, unique across threads and processes.

        Ids run 1, 2, ... ``WATERMARK_ID_MAX`` (2**24 - 1) and then wrap to 1, so after
        16.7 million publications an id can name more than one: ``find_by_watermark``
        returns every match, newest first, and the checker confirms with the hashes.
        """

        def bump(conn: sqlite3.Connection) -> int:
            row = conn.execute("SELECT value FROM counter WHERE name = 'watermark_id'").fetchone()
            value = 1 if row is None or row[0] >= WATERMARK_ID_MAX else row[0] + 1
            conn.execute("INSERT OR REPLACE INTO counter (name, value) VALUES ('watermark_id', ?)", (value,))
            return value

        return self._write(bump)

    # -- reading

    def get(self, pub_id: int) -> Publication:
        found = self._query(_SELECT + " WHERE p.id = ?", (int(pub_id),))
        if not found:
            raise ArtGuardError(f"no publication with id {pub_id} in catalog {self.path}")
        return found[0]

    def find_by_sha256(self, sha: str) -> list[Publication]:
        """Publications whose original or output has exactly these bytes."""
        sha = sha.lower()
        return self._query(_SELECT + " WHERE p.orig_sha256 = ? OR p.out_sha256 = ?" + _NEWEST_FIRST, (sha, sha))

    def find_by_xmp_id(self, doc_or_instance_id: str) -> list[Publication]:
        """Matches xmpMM:DocumentID or xmpMM:InstanceID."""
        key = doc_or_instance_id
        return self._query(_SELECT + " WHERE p.document_id = ? OR p.instance_id = ?" + _NEWEST_FIRST, (key, key))

    def find_by_c2pa_label(self, label: str) -> list[Publication]:
        return self._query(_SELECT + " WHERE p.c2pa_label = ?" + _NEWEST_FIRST, (label,))

    def find_by_watermark(self, image_id: int) -> list[Publication]:
        """Every publication carrying this watermark id (several after the ids wrap)."""
        return self._query(_SELECT + " WHERE p.watermark_id = ?" + _NEWEST_FIRST, (int(image_id),))

    def drop_superseded(self, output_path: str, pub_id: int) -> int:
        """Delete the records older than ``pub_id`` for the same output file: that file was
        overwritten, so they describe bytes that no longer exist. Returns how many."""
        rows = self._reader().execute(
            "SELECT id FROM publication WHERE out_path = ? AND id < ?", (str(output_path), int(pub_id))
        ).fetchall()
        return self.remove(row[0] for row in rows) if rows else 0

    def latest_for_output(self, output_path: str) -> Publication | None:
        """The newest record for an output file, so a resumed batch can skip it."""
        found = self._query(_SELECT + " WHERE p.out_path = ?" + _NEWEST_FIRST + " LIMIT 1", (str(output_path),))
        return found[0] if found else None

    def phash_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ids int64, output phashes uint64, original phashes uint64) for vectorised Hamming search."""
        conn = self._reader()
        with _translated(self.path):
            rows = conn.execute("SELECT id, out_phash, orig_phash FROM publication ORDER BY id").fetchall()
        table = np.array(rows, dtype=np.int64).reshape(-1, 3)
        return table[:, 0].copy(), table[:, 1].view(np.uint64).copy(), table[:, 2].view(np.uint64).copy()

    def fingerprints(self, pub_ids: Iterable[int]) -> dict[int, tuple[bytes, bytes]]:
        """{id: (output blob, original blob)} for the given ids; unknown ids are absent."""
        ids = [int(i) for i in pub_ids]
        conn = self._reader()
        result: dict[int, tuple[bytes, bytes]] = {}
        with _translated(self.path):
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start:start + _IN_CHUNK]
                sql = f"SELECT pub_id, output, original FROM fingerprint WHERE pub_id IN ({','.join('?' * len(chunk))})"
                for pub_id, out_fp, orig_fp in conn.execute(sql, chunk):
                    result[pub_id] = (bytes(out_fp), bytes(orig_fp))
        return result

    def references(self, pub_ids: Iterable[int] | None = None) -> dict[int, bytes]:
        """{id: verification blob} for the given ids (all when None); ids without one are absent."""
        conn = self._reader()
        result: dict[int, bytes] = {}
        with _translated(self.path):
            if pub_ids is None:
                return {pub_id: bytes(blob) for pub_id, blob in conn.execute("SELECT pub_id, output FROM reference")}
            ids = [int(i) for i in pub_ids]
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start:start + _IN_CHUNK]
                sql = f"SELECT pub_id, output FROM reference WHERE pub_id IN ({','.join('?' * len(chunk))})"
                result.update((pub_id, bytes(blob)) for pub_id, blob in conn.execute(sql, chunk))
        return result

    def count(self, search: str = "") -> int:
        """How many publications (matching ``search``, as in ``list``)."""
        where, params = self._search_clause(search)
        conn = self._reader()
        with _translated(self.path):
            return conn.execute(f"SELECT count(*) FROM publication p{where}", params).fetchone()[0]

    def list(self, search: str = "", limit: int = 100, offset: int = 0) -> list[Publication]:
        """Newest first; ``search`` matches paths, profile name and CMI values (substring)."""
        where, params = self._search_clause(search)
        params.update(limit=int(limit), offset=int(offset))
        return self._query(_SELECT + where + _NEWEST_FIRST + " LIMIT :limit OFFSET :offset", params)

    @staticmethod
    def _search_clause(search: str) -> tuple[str, dict[str, Any]]:
        if not search:
            return "", {}
        where = (
            " WHERE p.orig_path LIKE :pat ESCAPE '\\' OR p.out_path LIKE :pat ESCAPE '\\'"
            " OR p.profile_name LIKE :pat ESCAPE '\\' OR p.published_at LIKE :pat ESCAPE '\\'"
            " OR EXISTS (SELECT 1 FROM json_tree(p.fields) j WHERE j.type = 'text' AND j.value LIKE :pat ESCAPE '\\')"
        )
        return where, {"pat": _like(search)}

    def iter_all(self) -> Iterator[Publication]:
        """Every publication, oldest first, streamed (exports of big catalogs stay small in memory)."""
        with _translated(self.path):
            cursor = self._rows(_SELECT + " ORDER BY p.id")
            while rows := cursor.fetchmany(500):
                yield from (_publication_from(r) for r in rows)

    def export(self, fmt: Literal["csv", "json"], out: TextIO) -> int:
        """Write the whole catalog as CSV (one flat row each) or JSON, each publication with
        where it was posted (``posted``); returns the row count."""
        if fmt not in ("csv", "json"):
            raise ArtGuardError(f"unknown export format {fmt!r} (use csv or json)")
        posted = self._all_postings()
        n = 0
        if fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for n, pub in enumerate(self.iter_all(), 1):
                writer.writerow(flat_record(pub, posted.get(pub.id, [])))
            return n
        out.write(f'{{"schema_version": {schema_version()}, "publications": [')
        for n, pub in enumerate(self.iter_all(), 1):
            record = {**to_record(pub), "posted": [p.to_record() for p in posted.get(pub.id, [])]}
            out.write(("\n" if n == 1 else ",\n") + json.dumps(record, ensure_ascii=False))
        out.write("\n]}\n")
        return n

    def _all_postings(self) -> dict[int, list[Posting]]:
        """Every posting by publication (one query: postings are few beside publications)."""
        conn = self._reader()
        by_pub: dict[int, list[Posting]] = {}
        with _translated(self.path):
            for row in conn.execute("SELECT pub_id, url, posted_at, recorded_at FROM posting ORDER BY coalesce(posted_at, recorded_at), id"):
                by_pub.setdefault(row[0], []).append(Posting(*row))
        return by_pub


# --------------------------------------------------------------------------- records

def _image_record(img: ImageFacts) -> dict[str, Any]:
    return {
        "path": img.path,
        "size": img.size,
        "width": img.width,
        "height": img.height,
        "format": img.format,
        "sha256": img.sha256,
        "phash": f"{img.phash:016x}",
        "fingerprint": base64.b64encode(img.fingerprint).decode("ascii"),
    }


def to_record(pub: Publication) -> dict[str, Any]:
    """A JSON-ready dict (phash as 16 hex digits, fingerprints base64) for export and --json."""
    return {
        "id": pub.id,
        "published_at": pub.published_at,
        "profile_name": pub.profile_name,
        "settings_hash": pub.settings_hash,
        "document_id": pub.document_id,
        "instance_id": pub.instance_id,
        "c2pa_label": pub.c2pa_label,
        "watermark_id": pub.watermark_id,
        "original": _image_record(pub.original),
        "output": _image_record(pub.output),
        "fields": pub.fields,
    }


EXPORT_COLUMNS = [
    "id", "published_at", "profile_name", "settings_hash", "document_id", "instance_id",
    "c2pa_label", "watermark_id",
    *(f"original_{k}" for k in ("path", "size", "width", "height", "format", "sha256", "phash", "fingerprint")),
    *(f"output_{k}" for k in ("path", "size", "width", "height", "format", "sha256", "phash", "fingerprint")),
    "fields", "posted",
]


def flat_record(pub: Publication, posted: Sequence[Posting] = ()) -> dict[str, Any]:
    """One CSV row: images flattened with original_/output_ prefixes; fields and postings
    as JSON text."""
    record = to_record(pub)
    flat = {k: v for k, v in record.items() if k not in ("original", "output", "fields")}
    for side in ("original", "output"):
        flat.update({f"{side}_{k}": v for k, v in record[side].items()})
    flat["fields"] = json.dumps(pub.fields, ensure_ascii=False, sort_keys=True)
    flat["posted"] = json.dumps([p.to_record() for p in posted], ensure_ascii=False)
    return {k: ("" if v is None else v) for k, v in flat.items()}
