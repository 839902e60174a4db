"""``artguard catalog``: what a user sees when listing, showing, exporting and removing entries."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from artguard.catalog import Catalog, ImageFacts, Publication
from artguard.cli import main


def _facts(path: Path) -> ImageFacts:
    data = path.read_bytes()
    with Image.open(path) as img:
        size, fmt = img.size, img.format.lower()
    return ImageFacts(str(path.resolve()), len(data), size[0], size[1], fmt, hashlib.sha256(data).hexdigest(), 0x8000_0000_0000_0001, b"fp")


@pytest.fixture
def recorded(make_image) -> list[tuple[int, Path]]:
    """Two publications in the default catalog (under the test's ARTGUARD_HOME)."""
    original = make_image("art/sunset.png", 64, 48, seed=1)
    outputs = [make_image("web/sunset.jpg", 64, 48, seed=1), make_image("web/sunset-small.webp", 32, 24, seed=1)]
    with Catalog() as cat:
        ids = [
            cat.add(Publication(
                original=_facts(original), output=_facts(out), profile_name=profile,
                fields={"Xmp.dc.creator": "Zoë 山田", "Xmp.plus.DataMining": "DMI-PROHIBITED-AIMLTRAINING"},
                document_id=f"xmp.did:{n}", instance_id=f"xmp.iid:{n}", c2pa_label=f"urn:c2pa:{n}",
                watermark_id=40 + n, settings_hash="s" * 64, published_at=f"2026-05-0{n + 1}T12:00:00.000000+00:00",
            ))
            for n, (out, profile) in enumerate(zip(outputs, ["Web", "Thumbs"]))
        ]
    return list(zip(ids, outputs))


def test_list_shows_newest_first(recorded, capsys):
    assert main(["catalog", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "PUBLISHED", "(UTC)", "PROFILE", "WATERMARK", "OUTPUT"]
    (first_id, first_out), (second_id, second_out) = recorded
    assert lines[1].split()[0] == str(second_id) and lines[1].endswith(str(second_out.resolve()))
    assert "2026-05-02 12:00:00" in lines[1] and "Thumbs" in lines[1]
    assert lines[2].split()[0] == str(first_id) and lines[2].endswith(str(first_out.resolve()))


def test_list_search_limit_and_json(recorded, capsys):
    assert main(["catalog", "list", "--search", "small", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["total"] == 1 and [p["id"] for p in doc["publications"]] == [recorded[1][0]]

    assert main(["catalog", "list", "--limit", "1"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2 and "showing 1 of 2" in err

    assert main(["catalog", "list", "--search", "nothing-like-this"]) == 0
    assert "no publications match" in capsys.readouterr().err


def test_list_on_empty_catalog(capsys):
    assert main(["catalog", "list"]) == 0
    assert "the catalog is empty" in capsys.readouterr().err


def test_show_prints_hashes_ids_and_fields(recorded, capsys):
    pub_id, output = recorded[0]
    assert main(["catalog", "show", str(pub_id)]) == 0
    out = capsys.readouterr().out
    assert hashlib.sha256(output.read_bytes()).hexdigest() in out
    assert "xmp.did:0" in out and "urn:c2pa:0" in out and "8000000000000001" in out
    assert "Xmp.dc.creator" in out and "Zoë 山田" in out and "DMI-PROHIBITED-AIMLTRAINING" in out

    assert main(["catalog", "show", str(pub_id), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["output"]["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    assert doc["watermark_id"] == 40 and doc["fields"]["Xmp.dc.creator"] == "Zoë 山田"


def test_show_unknown_id_is_a_one_line_error(recorded, capsys):
    assert main(["catalog", "show", "999"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("artguard: error: no publication with id 999") and "Traceback" not in err


def test_export_csv_to_stdout_and_json_to_file(recorded, capsys, tmp_path):
    assert main(["catalog", "export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["output_sha256"] for r in rows] == [hashlib.sha256(p.read_bytes()).hexdigest() for _, p in recorded]
    assert json.loads(rows[0]["fields"])["Xmp.dc.creator"] == "Zoë 山田"

    target = tmp_path / "exports" / "catalog.json"
    assert main(["catalog", "export", "--format", "json", "-o", str(target)]) == 0
    assert "exported 2 publication(s)" in capsys.readouterr().err
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert [p["output"]["path"] for p in doc["publications"]] == [str(p.resolve()) for _, p in recorded]


def test_export_needs_a_known_format(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["catalog", "export", "--format", "xml"])
    assert exit_info.value.code == 2


def test_remove_needs_yes_when_not_interactive(recorded, capsys):
    assert main(["catalog", "remove", str(recorded[0][0])]) == 2
    assert "--yes" in capsys.readouterr().err
    with Catalog() as cat:
        assert cat.count() == 2


def test_remove_deletes_and_reports_unknown_ids(recorded, capsys):
    first_id, second_id = (pub_id for pub_id, _ in recorded)
    assert main(["catalog", "remove", str(first_id), "777", "--yes"]) == 1
    out, err = capsys.readouterr()
    assert "removed 1 publication(s)" in out and "no publication with id 777" in err
    with Catalog() as cat:
        assert [p.id for p in cat.list()] == [second_id]
    assert main(["catalog", "remove", str(second_id), "--yes"]) == 0
    with Catalog() as cat:
        assert cat.count() == 0


def test_posted_records_where_an_output_was_posted(recorded, capsys, tmp_path):
    (pub_id, _), (other_id, _) = recorded
    url = "https://www.artstation.com/artwork/sunset"
    assert main(["catalog", "posted", str(pub_id), url, "--date", "2026-05-02"]) == 0
    assert main(["catalog", "posted", str(pub_id), "https://bsky.app/profile/zoe/post/1"]) == 0
    assert main(["catalog", "posted", str(pub_id), url, "--date", "2026-05-03"]) == 0  # re-dated, not doubled
    capsys.readouterr()
    assert main(["catalog", "show", str(pub_id)]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"posted at +{re.escape(url)} \(2026-05-03\)", out) and "https://bsky.app/profile/zoe/post/1" in out
    assert main(["catalog", "show", str(pub_id), "--json"]) == 0
    posted = json.loads(capsys.readouterr().out)["posted"]
    assert [(p["url"], p["posted_at"]) for p in posted] == [(url, "2026-05-03"), ("https://bsky.app/profile/zoe/post/1", None)]
    assert main(["catalog", "show", str(other_id), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["posted"] == []

    assert main(["catalog", "posted", str(pub_id), "ftp://example.org/x"]) == 1
    assert main(["catalog", "posted", str(pub_id), url, "--date", "last week"]) == 1
    assert main(["catalog", "posted", "999", url]) == 1
    err = capsys.readouterr().err
    assert "not a web address" in err and "not a date" in err and "no publication with id 999" in err

    assert main(["catalog", "posted", str(pub_id), url, "--remove"]) == 0
    assert main(["catalog", "posted", str(pub_id), url, "--remove"]) == 1
    assert main(["catalog", "remove", str(pub_id), "--yes"]) == 0
    with Catalog() as cat:  # removing the publication removes where it was posted
        assert cat._reader().execute("SELECT count(*) FROM posting").fetchone()[0] == 0
