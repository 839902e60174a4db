"""The catalog records real files faithfully, survives concurrent writers, migrates safely."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import sqlite3
import threading
from dataclasses import replace
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image

from artguard import catalog as catalog_mod
from artguard import paths
from artguard.catalog import WATERMARK_ID_MAX, Catalog, ImageFacts, Publication
from artguard.errors import ArtGuardError


def facts(path: Path, fingerprint: bytes = b"") -> ImageFacts:
    """What the pipeline records for a file: its real size, dimensions, sha256 and pHash."""
    data = path.read_bytes()
    with Image.open(path) as img:
        phash = int(str(imagehash.phash(img)), 16)
        width, height, fmt = img.width, img.height, img.format.lower()
    return ImageFacts(str(path.resolve()), len(data), width, height, fmt, hashlib.sha256(data).hexdigest(), phash, fingerprint)


def publication(original_file: Path, output_file: Path, n: int = 0, **overrides) -> Publication:
    values = dict(
        original=facts(original_file, b"orig-fp-%d" % n),
        output=facts(output_file, b"out-fp-%d" % n + bytes(range(256))),
        profile_name="Studio",
        fields={"Xmp.dc.creator": "Zoë 山田", "Exif.Image.Copyright": f"© 2026 Zoë Yamada #{n}"},
        document_id=f"xmp.did:{n:08d}",
        instance_id=f"xmp.iid:{n:08d}",
        c2pa_label=f"urn:c2pa:{n:08d}",
        watermark_id=1000 + n,
        settings_hash="a" * 64,
        published_at=f"2026-05-09T10:00:{n % 60:02d}.000000+00:00",
    )
    values.update(overrides)
    return Publication(**values)


@pytest.fixture
def pair(make_image) -> tuple[Path, Path]:
    return make_image("art/original.png", 96, 64, seed=1), make_image("out/original.jpg", 80, 53, seed=1)


@pytest.fixture
def cat() -> Catalog:
    with Catalog() as c:
        yield c


def test_records_real_hashes_of_the_files(cat, pair):
    original, output = pair
    pub = publication(original, output)
    pub_id = cat.add(pub)

    assert cat.path == paths.catalog_path() and cat.path.is_file()
    got = cat.get(pub_id)
    assert got == replace(pub, id=pub_id)
    assert got.output.sha256 == hashlib.sha256(output.read_bytes()).hexdigest()
    assert got.original.sha256 == hashlib.sha256(original.read_bytes()).hexdigest()
    assert (got.output.width, got.output.height, got.output.format, got.output.size) == (80, 53, "jpeg", output.stat().st_size)
    # A second reader (plain sqlite3) sees the same bytes' hashes in the file.
    with sqlite3.connect(cat.path) as raw:
        row = raw.execute("SELECT orig_sha256, out_sha256, out_path FROM publication WHERE id = ?", (pub_id,)).fetchone()
    assert row == (got.original.sha256, got.output.sha256, str(output.resolve()))


def test_lookups_by_hash_and_embedded_ids(cat, pair, make_image):
    original, output = pair
    other = make_image("out/other.jpg", 80, 53, seed=2)
    first = cat.add(publication(original, output, 1))
    second = cat.add(publication(original, other, 2, published_at="2026-05-10T00:00:00.000000+00:00"))

    out_sha = hashlib.sha256(output.read_bytes()).hexdigest()
    assert [p.id for p in cat.find_by_sha256(out_sha)] == [first]
    assert [p.id for p in cat.find_by_sha256(out_sha.upper())] == [first]
    orig_sha = hashlib.sha256(original.read_bytes()).hexdigest()
    assert [p.id for p in cat.find_by_sha256(orig_sha)] == [second, first]  # newest first
    assert [p.id for p in cat.find_by_xmp_id("xmp.did:00000002")] == [second]
    assert [p.id for p in cat.find_by_xmp_id("xmp.iid:00000001")] == [first]
    assert [p.id for p in cat.find_by_c2pa_label("urn:c2pa:00000001")] == [first]
    assert [p.id for p in cat.find_by_watermark(1002)] == [second]
    assert cat.find_by_sha256("0" * 64) == [] and cat.find_by_watermark(7) == []
    with pytest.raises(ArtGuardError, match="no publication with id 999"):
        cat.get(999)


def test_latest_for_output_serves_resume(cat, pair):
    original, output = pair
    cat.add(publication(original, output, 1, settings_hash="old"))
    newer = cat.add(publication(original, output, 2, settings_hash="new"))
    latest = cat.latest_for_output(str(output.resolve()))
    assert latest is not None and latest.id == newer and latest.settings_hash == "new"
    assert cat.latest_for_output(str(output.parent / "never-written.jpg")) is None


def test_phash_index_keeps_all_64_bits_for_hamming_search(cat, pair):
    original, output = pair
    real = facts(output)
    high = 0xF0E1D2C3B4A59687  # top bit set: stored as a negative int64
    ids = cat.add_many([
        publication(original, output, 1),
        publication(original, output, 2, output=replace(real, phash=high)),
        publication(original, output, 3, output=replace(real, phash=2**64 - 1)),
    ])
    pub_ids, out_hashes, orig_hashes = cat.phash_index()
    assert pub_ids.dtype == np.int64 and out_hashes.dtype == np.uint64 and orig_hashes.dtype == np.uint64
    assert pub_ids.tolist() == ids
    assert out_hashes.tolist() == [real.phash, high, 2**64 - 1]
    assert orig_hashes.tolist() == [facts(original).phash] * 3
    assert cat.get(ids[1]).output.phash == high

    # The checker's search: XOR and count bits; the exact hash is found at distance 0.
    xor = np.bitwise_xor(out_hashes, np.uint64(high))
    distance = np.unpackbits(xor.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)
    assert pub_ids[int(np.argmin(distance))] == ids[1] and distance.min() == 0


def test_fingerprints_and_add_many_across_chunks(cat, pair):
    original, output = pair
    base = publication(original, output)
    pubs = [replace(base, output=replace(base.output, fingerprint=b"out-%d" % n), original=replace(base.original, fingerprint=b"orig-%d" % n)) for n in range(620)]
    ids = cat.add_many(pubs)
    assert len(set(ids)) == 620 and cat.count() == 620
    blobs = cat.fingerprints([*ids, 99_999])
    assert set(blobs) == set(ids)
    assert blobs[ids[611]] == (b"out-611", b"orig-611")
    assert cat.get(ids[0]).output.fingerprint == b"out-0"


def test_list_search_and_paging(cat, pair, make_image):
    original, output = pair
    pink = make_image("out/pink_100%.webp", 40, 30, seed=3)
    a = cat.add(publication(original, output, 1, profile_name="Portfolio"))
    b = cat.add(publication(original, pink, 2, fields={"Xmp.dc.creator": "Ana Lima"}))
    c = cat.add(publication(original, output, 3))

    assert [p.id for p in cat.list()] == [c, b, a]
    assert [p.id for p in cat.list(limit=2, offset=1)] == [b, a]
    assert [p.id for p in cat.list("山田")] == [c, a]  # field value, non-ASCII
    assert [p.id for p in cat.list("portfolio")] == [a]  # profile, any case
    assert [p.id for p in cat.list("pink_100%")] == [b]  # path; % and _ are literal
    assert cat.list("100%x") == [] and cat.list("Xmp.dc") == []  # keys are not values
    assert cat.count("Lima") == 1 and cat.count() == 3


def test_remove_deletes_rows_and_fingerprints(cat, pair):
    original, output = pair
    ids = cat.add_many([publication(original, output, n) for n in range(3)])
    assert cat.remove([ids[0], ids[2], 12345]) == 2
    assert [p.id for p in cat.list()] == [ids[1]]
    assert set(cat.fingerprints(ids)) == {ids[1]}
    with pytest.raises(ArtGuardError):
        cat.get(ids[0])
    # Ids are never reused, so an exported id keeps naming one publication.
    assert cat.add(publication(original, output, 9)) > ids[2]


def test_concurrent_adds_from_eight_threads(cat, pair):
    original, output = pair
    results: list[int] = []
    marks: list[int] = []
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            for n in range(40):
                results.append(cat.add(publication(original, output, t * 100 + n)))
                marks.append(cat.next_watermark_image_id())
                cat.list(limit=5)  # readers run alongside the writer
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 320 and cat.count() == 320
    assert sorted(marks) == list(range(1, 321))


def _add_in_process(cat: Catalog, original: str, output: str, base: int) -> list[int]:
    return [cat.add(publication(Path(original), Path(output), base + n)) for n in range(15)]


def test_concurrent_adds_from_two_processes(cat, pair):
    original, output = pair
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_add_in_process, cat, str(original), str(output), base) for base in (0, 100)]
        ids = [i for f in futures for i in f.result()]
    assert len(set(ids)) == 30
    assert cat.count() == 30  # this process's reader sees the other processes' commits


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_catalog_inherited_across_fork_reopens_in_the_child(cat, pair):
    original, output = pair
    first = cat.add(publication(original, output, 1))
    cat.list()  # the parent's reader connection exists before the fork
    child_pub = publication(original, output, 2)

    def child() -> None:
        os._exit(0 if cat.add(child_pub) > first and cat.count() == 2 else 1)

    process = get_context("fork").Process(target=child)
    process.start()
    process.join(30)
    assert process.exitcode == 0
    assert [p.document_id for p in cat.list()] == ["xmp.did:00000002", "xmp.did:00000001"]
    assert cat.add(publication(original, output, 3)) > first  # the parent's connections still work


def test_file_is_wal_and_versioned(cat):
    with sqlite3.connect(cat.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == catalog_mod.schema_version() == len(catalog_mod.MIGRATIONS)


def test_watermark_ids_increase_persist_and_wrap(tmp_path):
    path = tmp_path / "c.sqlite3"
    with Catalog(path) as cat:
        assert [cat.next_watermark_image_id() for _ in range(3)] == [1, 2, 3]
    with Catalog(path) as cat:
        assert cat.next_watermark_image_id() == 4
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE counter SET value = ? WHERE name = 'watermark_id'", (WATERMARK_ID_MAX - 1,))
    with Catalog(path) as cat:
        assert [cat.next_watermark_image_id() for _ in range(3)] == [WATERMARK_ID_MAX, 1, 2]
    assert WATERMARK_ID_MAX == 2**24 - 1


def test_older_layout_is_backed_up_then_migrated(tmp_path):
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as raw:  # a version-0 file that already holds something
        raw.execute("CREATE TABLE legacy (note TEXT)")
        raw.execute("INSERT INTO legacy VALUES ('kept')")
    with Catalog(path) as cat:
        assert cat.count() == 0
    backup = tmp_path / "c.sqlite3.v0.bak"
    with sqlite3.connect(backup) as raw:
        assert raw.execute("SELECT note FROM legacy").fetchall() == [("kept",)]
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == catalog_mod.schema_version()
    assert not (tmp_path / "fresh.sqlite3.v0.bak").exists()
    Catalog(tmp_path / "fresh.sqlite3").close()  # a brand-new file has nothing to back up
    assert not (tmp_path / "fresh.sqlite3.v0.bak").exists()


def test_no_migration_without_a_backup(tmp_path):
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE legacy (note TEXT)")
    (tmp_path / "c.sqlite3.v0.bak").mkdir()  # the backup cannot be written
    (tmp_path / "c.sqlite3.v0.bak" / "blocker").touch()
    with pytest.raises(ArtGuardError, match="cannot back up catalog"):
        Catalog(path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
        assert [r[0] for r in raw.execute("SELECT name FROM sqlite_master")] == ["legacy"]
    assert not (tmp_path / "c.sqlite3.v0.bak.part").exists()


def test_a_new_migration_runs_on_old_files_and_keeps_data(tmp_path, pair, monkeypatch):
    original, output = pair
    path = tmp_path / "c.sqlite3"
    base = catalog_mod.schema_version()
    with Catalog(path) as cat:
        pub_id = cat.add(publication(original, output))

    def add_note(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE publication ADD COLUMN note TEXT")

    monkeypatch.setattr(catalog_mod, "MIGRATIONS", [*catalog_mod.MIGRATIONS, add_note])
    with Catalog(path) as cat:
        assert cat.get(pub_id).output.sha256 == hashlib.sha256(output.read_bytes()).hexdigest()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == base + 1
        assert "note" in [r[1] for r in raw.execute("PRAGMA table_info(publication)")]
    with sqlite3.connect(tmp_path / f"c.sqlite3.v{base}.bak") as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == base
        assert raw.execute("SELECT id FROM publication").fetchall() == [(pub_id,)]


def test_a_failing_migration_leaves_the_file_untouched(tmp_path, pair, monkeypatch):
    original, output = pair
    path = tmp_path / "c.sqlite3"
    with Catalog(path) as cat:
        pub_id = cat.add(publication(original, output))

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE publication ADD COLUMN half_done TEXT")
        conn.execute("THIS IS NOT SQL")

    monkeypatch.setattr(catalog_mod, "MIGRATIONS", [*catalog_mod.MIGRATIONS, broken])
    with pytest.raises(ArtGuardError, match=str(path)):
        Catalog(path)
    monkeypatch.undo()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == catalog_mod.schema_version()
        assert "half_done" not in [r[1] for r in raw.execute("PRAGMA table_info(publication)")]
    with Catalog(path) as cat:
        assert cat.get(pub_id).id == pub_id


def test_version_1_fields_are_regrouped_by_name_and_webp_loses_iptc(tmp_path, pair, make_image):
    """A catalog written before the field registry: flat key maps, IPTC recorded for WebP."""
    original, output = pair
    webp = make_image("out/w.webp", 40, 30, seed=4)
    path = tmp_path / "c.sqlite3"
    flat = {"Xmp.dc.creator": "Zoë", "Iptc.Application2.Byline": "Zoë", "Exif.Image.Artist": "Zoë",
            "Xmp.xmpMM.InstanceID": "xmp.iid:1"}
    with Catalog(path) as cat:
        jpeg_id = cat.add(publication(original, output, 1, fields=flat))
        webp_id = cat.add(publication(original, webp, 2, fields=flat))
    before = catalog_mod.MIGRATIONS.index(catalog_mod._migrate_fields_by_name)
    with sqlite3.connect(path) as raw:  # back to the layout before the registry: flat JSON
        raw.execute("UPDATE publication SET fields = ?", (json.dumps(flat),))
        raw.execute(f"PRAGMA user_version = {before}")
    with Catalog(path) as cat:
        assert cat.get(jpeg_id).fields == flat
        assert cat.get(webp_id).fields == {k: v for k, v in flat.items() if not k.startswith("Iptc.")}
        assert [p.id for p in cat.list(search="Zoë")] == [webp_id, jpeg_id]
    with sqlite3.connect(path) as raw:
        stored = json.loads(raw.execute("SELECT fields FROM publication WHERE id = ?", (jpeg_id,)).fetchone()[0])
        assert stored["creator"] == {k: "Zoë" for k in ("Xmp.dc.creator", "Iptc.Application2.Byline", "Exif.Image.Artist")}
        assert stored["instance_id"] == {"Xmp.xmpMM.InstanceID": "xmp.iid:1"}
    with sqlite3.connect(tmp_path / f"c.sqlite3.v{before}.bak") as raw:
        assert json.loads(raw.execute("SELECT fields FROM publication LIMIT 1").fetchone()[0]) == flat


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "c.sqlite3"
    Catalog(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 7")
    with pytest.raises(ArtGuardError, match="newer than this ArtGuard"):
        Catalog(path)


def test_garbage_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database, it was overwritten by mistake" * 100)
    with pytest.raises(ArtGuardError, match=f"catalog {path} is damaged"):
        Catalog(path)


def test_damaged_pages_give_a_clear_error(tmp_path, pair):
    original, output = pair
    path = tmp_path / "c.sqlite3"
    with Catalog(path) as cat:
        cat.add_many([publication(original, output)] * 200)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:] = b"\xa5" * (len(data) - page)  # keep the header, wreck every page after it
    path.write_bytes(bytes(data))
    with pytest.raises(ArtGuardError, match=f"catalog {path} is damaged"):
        with Catalog(path) as cat:
            cat.list()


def test_closed_catalog_refuses_use(pair):
    cat = Catalog()
    cat.close()
    with pytest.raises(ArtGuardError, match="closed"):
        cat.count()


def test_export_csv_and_json_read_back(cat, pair, make_image):
    original, output = pair
    webp = make_image("out/second.webp", 40, 30, seed=4)
    pubs = [publication(original, output, 1), publication(original, webp, 2, document_id=None, watermark_id=None)]
    ids = cat.add_many(pubs)
    cat.add_posting(ids[0], "https://www.artstation.com/artwork/harbour", "2026-11-30")
    cat.add_posting(ids[0], "https://jane.example/harbour")

    buf = io.StringIO()
    assert cat.export("csv", buf) == 2
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert [int(r["id"]) for r in rows] == ids
    for row, pub, out_file in zip(rows, pubs, [output, webp]):
        assert row["output_sha256"] == hashlib.sha256(out_file.read_bytes()).hexdigest()
        assert row["original_sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
        assert int(row["output_phash"], 16) == pub.output.phash
        assert base64.b64decode(row["output_fingerprint"]) == pub.output.fingerprint
        assert json.loads(row["fields"]) == pub.fields
        assert row["output_path"] == str(out_file.resolve())
    assert rows[1]["document_id"] == "" and rows[1]["watermark_id"] == ""
    posted = json.loads(rows[0]["posted"])  # where it was posted travels with the record
    assert [(p["url"], p["posted_at"]) for p in posted] == [
        ("https://www.artstation.com/artwork/harbour", "2026-11-30"), ("https://jane.example/harbour", None)]
    assert json.loads(rows[1]["posted"]) == []

    buf = io.StringIO()
    assert cat.export("json", buf) == 2
    doc = json.loads(buf.getvalue())
    assert doc["schema_version"] == catalog_mod.schema_version()
    first, second = doc["publications"]
    assert first["output"]["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    assert second["output"]["format"] == "webp" and second["output"]["width"] == 40
    assert second["document_id"] is None and second["fields"]["Xmp.dc.creator"] == "Zoë 山田"
    assert int(first["original"]["phash"], 16) == facts(original).phash
    assert [p["url"] for p in first["posted"]] == ["https://www.artstation.com/artwork/harbour", "https://jane.example/harbour"]
    assert first["posted"][1]["recorded_at"] and second["posted"] == []


def test_export_of_empty_catalog_is_valid(cat):
    buf = io.StringIO()
    cat.export("json", buf)
    assert json.loads(buf.getvalue())["publications"] == []
    with pytest.raises(ArtGuardError, match="xml"):
        cat.export("xml", io.StringIO())


def test_new_catalog_files_are_private_to_the_user(tmp_path):
    path = tmp_path / "private.sqlite3"
    with Catalog(path) as cat:
        cat.next_watermark_image_id()
        modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes["private.sqlite3"] == 0o600
    assert all(mode == 0o600 for name, mode in modes.items() if name.startswith("private.sqlite3")), modes


def test_verification_references_are_stored_read_and_removed(cat, pair):
    """What the checker verifies against survives the files moving away, and leaves with its row."""
    from artguard import trace
    from tests.images import textured

    original, output = pair
    blob = trace.make_reference(textured(640, 480, seed=3))
    kept = cat.add(publication(original, output, 1, reference=blob))
    bare = cat.add(publication(original, output, 2))
    assert cat.references([kept, bare]) == {kept: blob}
    assert cat.references() == {kept: blob}
    ref = trace.parse_reference(cat.references([kept])[kept])
    assert ref.grey.shape == (288, 384) and len(ref.features) > 50
    cat.remove([kept])
    assert cat.references() == {}


def test_a_version_1_catalog_gains_the_reference_table(tmp_path, pair, monkeypatch):
    original, output = pair
    path = tmp_path / "c.sqlite3"
    monkeypatch.setattr(catalog_mod, "MIGRATIONS", catalog_mod.MIGRATIONS[:1])
    with Catalog(path) as cat:
        pub_id = cat.add(publication(original, output))
    monkeypatch.undo()
    with Catalog(path) as cat:
        assert cat.get(pub_id).id == pub_id and cat.references() == {}
    with sqlite3.connect(path) as raw:
        assert "reference" in [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
