"""``embed --metadata-csv`` (per-image values over the profile) and ``inspect --csv`` (the same shape)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from artguard.cli import main
from tests.conftest import exiftool_read


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_rows_override_the_profile_per_image(make_image, tmp_path: Path, exiftool, capsys) -> None:
    make_image("in/a.jpg", 200, 150, seed=1)
    make_image("in/sub/b.png", 200, 150, seed=2)
    table = write_csv(tmp_path / "meta.csv", [
        {"file": "a.jpg", "title": "Harbour at dawn", "keywords": "sea, dawn", "creator": "", "colour": "blue"},
        {"file": "in/sub/b.png", "title": "Night over {filename}", "keywords": "night", "creator": "Ana Lima", "colour": ""},
        {"file": "missing.png", "title": "x", "keywords": "", "creator": "", "colour": ""},
    ])
    args = ["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Zoë",
            "--metadata-csv", str(table), "--json"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "unknown columns ignored: colour" in captured.err and "row 4 (missing.png) matches no input image" in captured.err
    assert len(json.loads(captured.out)["csv_problems"]) == 2
    a = exiftool_read(tmp_path / "out" / "in" / "a.jpg")
    assert a["XMP-dc:Title"] == "Harbour at dawn" and a["IPTC:Keywords"] == ["sea", "dawn"]
    assert a["XMP-dc:Creator"] == "Zoë"  # an empty cell keeps the profile's value
    b = exiftool_read(tmp_path / "out" / "in" / "sub" / "b.png")
    assert b["XMP-dc:Title"] == "Night over b.png" and b["XMP-dc:Creator"] == "Ana Lima"
    assert b["XMP-dc:Subject"] == "night"


def test_a_bad_value_stops_before_any_work(make_image, tmp_path: Path, capsys) -> None:
    make_image("in/a.jpg", 200, 150)
    table = write_csv(tmp_path / "meta.csv", [{"file": "a.jpg", "contact_email": "nobody"}])
    code = main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Zoë",
                 "--metadata-csv", str(table)])
    assert code == 2
    assert "a.jpg: contact email looks wrong" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_inspect_csv_feeds_back_into_embed(make_image, tmp_path: Path, capsys) -> None:
    make_image("in/a.jpg", 200, 150, seed=1)
    make_image("in/b.webp", 200, 150, seed=2)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Zoë",
                 "--title", "T {filename}", "--copyright-status", "public-domain", "--no-c2pa", "--json"]) == 0
    capsys.readouterr()
    outputs = [tmp_path / "out" / "in" / n for n in ("a.jpg", "b.webp")]
    assert main(["inspect", *map(str, outputs), "--csv", "--no-watermark"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["title"] for r in rows] == ["T a.jpg", "T b.webp"]
    assert {r["copyright_status"] for r in rows} == {"public-domain"}
    assert rows[0]["data_mining"] == "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING" and rows[0]["instance_id"]

    rows[1]["creator"] = "Ana Lima"
    rows[1]["data_mining"] = "DMI-PROHIBITED-AIMLTRAINING"
    table = write_csv(tmp_path / "edited.csv", rows)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "again"), "--creator", "Zoë",
                 "--metadata-csv", str(table), "--no-c2pa", "--json"]) == 0
    assert "csv_problems" not in json.loads(capsys.readouterr().out)
    assert main(["inspect", str(tmp_path / "again" / "in" / "b.webp"), "--csv", "--no-watermark"]) == 0
    again = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert again["creator"] == "Ana Lima" and again["data_mining"] == "DMI-PROHIBITED-AIMLTRAINING"
    assert again["title"] == "T b.webp" and again["instance_id"] != rows[1]["instance_id"]
